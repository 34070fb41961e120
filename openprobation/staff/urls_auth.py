"""The second sign-in step and the user's own two-factor settings (sign-in and sign-out are in the root urls)."""

from django.urls import path

from . import auth_views, twofactor_views

app_name = "two-factor"

urlpatterns = [
    path("sign-in/code/", auth_views.verify, name="verify"),
    path("sign-in/backup-code/", auth_views.verify_backup_code, name="verify-backup"),
    path("account/two-factor/", twofactor_views.manage, name="manage"),
    path("account/two-factor/set-up/", twofactor_views.set_up, name="set-up"),
    path("account/two-factor/backup-codes/", twofactor_views.backup_codes, name="backup-codes"),
    path("account/two-factor/turn-off/", twofactor_views.turn_off, name="turn-off"),
]
