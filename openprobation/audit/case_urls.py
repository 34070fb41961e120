"""Audit pages of a case, mounted under /cases/<crn>/."""

from django.urls import path

from .views import history, subject_access

app_name = "case-audit"

urlpatterns = [
    path("history/", history.case_history, name="history"),
    path("subject-access/", subject_access.case_subject_access, name="subject-access"),
]
