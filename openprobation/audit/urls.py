"""Audit pages outside a case, mounted under /audit/."""

from django.urls import path

from .views import subject_access

app_name = "audit"

urlpatterns = [
    path("subject-access/", subject_access.subject_access_start, name="subject-access"),
]
