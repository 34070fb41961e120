"""Signing in: lockout after wrong passwords or codes, and two-factor authentication (TOTP, backup codes).

Everything goes through the real sign-in pages; ``password_only_login`` gives Django's plain
``force_login`` (the password step only) where a test needs a half-signed-in session.
"""

import datetime
import re
import time

import pytest
from django.contrib.auth.hashers import Argon2PasswordHasher
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from openprobation.audit.models import AuditEvent
from openprobation.frontend.templatetags.govuk import govuk_datetime, govuk_time
from openprobation.staff.tests.factories import UserFactory
from openprobation.staff.twofactor import StaffBackend, client_ip, is_required_for, new_backup_codes

PASSWORD = "correct-horse-battery"
SIGN_IN = "/sign-in/"


def sign_in(client, username, password=PASSWORD, **extra):
    return client.post(SIGN_IN, {"username": username, "password": password}, **extra)


def code_for(device, steps_ahead=0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def wrong_code_for(device) -> str:
    right = {code_for(device, n) for n in (-1, 0, 1)}
    return next(c for c in ("000000", "111111", "222222", "333333") if c not in right)


def confirmed_device(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="Phone", confirmed=True)


def signed_in_user_id(client):
    return client.session.get("_auth_user_id")


def error_summary(response) -> str:
    match = re.search(r'<div class="govuk-error-summary".*?</div>\s*</div>', response.text, re.S)
    return match.group(0) if match else ""


# ---------------------------------------------------------------------------------------------------
# Passwords


def test_argon2_hashes_and_checks_passwords():
    # Production's hasher (test_transport_security checks the settings); tests use MD5 for speed.
    hasher = Argon2PasswordHasher()
    encoded = hasher.encode("a long enough password", hasher.salt())
    assert encoded.startswith("argon2$argon2id$")
    assert hasher.verify("a long enough password", encoded)
    assert not hasher.verify("another password", encoded)


def test_practitioner_signs_in_with_a_password_only(client, alice):
    response = sign_in(client, "alice")
    assert response.status_code == 302
    assert response.url == reverse("home")  # which sends staff on to their caseload
    assert client.get(reverse("caseload:mine")).status_code == 200


def test_wrong_password_shows_an_error_summary(client, alice):
    response = sign_in(client, "alice", "wrong-password")
    assert response.status_code == 200
    assert "Enter a correct username and password" in error_summary(response)
    assert signed_in_user_id(client) is None


# ---------------------------------------------------------------------------------------------------
# Lockout (django-axes)


def test_five_wrong_passwords_lock_the_username_from_that_address(client, alice):
    from axes.models import AccessAttempt

    for _ in range(4):
        assert sign_in(client, "alice", "wrong-password").status_code == 200
    response = sign_in(client, "alice", "wrong-password")
    assert response.status_code == 429
    assert "You cannot sign in at the moment" in response.text
    last_failure = AccessAttempt.objects.get(username="alice").attempt_time
    until = timezone.localtime(last_failure + datetime.timedelta(minutes=15))
    shown = re.search(r'id="try-again">You can try again after ([^<]+)\.', response.text).group(1)
    assert shown in (f"{govuk_time(until)} today", govuk_datetime(until))

    # Even the right password is refused until the cool-off ends, and signs nobody in.
    response = sign_in(client, "alice")
    assert response.status_code == 429
    assert signed_in_user_id(client) is None


def test_lockout_is_for_that_username_and_address_only(client, alice, bob):
    for _ in range(5):
        sign_in(client, "alice", "wrong-password")
    assert sign_in(client, "alice").status_code == 429
    # A colleague behind the same office address can still sign in...
    assert sign_in(client, "bob").status_code == 302
    client.post("/sign-out/")
    # ...and so can alice from another address: nobody can lock a user out from elsewhere.
    assert sign_in(client, "alice", REMOTE_ADDR="198.51.100.7").status_code == 302


def test_lockout_ends_after_the_cool_off(client, alice):
    from axes.models import AccessAttempt

    for _ in range(5):
        sign_in(client, "alice", "wrong-password")
    assert sign_in(client, "alice").status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=16))
    assert sign_in(client, "alice").status_code == 302


def test_a_successful_sign_in_clears_earlier_failures(client, alice):
    for _ in range(4):
        sign_in(client, "alice", "wrong-password")
    assert sign_in(client, "alice").status_code == 302
    client.post("/sign-out/")
    for _ in range(4):
        assert sign_in(client, "alice", "wrong-password").status_code == 200
    assert sign_in(client, "alice").status_code == 302


