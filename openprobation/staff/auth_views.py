"""Signing in and out: the password step, the security-code step (or a backup code) and the lockout page.

A wrong code counts as a failed sign-in for django-axes, like a wrong password, so the same lockout
covers both steps; the device also slows guessing down on its own (django-otp's throttling: 1, 2, 4, 8...
seconds between tries, kept across sign-ins).
"""

import math

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.signals import user_login_failed
from django.db.models import Max
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django_otp import login as otp_login
from django_otp import verify_token
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from .auth_forms import BackupCodeForm, SecurityCodeForm
from .forms import SignInForm
from .twofactor import backup_codes_left, second_factor, two_factor_exempt

WRONG_CODE = "The security code is not correct. Enter the latest 6-digit code from your authenticator app"
WRONG_BACKUP_CODE = "The backup code is not correct, or it has been used already"


def safe_next(request, default=None) -> str:
    """The page to go to afterwards: ``next`` if it is on this site, else the caseload."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default or resolve_url(settings.LOGIN_REDIRECT_URL)


def _step(url_name: str, target: str) -> str:
    return f"{reverse(url_name)}?{urlencode({'next': target})}"


def next_step_url(request, target: str) -> str:
    """After the password: the code page, the set-up page or the page asked for."""
    state = second_factor(request)
    if state.has_device and not state.verified:
        return _step("two-factor:verify", target)
    if state.required and not state.has_device:
        return _step("two-factor:set-up", target)
    return target


class SignInView(auth_views.LoginView):
    template_name = "staff/sign_in.html"
    authentication_form = SignInForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        auth_login(self.request, form.get_user())
        return HttpResponseRedirect(next_step_url(self.request, self.get_success_url()))


sign_in = two_factor_exempt(SignInView.as_view())
sign_out = two_factor_exempt(auth_views.LogoutView.as_view())


def wait_words(locked_until) -> str:
    seconds = max(1, math.ceil((locked_until - timezone.now()).total_seconds()))
    if seconds < 120:
        return f"{seconds} second{'s' if seconds != 1 else ''}"
    return f"{math.ceil(seconds / 60)} minutes"


def check_code(request, form, device, wrong_message, *, counts_as_failed_sign_in=True):
    """Verify the form's code against the device.

    Returns ``(device, None)`` when it is right; ``(None, None)`` with the error on the form when it is
    wrong; ``(None, lockout page)`` when this wrong code was one too many (the half-signed-in session ends).
    """
    allowed, info = device.verify_is_allowed()
    if not allowed:
        form.add_error("code", f"You have entered too many wrong codes. Wait {wait_words(info['locked_until'])} "
                               "and try again")
        return None, None
    verified = verify_token(request.user, device.persistent_id, form.cleaned_data["code"])
    if verified is not None:
        return verified, None
    if not counts_as_failed_sign_in:
        form.add_error("code", wrong_message)
        return None, None
    credentials = {"username": request.user.get_username()}
    user_login_failed.send(sender=__name__, credentials=credentials, request=request)
    if getattr(request, "axes_locked_out", False):
        auth_logout(request)
        return None, locked_out(request, credentials=credentials)
    form.add_error("code", wrong_message)
    return None, None


def complete_sign_in(request, device):
    """Mark this session as verified by ``device``, with a new session key for the new privilege."""
    otp_login(request, device)
    request.session.cycle_key()


def _code_page(request, *, device, form_class, template, wrong_message, on_success=None):
    target = safe_next(request)
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        verified, lockout = check_code(request, form, device, wrong_message)
        if lockout is not None:
            return lockout
        if verified is not None:
            complete_sign_in(request, verified)
            if on_success:
                on_success()
            return redirect(target)
    # Before the code, the other pages are out of reach: the navigation offers only "Sign out".
    return render(request, template, {"form": form, "next": target, "service_navigation": []})


@two_factor_exempt
def verify(request):
    state = second_factor(request)
    if state.verified or not state.has_device:
        # Nothing to verify: the middleware sends a user who must set up a device to the set-up page.
        return redirect(safe_next(request))
    device = TOTPDevice.objects.get(pk=state.totp_device_id)
    return _code_page(
        request, device=device, form_class=SecurityCodeForm, template="staff/two_factor/verify.html",
        wrong_message=WRONG_CODE,
    )


@two_factor_exempt
def verify_backup_code(request):
    state = second_factor(request)
    if state.verified or not state.has_device:
        return redirect(safe_next(request))
    device = StaticDevice.objects.filter(pk=state.static_device_id).first()
    if device is None:
        return render(request, "staff/two_factor/no_backup_codes.html",
                      {"next": safe_next(request), "service_navigation": []})

    def tell_how_many_left():
        left = backup_codes_left(request.user)
        messages.info(request, f"You have {left} backup code{'s' if left != 1 else ''} left. Get new ones from "
                               "Two-factor authentication in your account.")

    return _code_page(
        request, device=device, form_class=BackupCodeForm, template="staff/two_factor/verify_backup.html",
        wrong_message=WRONG_BACKUP_CODE, on_success=tell_how_many_left,
    )


@login_not_required
@two_factor_exempt
def locked_out(request, original_response=None, credentials=None):
    """django-axes' lockout response (AXES_LOCKOUT_CALLABLE): a GOV.UK page saying when to try again."""
    from axes.helpers import get_client_ip_address, get_client_username, get_cool_off
    from axes.models import AccessAttempt

    username = get_client_username(request, credentials)
    address = getattr(request, "axes_ip_address", None) or get_client_ip_address(request)
    latest = AccessAttempt.objects.filter(username=username, ip_address=address).aggregate(at=Max("attempt_time"))["at"]
    until = timezone.localtime(latest + get_cool_off(request)) if latest else None
    return render(
        request,
        "staff/locked_out.html",
        {"until": until, "today": timezone.localdate(), "failure_limit": settings.AXES_FAILURE_LIMIT},
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )
