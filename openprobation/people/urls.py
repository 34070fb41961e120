from django.urls import path

from . import record_views, views

app_name = "case"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("personal-details/", views.personal_details, name="personal-details"),
    path("personal-details/contact-details/", views.edit_contact_details, name="edit-contact-details"),
    path("personal-details/main-address/", views.change_main_address, name="change-main-address"),
    path("personal-details/add/<slug:kind>/", record_views.add_detail, name="add-detail"),
    path("personal-details/circumstances/<int:circumstance_id>/end/", record_views.end_circumstance,
         name="end-circumstance"),
    path("personal-details/equality/", record_views.edit_equality_data, name="edit-equality"),
]