def test_client_address_behind_a_proxy_is_the_one_the_proxy_appended(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    factory = RequestFactory()
    forged = factory.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9")
    assert client_ip(forged) == "203.0.113.9"
    assert client_ip(factory.get("/", REMOTE_ADDR="10.0.0.2")) == "10.0.0.2"
    assert client_ip(factory.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="not-an-ip")) == "10.0.0.2"
    settings.TRUSTED_PROXY_COUNT = 2
    assert client_ip(forged) == "6.6.6.6"


# ---------------------------------------------------------------------------------------------------
# Who needs two-factor authentication


@pytest.mark.parametrize(("role", "required"), [
    ("spo", True), ("admin", True), ("dpo", True),
    ("po", False), ("pso", False), ("case_admin", False), ("court", False),
    ("provider", False), ("partner", False), ("inspector", False),
])
def test_two_factor_is_required_for_managers_administrators_and_data_protection(role, required):
    assert is_required_for(UserFactory.build(role=role)) is required


# ---------------------------------------------------------------------------------------------------
# Setting up: a manager with no device is sent to set-up before anything else


def test_manager_without_a_device_must_set_up_two_factor_first(client, mandy, case):
    response = sign_in(client, "mandy")
    assert response.status_code == 302
    assert response.url.startswith(reverse("two-factor:set-up"))
    for url in (reverse("caseload:mine"), reverse("case:overview", args=[case.crn]), reverse("two-factor:manage")):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith(reverse("two-factor:set-up")), url


def test_setting_up_shows_a_qr_code_and_the_secret_then_confirms_with_a_code(client, mandy):
    sign_in(client, "mandy")
    page = client.get(reverse("two-factor:set-up"))
    assert page.status_code == 200
    assert re.search(r'<img src="data:image/svg\+xml;base64,[A-Za-z0-9+/=]+"', page.text)
    device = TOTPDevice.objects.get(user=mandy, confirmed=False)
    secret = re.search(r'id="totp-secret">([A-Z2-7 ]+)<', page.text).group(1)
    import base64

    secret = secret.replace(" ", "")
    assert base64.b32decode(secret + "=" * (-len(secret) % 8)) == device.bin_key
    # Reloading keeps the same key, so an app that scanned the first page still works.
    client.get(reverse("two-factor:set-up"))
    assert TOTPDevice.objects.filter(user=mandy).count() == 1

    response = client.post(reverse("two-factor:set-up"), {"code": wrong_code_for(device)})
    assert response.status_code == 200
    assert "The code is not correct" in error_summary(response)
    assert not TOTPDevice.objects.get(pk=device.pk).confirmed

    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0, throttling_failure_timestamp=None)
    response = client.post(reverse("two-factor:set-up"), {"code": code_for(device)})
    assert response.status_code == 302
    assert response.url.startswith(reverse("two-factor:backup-codes"))
    assert TOTPDevice.objects.get(pk=device.pk).confirmed
    codes_page = client.get(response.url)
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", codes_page.text)
    assert len(codes) == 10
    assert set(codes) == set(StaticToken.objects.filter(device__user=mandy).values_list("token", flat=True))
    # Shown once only.
    assert client.get(reverse("two-factor:backup-codes")).status_code == 302
    assert client.get(reverse("caseload:mine")).status_code == 200
    assert AuditEvent.objects.filter(verb="two_factor_set_up", object_id=str(mandy.pk), actor=mandy).exists()


def test_set_up_code_format_errors_are_shown(client, mandy):
    sign_in(client, "mandy")
    for bad, message in (("", "Enter the 6-digit security code"), ("12ab56", "must be 6 numbers")):
        response = client.post(reverse("two-factor:set-up"), {"code": bad})
        assert response.status_code == 200
        assert message in error_summary(response)


# ---------------------------------------------------------------------------------------------------
# Signing in with a code


def test_manager_with_a_device_enters_a_code_after_the_password(client, mandy, case):
    device = confirmed_device(mandy)
    case_url = reverse("case:overview", args=[case.crn])
    response = client.post(f"{SIGN_IN}?next={case_url}", {"username": "mandy", "password": PASSWORD,
                                                          "next": case_url})
    assert response.status_code == 302
    assert response.url.startswith(reverse("two-factor:verify"))
    password_only_session = client.session.session_key

    # Until the code is entered, every page sends the user back to the code page.
    assert client.get(reverse("two-factor:verify")).wsgi_request.user.sign_in_complete is False
    blocked = client.get(reverse("caseload:mine"))
    assert blocked.status_code == 302
    assert blocked.url.startswith(reverse("two-factor:verify"))

    response = client.post(response.url, {"code": wrong_code_for(device), "next": case_url})
    assert response.status_code == 200
    assert "The security code is not correct" in error_summary(response)
    assert "<title>Error: Enter your security code" in response.text

    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0, throttling_failure_timestamp=None)
    response = client.post(reverse("two-factor:verify"), {"code": code_for(device), "next": case_url})
    assert response.status_code == 302
    assert response.url == case_url
    assert client.session.session_key != password_only_session  # a new session key for the new privilege
    page = client.get(case_url)
    assert page.status_code == 200
    assert page.wsgi_request.user.sign_in_complete is True


