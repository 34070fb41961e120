"""Two-factor authentication: who needs it, whether this session has it, and the middleware that enforces it.

A user signs in with a password, then (if they have an authenticator app set up) with a 6-digit code; the
session remembers which device verified it (django-otp's session key). Users in a required role who have
no device yet are sent to set one up before anything else.

We do not use django-otp's OTPMiddleware: it loads the device on every request (one more query on every
page). Instead ``StaffBackend.get_user`` loads the user with the ids of their confirmed devices in the
same query, and the session's device id must match one of them. Deleting a device therefore ends every
session it verified, as with OTPMiddleware.
"""

from __future__ import annotations

import base64
import functools
import io
import ipaddress
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth.backends import ModelBackend, UserModel
from django.db import connections, router
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from openprobation.core.querysets import concrete_columns, fetch_instance

BACKUP_CODE_COUNT = 10


def required_roles() -> frozenset[str]:
    return frozenset(settings.OPENPROBATION.get("TWO_FACTOR_REQUIRED_ROLES", ()))


def is_required_for(user) -> bool:
    return getattr(user, "role", None) in required_roles()


# ---------------------------------------------------------------------------------------------------
# Loading the user with their devices


@functools.cache
def _user_with_devices_sql(alias: str) -> str:
    """One statement: the user's row and the ids of their first confirmed authenticator and backup-code set.

    Written once here rather than as ``annotate(Subquery(...))``: this runs on every request, and compiling
    the two subqueries through the ORM cost about half a millisecond each time, more than the query itself.
    Only names from the models' metadata are quoted into it; the user id is a parameter. One per database
    alias (the quoting is the backend's).
    """
    qn = connections[alias].ops.quote_name
    user_pk = qn(UserModel._meta.pk.column)

    def first_confirmed(model) -> str:
        table = qn(model._meta.db_table)
        user = qn(model._meta.get_field("user").column)
        return (f"(SELECT MIN(d.{qn('id')}) FROM {table} d"  # noqa: S608 - quoted names only
                f" WHERE d.{user} = u.{user_pk} AND d.{qn('confirmed')})")

    return (
        f"SELECT {concrete_columns(UserModel, alias, 'u')}, "  # noqa: S608 - quoted names only
        f"{first_confirmed(TOTPDevice)} AS totp_device_id, "
        f"{first_confirmed(StaticDevice)} AS static_device_id "
        f"FROM {qn(UserModel._meta.db_table)} u WHERE u.{user_pk} = %s"
    )


class StaffBackend(ModelBackend):
    """ModelBackend whose ``get_user`` also fetches the ids of the user's confirmed devices (one query)."""

    def get_user(self, user_id):
        alias = router.db_for_read(UserModel)
        found = fetch_instance(UserModel, _user_with_devices_sql(alias), [user_id], using=alias)
        if found is None:
            return None
        user, (totp_device_id, static_device_id) = found
        user.totp_device_id, user.static_device_id = totp_device_id, static_device_id
        return user if self.user_can_authenticate(user) else None


@dataclass(frozen=True)
class SecondFactor:
    required: bool
    totp_device_id: int | None
    static_device_id: int | None
    verified: bool

    @property
    def has_device(self) -> bool:
        return self.totp_device_id is not None


def _device_ids(user) -> tuple[int | None, int | None]:
    if hasattr(user, "totp_device_id"):
        return user.totp_device_id, user.static_device_id
    totp = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").values_list("pk", flat=True).first()
    static = StaticDevice.objects.filter(user=user, confirmed=True).order_by("pk").values_list("pk", flat=True).first()
    return totp, static


def second_factor(request) -> SecondFactor:
    """This signed-in user's two-factor state in this session."""
    user = request.user
    totp_id, static_id = _device_ids(user)
    session_device = request.session.get(DEVICE_ID_SESSION_KEY)
    accepted = set()
    if totp_id is not None:
        accepted.add(f"{TOTPDevice.model_label()}/{totp_id}")
        if static_id is not None:
            accepted.add(f"{StaticDevice.model_label()}/{static_id}")
    return SecondFactor(
        required=is_required_for(user),
        totp_device_id=totp_id,
        static_device_id=static_id if totp_id is not None else None,
        verified=session_device in accepted,
    )


def forget_devices(user):
    """Refresh the device ids loaded with the user after a device was added or removed."""
    for name in ("totp_device_id", "static_device_id"):
        if hasattr(user, name):
            delattr(user, name)


# ---------------------------------------------------------------------------------------------------
# Enforcement


def two_factor_exempt(view):
    """Mark a view as reachable before the second factor: sign-in, sign-out, the code pages."""
    view.two_factor_exempt = True
    return view


def enrolment_view(view):
    """Mark a view as reachable by a signed-in user who has no device yet: setting one up."""
    view.two_factor_enrolment = True
    return view


def _with_next(url_name: str, request) -> str:
    target = request.get_full_path()
    return f"{reverse(url_name)}?{urlencode({'next': target})}"


class TwoFactorMiddleware:
    """Every page needs a verified session from users who have a device or are required to have one.

    A user with a device who has not entered a code is sent to the code page; a user who must have a
    device and has none is sent to set one up. Signed-in pages are also marked ``no-store`` so that the
    browser keeps no copy of a case after sign-out on a shared computer.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not response.has_header("Cache-Control"):
            response["Cache-Control"] = "no-store, private"
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated:
            return None
        state = second_factor(request)
        user.is_verified = lambda: state.verified  # django-otp's name: verified with a device
        # For templates: has this session finished signing in? (False on the code and set-up pages.)
        user.sign_in_complete = state.verified or not (state.has_device or state.required)
        if state.verified or getattr(view_func, "two_factor_exempt", False):
            return None
        if state.has_device:
            return redirect(_with_next("two-factor:verify", request))
        if state.required and not getattr(view_func, "two_factor_enrolment", False):
            return redirect(_with_next("two-factor:set-up", request))
        return None


# ---------------------------------------------------------------------------------------------------
# Devices, codes and the QR code


def pending_totp_device(user) -> TOTPDevice:
    """The unconfirmed authenticator being set up; the same one on every visit so a scanned code stays valid."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=False)
    return device


def secret_for_display(device: TOTPDevice) -> str:
    """The base32 secret in groups of four, as authenticator apps accept for manual entry."""
    secret = base64.b32encode(device.bin_key).decode("ascii").rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_code_data_uri(text: str) -> str:
    """An SVG QR code (qrcode's SVG path factory) as a data: URI: no external image, allowed by our CSP."""
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=4)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def new_backup_codes(user) -> list[str]:
    """Replace the user's backup codes with a fresh set and return them (shown once)."""
    device, _ = StaticDevice.objects.get_or_create(user=user, name="Backup codes", defaults={"confirmed": True})
    StaticDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(BACKUP_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


def backup_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def remove_devices(user):
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()


# ---------------------------------------------------------------------------------------------------
# The client's address behind a TLS proxy (used by django-axes when BEHIND_TLS_PROXY is set)


def client_ip(request) -> str | None:
    """The address our own proxies saw: the entry TRUSTED_PROXY_COUNT from the right of X-Forwarded-For.

    Entries further left were written by the client and can be forged, so they are never used.
    """
    remote = request.META.get("REMOTE_ADDR")
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    count = max(1, int(getattr(settings, "TRUSTED_PROXY_COUNT", 1)))
    if len(forwarded) < count:
        return remote
    candidate = forwarded[-count]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
