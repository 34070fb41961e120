from django.urls import path

from . import views

app_name = "protection"

urlpatterns = [
    path("cases/<str:crn>/flags/", views.flags, name="flags"),
    path("cases/<str:crn>/flags/add/", views.add_flag, name="add-flag"),
    path("cases/<str:crn>/flags/<int:registration_id>/", views.flag_detail, name="flag"),
    path("cases/<str:crn>/flags/<int:registration_id>/review/", views.review_flag, name="review-flag"),
    path("cases/<str:crn>/flags/<int:registration_id>/remove/", views.remove_flag, name="remove-flag"),
]
