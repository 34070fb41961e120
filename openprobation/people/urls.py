from django.urls import path

from . import views

app_name = "case"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("personal-details/", views.personal_details, name="personal-details"),
    path("personal-details/contact-details/", views.edit_contact_details, name="edit-contact-details"),
    path("personal-details/main-address/", views.change_main_address, name="change-main-address"),
]