def test_a_code_cannot_be_used_twice(client, mandy):
    device = confirmed_device(mandy)
    code = code_for(device)
    sign_in(client, "mandy")
    assert client.post(reverse("two-factor:verify"), {"code": code}).status_code == 302
    client.post("/sign-out/")
    sign_in(client, "mandy")
    response = client.post(reverse("two-factor:verify"), {"code": code})
    assert response.status_code == 200
    assert "not correct" in error_summary(response)


def test_wrong_codes_are_throttled(client, mandy):
    device = confirmed_device(mandy)
    sign_in(client, "mandy")
    client.post(reverse("two-factor:verify"), {"code": wrong_code_for(device)})
    # Straight after a wrong code even the right one must wait: 1, 2, 4, 8... seconds.
    response = client.post(reverse("two-factor:verify"), {"code": code_for(device)})
    assert response.status_code == 200
    assert "You have entered too many wrong codes. Wait 1 second and try again" in error_summary(response)
    assert signed_in_user_id(client) is not None
    assert DEVICE_ID_SESSION_KEY not in client.session


def test_wrong_codes_count_towards_the_sign_in_lockout(client, settings, mandy):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # take the device's own throttling out of this test
    device = confirmed_device(mandy)
    sign_in(client, "mandy")
    for _ in range(4):
        assert client.post(reverse("two-factor:verify"), {"code": wrong_code_for(device)}).status_code == 200
    response = client.post(reverse("two-factor:verify"), {"code": wrong_code_for(device)})
    assert response.status_code == 429
    assert "You cannot sign in at the moment" in response.text
    assert signed_in_user_id(client) is None  # the half-finished sign-in ended
    assert sign_in(client, "mandy").status_code == 429  # and the password step is locked too
    from axes.models import AccessAttempt

    logged = AccessAttempt.objects.get(username="mandy").post_data
    assert "code=****" in logged
    assert wrong_code_for(device) not in logged  # codes and passwords are never logged
    assert PASSWORD not in logged


def test_verify_page_needs_the_password_step_first(client):
    response = client.get(reverse("two-factor:verify"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("sign-in"))


def test_next_must_stay_on_this_site(client, mandy):
    device = confirmed_device(mandy)
    sign_in(client, "mandy")
    response = client.post(reverse("two-factor:verify"), {"code": code_for(device), "next": "https://evil.example/"})
    assert response.status_code == 302
    assert response.url == reverse("home")


def test_half_signed_in_session_cannot_change_a_case(client, mandy, case, password_only_login):
    confirmed_device(mandy)
    client.force_login(mandy)  # the password step only
    response = client.post(reverse("case:edit-contact-details", args=[case.crn]),
                           {"version": case.version, "phone": "01632 960999", "mobile": "", "email": ""})
    assert response.status_code == 302
    assert response.url.startswith(reverse("two-factor:verify"))
    case.refresh_from_db()
    assert case.phone != "01632 960999"


def test_deleting_the_device_ends_the_sessions_it_verified(client, mandy):
    device = confirmed_device(mandy)
    sign_in(client, "mandy")
    client.post(reverse("two-factor:verify"), {"code": code_for(device)})
    assert client.get(reverse("caseload:mine")).status_code == 200
    device.delete()
    response = client.get(reverse("caseload:mine"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("two-factor:set-up"))


def test_the_user_is_loaded_with_the_first_confirmed_devices_in_one_query(mandy, django_assert_num_queries):
    TOTPDevice.objects.create(user=mandy, name="Unconfirmed", confirmed=False)
    first, _ = confirmed_device(mandy), confirmed_device(mandy)
    new_backup_codes(mandy)
    static = StaticDevice.objects.get(user=mandy)
    other = UserFactory(username="other")
    confirmed_device(other)

    with django_assert_num_queries(1):
        user = StaffBackend().get_user(mandy.pk)

    assert (user, user.totp_device_id, user.static_device_id) == (mandy, first.pk, static.pk)
    assert (user.role, user.get_full_name()) == (mandy.role, mandy.get_full_name())
    loner = StaffBackend().get_user(UserFactory(username="loner").pk)
    assert (loner.totp_device_id, loner.static_device_id) == (None, None)
    assert StaffBackend().get_user(999_999) is None
    other.is_active = False
    other.save()
    assert StaffBackend().get_user(other.pk) is None


# ---------------------------------------------------------------------------------------------------
# Backup codes


def test_a_backup_code_signs_in_once(client, mandy):
    confirmed_device(mandy)
    codes = new_backup_codes(mandy)
    sign_in(client, "mandy")
    page = client.get(reverse("two-factor:verify"))
    assert reverse("two-factor:verify-backup") in page.text
    response = client.post(reverse("two-factor:verify-backup"), {"code": codes[0].upper()}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("caseload:mine")
    assert response.status_code == 200
    assert "You have 9 backup codes left" in response.text
    client.post("/sign-out/")
    sign_in(client, "mandy")
    response = client.post(reverse("two-factor:verify-backup"), {"code": codes[0]})
    assert response.status_code == 200
    assert "has been used already" in error_summary(response)
    assert StaticToken.objects.filter(device__user=mandy).count() == 9


def test_new_backup_codes_replace_the_old_ones(client, mandy):
    confirmed_device(mandy)
    old = new_backup_codes(mandy)
    client.force_login(mandy)
    response = client.post(reverse("two-factor:backup-codes"))
    assert response.status_code == 302
    page = client.get(reverse("two-factor:backup-codes"))
    new = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", page.text)
    assert len(new) == 10
    tokens = set(StaticToken.objects.filter(device__user=mandy).values_list("token", flat=True))
    assert tokens == set(new)
    assert not tokens & set(old)


# ---------------------------------------------------------------------------------------------------
# Optional two-factor: a practitioner may turn it on and off; a manager may not turn it off


def test_practitioner_can_turn_two_factor_on_and_then_must_use_it(client, alice):
    sign_in(client, "alice")
    assert "Set up two-factor authentication" in client.get(reverse("two-factor:manage")).text
    client.get(reverse("two-factor:set-up"))
    device = TOTPDevice.objects.get(user=alice)
    client.post(reverse("two-factor:set-up"), {"code": code_for(device)})
    assert TOTPDevice.objects.get(pk=device.pk).confirmed
    client.post("/sign-out/")
    response = sign_in(client, "alice")
    assert response.url.startswith(reverse("two-factor:verify"))


def test_practitioner_turns_two_factor_off_with_a_current_code(client, alice):
    device = confirmed_device(alice)
    new_backup_codes(alice)
    client.force_login(alice)
    response = client.post(reverse("two-factor:turn-off"), {"code": wrong_code_for(device)})
    assert response.status_code == 200
    assert "not correct" in error_summary(response)
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0, throttling_failure_timestamp=None)
    response = client.post(reverse("two-factor:turn-off"), {"code": code_for(device, steps_ahead=1)})
    assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=alice).exists()
    assert not StaticToken.objects.filter(device__user=alice).exists()
    assert client.get(reverse("caseload:mine")).status_code == 200
    assert AuditEvent.objects.filter(verb="two_factor_turned_off", object_id=str(alice.pk)).exists()


def test_manager_cannot_turn_two_factor_off(client, mandy):
    client.force_login(mandy)
    assert "you cannot turn it off" in client.get(reverse("two-factor:manage")).text
    response = client.post(reverse("two-factor:turn-off"), {"code": "123456"}, follow=True)
    assert "Your role needs two-factor authentication" in response.text
    assert TOTPDevice.objects.filter(user=mandy, confirmed=True).exists()


def test_data_protection_role_must_set_up_two_factor(client, db):
    UserFactory(username="dana", role="dpo", team=None)
    response = sign_in(client, "dana")
    assert response.url.startswith(reverse("two-factor:set-up"))


def test_an_administrator_resets_a_lost_authenticator(mandy, sam):
    from django.core.management import CommandError, call_command

    confirmed_device(mandy)
    new_backup_codes(mandy)
    with pytest.raises(CommandError, match="not an active system administrator"):
        call_command("reset_two_factor", "mandy", by="mandy", reason="INC-1")
    call_command("reset_two_factor", "mandy", by="sam", reason="INC-2 lost phone")
    assert not TOTPDevice.objects.filter(user=mandy).exists()
    assert not StaticToken.objects.filter(device__user=mandy).exists()
    event = AuditEvent.objects.get(verb="two_factor_reset", object_id=str(mandy.pk))
    assert event.actor == sam
    assert event.summary["reason"] == "INC-2 lost phone"
