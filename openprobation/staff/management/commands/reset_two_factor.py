"""Remove a user's authenticator app and backup codes, when they have lost both.

They set up two-factor authentication again at their next sign-in (required roles) or may do so
(everyone else). The reset is audited with the administrator who did it and the reason.
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from openprobation.audit.record import record
from openprobation.staff.twofactor import remove_devices


class Command(BaseCommand):
    help = "Reset a user's two-factor authentication (lost phone and backup codes)."

    def add_arguments(self, parser):
        parser.add_argument("username", help="The user who lost their authenticator app")
        parser.add_argument("--by", required=True, help="Your own username: the reset is audited")
        parser.add_argument("--reason", required=True, help="Why, for the audit record (e.g. the ticket number)")

    def handle(self, *args, username, by, reason, **options):
        users = get_user_model().objects
        user = users.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user called {username!r}.")
        admin = users.filter(username=by, role="admin", is_active=True).first()
        if admin is None:
            raise CommandError(f"{by!r} is not an active system administrator.")
        if not reason.strip():
            raise CommandError("Give a reason.")
        with transaction.atomic():
            remove_devices(user)
            record("two_factor_reset", user, by=admin, reason=reason.strip())
        self.stdout.write(f"Two-factor authentication reset for {username}. Every session it verified has ended.")
