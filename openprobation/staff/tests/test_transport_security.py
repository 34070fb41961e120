"""Sessions, security headers, the Content Security Policy and the production settings.

The production checks run Django in a subprocess with OPENPROBATION_ENV=production, as a deployment would,
and under ``-W error`` (stack.md: some packages do not list Django 6.1 yet; a warning must fail here).
"""

import datetime
import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.urls import reverse
from django.utils import timezone

ROOT = Path(__file__).resolve().parents[3]


# ---------------------------------------------------------------------------------------------------
# Sessions end after inactivity


def test_session_ends_after_thirty_minutes_without_a_request(alice_client, monkeypatch):
    url = reverse("caseload:mine")
    response = alice_client.get(url)
    assert response.status_code == 200
    assert django_settings.SESSION_COOKIE_AGE == 30 * 60
    assert response.cookies[django_settings.SESSION_COOKIE_NAME]["max-age"] == 30 * 60

    start = timezone.now()

    def later(minutes):
        monkeypatch.setattr(timezone, "now", lambda: start + datetime.timedelta(minutes=minutes))

    # Each request starts the 30 minutes again: an hour of steady work keeps the user signed in...
    later(29)
    assert alice_client.get(url).status_code == 200
    later(58)
    assert alice_client.get(url).status_code == 200
    # ...but 31 minutes without a request ends the session.
    later(89)
    response = alice_client.get(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("sign-in"))


# ---------------------------------------------------------------------------------------------------
# Headers


