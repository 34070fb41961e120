"""Sign in the practitioners a load test plays, and list what each of them will look at.

    .venv/bin/python bench/load_sessions.py --users 40 --out bench/results/load-sessions.json

Each practitioner holding cases gets a real session (signed in with Django's test client and one page
requested, so every middleware has set up the session as a browser's would be), their case CRNs and some
of their past attended appointments, whose outcome the load test records again. The load test then sends
the session cookie: it exercises pages, not the sign-in form (which django-axes would rightly throttle).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness  # noqa: E402

harness.setup_django()

from django.conf import settings  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402

from openprobation.staff.models import Role, User  # noqa: E402
from openprobation.supervision.models import Contact, Outcome  # noqa: E402


def _swap_last_two(surname: str) -> str:
    """A typing slip: "Smiht" for "Smith"."""
    return surname[:-2] + surname[-1] + surname[-2] if len(surname) > 2 else surname


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=40)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    practitioners = (
        User.objects.filter(role__in=[Role.PROBATION_OFFICER, Role.PROBATION_SERVICES_OFFICER], is_active=True)
        .annotate(cases=Count("caseload"))
        .filter(cases__gte=20)
        .order_by("pk")[: args.users]
    )
    now = timezone.now()
    users = []
    for user in practitioners:
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(user)
        if client.get("/caseload/").status_code != 200:
            raise SystemExit(f"{user.username} cannot open their caseload")
        cases = list(user.caseload.order_by("crn").values_list("crn", "first_name", "surname"))
        appointments = list(
            Contact.objects.filter(
                person__practitioner=user,
                contact_type__outcome_required=True,
                outcome__code="ATTC",
                starts_at__lt=now,
                rescheduled_to__isnull=True,
            )
            .order_by("-starts_at")
            .values_list("person__crn", "pk")[:20]
        )
        users.append({
            "username": user.username,
            "cookie": client.cookies[settings.SESSION_COOKIE_NAME].value,
            "crns": [crn for crn, _, _ in cases],
            "misspelt": [f"{first} {_swap_last_two(surname)}" for _, first, surname in cases],
            "appointments": appointments,
        })
    args.out.parent.mkdir(parents=True, exist_ok=True)
    attended = Outcome.objects.get(code="ATTC").pk
    args.out.write_text(
        json.dumps({"cookie_name": settings.SESSION_COOKIE_NAME, "attended_outcome_id": attended, "users": users})
    )
    print(f"{len(users)} practitioners signed in; sessions in {args.out}")


if __name__ == "__main__":
    main()
