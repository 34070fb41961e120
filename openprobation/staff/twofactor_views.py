"""Managing two-factor authentication: set up an authenticator app, backup codes, turn it off.

Setting up is open to a signed-in user with no device yet (the middleware sends users in a required role
here before anything else); everything else needs a session verified with a code, which the middleware
already demands of anyone who has a device.
"""

from django.contrib import messages
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from openprobation.audit.record import record

from .auth_forms import SecurityCodeForm
from .auth_views import check_code, complete_sign_in, safe_next
from .twofactor import (
    backup_codes_left,
    enrolment_view,
    forget_devices,
    new_backup_codes,
    pending_totp_device,
    qr_code_data_uri,
    remove_devices,
    second_factor,
    secret_for_display,
)

SHOW_CODES_SESSION_KEY = "two_factor_new_backup_codes"


def manage(request):
    state = second_factor(request)
    device = TOTPDevice.objects.filter(pk=state.totp_device_id).first() if state.has_device else None
    return render(request, "staff/two_factor/manage.html", {
        "state": state,
        "device": device,
        "backup_codes_left": backup_codes_left(request.user) if device else 0,
    })


@enrolment_view
def set_up(request):
    user = request.user
    state = second_factor(request)
    target = safe_next(request, reverse("two-factor:manage"))
    device = pending_totp_device(user)
    form = SecurityCodeForm(request.POST or None)
    form.fields["code"].label = "Enter the 6-digit code from the app"
    form.fields["code"].help_text = "The app shows a new code every 30 seconds"
    if request.method == "POST" and form.is_valid():
        # Mistakes while setting up an app are not sign-in failures: the device's own throttling is enough.
        verified, lockout = check_code(request, form, device, "The code is not correct. Check that the time on "
                                       "your phone is right, then enter the latest code from the app",
                                       counts_as_failed_sign_in=False)
        if lockout is not None:
            return lockout
        if verified is not None:
            with transaction.atomic():
                TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
                device.confirmed = True
                device.save(update_fields=["confirmed"])
                codes = new_backup_codes(user)
                record("two_factor_set_up", user, by=user, replaced_app=state.has_device)
            forget_devices(user)
            complete_sign_in(request, device)
            request.session[SHOW_CODES_SESSION_KEY] = codes
            messages.success(request, "Two-factor authentication is on")
            return redirect(f"{reverse('two-factor:backup-codes')}?{urlencode({'next': target})}")
    return render(request, "staff/two_factor/set_up.html", {
        "form": form,
        "state": state,
        "qr_code": qr_code_data_uri(device.config_url),
        "secret": secret_for_display(device),
        "account": user.get_username(),
        "next": target,
        # A user who must set up first can reach no other page: the navigation offers only "Sign out".
        **({"service_navigation": []} if state.required and not state.has_device else {}),
    })


def backup_codes(request):
    """POST makes a new set (the old ones stop working); GET shows a new set once, straight after."""
    if request.method == "POST":
        return _new_backup_codes(request)
    codes = request.session.pop(SHOW_CODES_SESSION_KEY, None)
    if not codes:
        return redirect("two-factor:manage")
    return render(request, "staff/two_factor/backup_codes.html", {
        "codes": codes, "next": safe_next(request, reverse("two-factor:manage")),
    })


def _new_backup_codes(request):
    user = request.user
    if not second_factor(request).has_device:
        return redirect("two-factor:manage")
    with transaction.atomic():
        codes = new_backup_codes(user)
        record("two_factor_backup_codes_replaced", user, by=user)
    forget_devices(user)
    # The backup-code device may be new: keep the session verified by the app it was verified with.
    request.session[SHOW_CODES_SESSION_KEY] = codes
    return redirect("two-factor:backup-codes")


def turn_off(request):
    user = request.user
    state = second_factor(request)
    if not state.has_device:
        return redirect("two-factor:manage")
    if state.required:
        messages.info(request, "Your role needs two-factor authentication, so you cannot turn it off")
        return redirect("two-factor:manage")
    device = TOTPDevice.objects.get(pk=state.totp_device_id)
    form = SecurityCodeForm(request.POST or None)
    form.fields["code"].help_text = "To turn off two-factor authentication, enter the 6-digit code your app shows now"
    if request.method == "POST" and form.is_valid():
        verified, lockout = check_code(request, form, device, "The security code is not correct. Enter the "
                                       "latest 6-digit code from your authenticator app")
        if lockout is not None:
            return lockout
        if verified is not None:
            with transaction.atomic():
                remove_devices(user)
                record("two_factor_turned_off", user, by=user)
            forget_devices(user)
            request.session.pop(DEVICE_ID_SESSION_KEY, None)
            messages.success(request, "Two-factor authentication is off")
            return redirect("two-factor:manage")
    return render(request, "staff/two_factor/turn_off.html", {"form": form})