def _csp(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


def test_pages_have_a_nonce_based_content_security_policy(alice_client):
    first = alice_client.get(reverse("caseload:mine"))
    policy = _csp(first)
    nonces = [source for source in policy["script-src"] if source.startswith("'nonce-")]
    assert len(nonces) == 1
    assert "'unsafe-inline'" not in policy["script-src"]
    assert "'unsafe-eval'" not in policy["script-src"]
    assert "'unsafe-inline'" not in policy["style-src"]
    assert policy["default-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["img-src"] == ["'self'", "data:"]
    # Every inline script on the page carries this response's nonce, and no other.
    nonce = nonces[0][len("'nonce-"):-1]
    scripts = re.findall(r"<script\b[^>]*>", first.text)
    assert scripts
    assert all(f'nonce="{nonce}"' in tag for tag in scripts)
    # A fresh nonce for every response.
    second = _csp(alice_client.get(reverse("caseload:mine")))
    assert [s for s in second["script-src"] if s.startswith("'nonce-")] != nonces


def test_security_headers(alice_client):
    response = alice_client.get(reverse("caseload:mine"))
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    # A shared office computer keeps no copy of a signed-in page.
    assert response["Cache-Control"] == "no-store, private"
    cookie = response.cookies[django_settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"


def test_the_two_factor_set_up_page_passes_the_content_security_policy(client, mandy):
    client.post("/sign-in/", {"username": "mandy", "password": "correct-horse-battery"})
    response = client.get(reverse("two-factor:set-up"))
    assert response.status_code == 200
    policy = _csp(response)
    # The QR code is a data: image, which img-src allows; nothing on the page uses an inline style.
    assert re.search(r'<img src="data:image/svg\+xml;base64,', response.text)
    assert "data:" in policy["img-src"]
    assert " style=" not in response.text


# ---------------------------------------------------------------------------------------------------
# Production settings, in a subprocess as a deployment runs them


def production_env(tmp_path, **overrides) -> dict:
    env = {key: value for key, value in os.environ.items()
           if key not in {"OPENPROBATION_TESTING", "DJANGO_SETTINGS_MODULE", "BEHIND_TLS_PROXY", "DEBUG",
                          "DJANGO_ALLOW_ASYNC_UNSAFE", "DATABASE_URL"}}
    env.update({
        "OPENPROBATION_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": "probation.example.org",
        "OPENPROBATION_DATA_DIR": str(tmp_path),
        # Production runs on PostgreSQL (a system check warns about SQLite); the checks do not connect.
        "DATABASE_URL": "postgres://openprobation@db.invalid:5432/openprobation",
        "DJANGO_SETTINGS_MODULE": "openprobation.settings",
    })
    for key, value in overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def run_python(env, *args) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, "-W", "error", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )


SETTINGS_DUMP = """
import json, django
django.setup()
from django.conf import settings as s
print(json.dumps({name: getattr(s, name, None) for name in [
    "DEBUG", "PASSWORD_HASHERS", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SESSION_COOKIE_NAME", "CSRF_COOKIE_NAME",
    "SECURE_PROXY_SSL_HEADER", "AXES_CLIENT_IP_CALLABLE", "SESSION_COOKIE_AGE",
]}))
"""


def production_settings(tmp_path, **overrides) -> dict:
    result = run_python(production_env(tmp_path, **overrides), "-c", SETTINGS_DUMP)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.slow
def test_check_deploy_reports_nothing_under_production_settings(tmp_path):
    result = run_python(production_env(tmp_path), "manage.py", "check", "--deploy", "--fail-level", "DEBUG")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


@pytest.mark.slow
def test_production_settings_are_secure(tmp_path):
    values = production_settings(tmp_path, OPENPROBATION_TESTING="1")  # a stray test flag changes nothing
    assert values["DEBUG"] is False
    assert values["PASSWORD_HASHERS"][0] == "django.contrib.auth.hashers.Argon2PasswordHasher"
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SECURE_HSTS_SECONDS"] >= 365 * 24 * 3600
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert values["SECURE_HSTS_PRELOAD"] is True
    assert values["SESSION_COOKIE_SECURE"] is True
    assert values["CSRF_COOKIE_SECURE"] is True
    assert values["SESSION_COOKIE_NAME"].startswith("__Host-")
    assert values["CSRF_COOKIE_NAME"].startswith("__Host-")
    assert values["SESSION_COOKIE_AGE"] == 30 * 60
    # Without a TLS proxy nothing trusts forwarded headers: a client could forge them.
    assert values["SECURE_PROXY_SSL_HEADER"] is None
    assert values["AXES_CLIENT_IP_CALLABLE"] is None


@pytest.mark.slow
def test_behind_a_tls_proxy_the_forwarded_headers_are_trusted(tmp_path):
    values = production_settings(tmp_path, BEHIND_TLS_PROXY="1")
    assert values["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    assert values["AXES_CLIENT_IP_CALLABLE"] == "openprobation.staff.twofactor.client_ip"


# Pages that need neither the database nor the collected static files (which a deployment builds).
PRODUCTION_REQUEST = """
import django
django.setup()
from django.test import Client
from django.test.utils import setup_test_environment
setup_test_environment()
client = Client()
plain = client.get("/caseload/")
print("PLAIN", plain.status_code, plain.get("Location"))
secure = client.get("/caseload/", secure=True)
print("SECURE", secure.status_code, secure.get("Location"))
print("HSTS", secure["Strict-Transport-Security"])
"""


@pytest.mark.slow
def test_production_redirects_to_https_and_sends_hsts(tmp_path):
    (tmp_path / "static").mkdir()
    result = run_python(production_env(tmp_path, ALLOWED_HOSTS="testserver"), "-c", PRODUCTION_REQUEST)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "PLAIN 301 https://testserver/caseload/" in lines
    assert "SECURE 302 /sign-in/?next=/caseload/" in lines
    assert "HSTS max-age=31536000; includeSubDomains; preload" in lines


@pytest.mark.slow
@pytest.mark.parametrize(("overrides", "message"), [
    ({"SECRET_KEY": None}, "SECRET_KEY must be set in production"),
    ({"SECRET_KEY": "change-me"}, "SECRET_KEY must be set in production"),
    ({"SECRET_KEY": "django-insecure-" + "x1y2z3" * 10}, "SECRET_KEY must be set in production"),
    ({"ALLOWED_HOSTS": None}, "ALLOWED_HOSTS must be set in production"),
    ({"ALLOWED_HOSTS": "*"}, "ALLOWED_HOSTS must be set in production"),
])
def test_production_refuses_to_start_without_a_real_secret_key_and_hosts(tmp_path, overrides, message):
    result = run_python(production_env(tmp_path, **overrides), "manage.py", "check")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr
