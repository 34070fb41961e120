"""Access pages of a case, mounted under /cases/<crn>/."""

from django.urls import path

from .views import limited, log, sharing

app_name = "case-access"

urlpatterns = [
    path("who-has-looked/", log.access_log, name="access-log"),
    path("who-has-looked/export.csv", log.access_log_csv, name="access-log-csv"),
    path("limited-access/", limited.limited_access, name="limited-access"),
    path("limited-access/exclusions/add/", limited.add_exclusion, name="add-exclusion"),
    path("limited-access/exclusions/<int:entry_id>/end/", limited.end_exclusion, name="end-exclusion"),
    path("limited-access/restrictions/add/", limited.add_restriction, name="add-restriction"),
    path("limited-access/restrictions/<int:entry_id>/end/", limited.end_restriction, name="end-restriction"),
    path("limited-access/messages/", limited.edit_messages, name="messages"),
    path("sharing/", sharing.sharing, name="sharing"),
    path("sharing/add/", sharing.share, name="share"),
    path("sharing/<int:share_id>/end/", sharing.end_share, name="end-share"),
]
