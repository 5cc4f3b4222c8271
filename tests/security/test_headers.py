"""Security headers (django-csp and Django's SecurityMiddleware), and no inline script, event
handler or style attribute in any page template, so the CSP needs no 'unsafe-inline'."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from tests.factories import UserFactory
from tests.two_factor import mark_verified

ROOT = Path(__file__).resolve().parents[2]
TEMPLATES = ROOT / "templates"


def directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    parts = (part.strip().split() for part in policy.split(";") if part.strip())
    return {part[0]: part[1:] for part in parts}


@pytest.mark.django_db
def test_pages_carry_the_policy_and_the_security_headers(client):
    response = client.get(reverse("accounts:warning"))
    policy = directives(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["img-src"] == ["'self'", "data:"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["base-uri"] == ["'none'"]
    assert policy["object-src"] == ["'none'"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"


@pytest.mark.django_db
def test_no_unsafe_inline_or_eval_anywhere_in_the_policy(client):
    policy = client.get(reverse("accounts:warning"))["Content-Security-Policy"]
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy


@pytest.mark.django_db
def test_the_429_page_carries_the_policy_too(client, settings):
    settings.STATUS_LOOKUP_RATE = 0
    client.post(reverse("accounts:warning"))
    response = client.post(reverse("approvals:status"), {})
    assert response.status_code == 429
    assert "script-src 'self'" in response["Content-Security-Policy"]


@pytest.mark.django_db
def test_the_outbox_html_keeps_its_sandbox_policy(client, settings, tmp_path):
    from django.core.mail import EmailMultiAlternatives

    settings.EMAIL_BACKEND = "iacs_portal.outbox.backend.OutboxEmailBackend"
    settings.OUTBOX_DIR = tmp_path
    settings.OUTBOX_PAGE_ENABLED = True
    message = EmailMultiAlternatives("Hi", "text", to=["a@example.org"])
    message.attach_alternative("<p>html</p>", "text/html")
    message.send()
    message_id = next(tmp_path.iterdir()).name.removesuffix(".eml")
    response = client.get(reverse("outbox:html", args=[message_id]))
    assert response.status_code == 200
    assert response["Content-Security-Policy"] == "sandbox"


# The Django admin (help desk) works under the policy: no inline script or style attribute.

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
HANDLER = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)
STYLE_ATTRIBUTE = re.compile(r"\sstyle\s*=", re.IGNORECASE)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/admin/",
        "/admin/accounts/user/",
        "/admin/accounts/user/add/",
        "/admin/approvals/accessrequest/",
    ],
)
def test_admin_pages_need_no_inline_script(client, url):
    admin = UserFactory(is_staff=True, is_superuser=True)
    client.post(reverse("accounts:warning"))
    client.force_login(admin)
    mark_verified(client, admin)
    response = client.get(url)
    assert response.status_code == 200, url
    page = response.content.decode()
    assert not INLINE_SCRIPT.search(page), INLINE_SCRIPT.search(page).group(0)
    assert not HANDLER.search(page)
    assert "script-src 'self'" in response["Content-Security-Policy"]


@pytest.mark.django_db
def test_a_user_change_page_in_the_admin_needs_no_inline_script(client):
    admin = UserFactory(is_staff=True, is_superuser=True)
    client.post(reverse("accounts:warning"))
    client.force_login(admin)
    mark_verified(client, admin)
    page = client.get(f"/admin/accounts/user/{admin.pk}/change/").content.decode()
    assert not INLINE_SCRIPT.search(page) and not HANDLER.search(page)


# Every page template (emails are not served pages).


def template_offences() -> list[str]:
    offences = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        if path.relative_to(TEMPLATES).parts[0] == "emails":
            continue
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            for what, pattern in (
                ("inline <script>", INLINE_SCRIPT),
                ("event handler attribute", HANDLER),
                ("style attribute", STYLE_ATTRIBUTE),
            ):
                if pattern.search(line):
                    offences.append(f"{path.relative_to(ROOT)}:{number}: {what}: {line.strip()}")
    return offences


def test_no_page_template_has_inline_script_handlers_or_style_attributes():
    offences = template_offences()
    assert not offences, "\n".join(offences)


def test_the_template_scan_finds_what_it_looks_for():
    assert INLINE_SCRIPT.search("<script>alert(1)</script>")
    assert HANDLER.search('<a onclick="x()">')
    assert STYLE_ATTRIBUTE.search('<p style="color:red">')
    assert not INLINE_SCRIPT.search('<script src="/static/js/portal.js"></script>')
    assert not HANDLER.search('<a href="/x" data-once="1">')


# Production settings pass Django's deployment checks (also a step of .ci/run).


# What production requires beyond the two keys above (throwaway values).
PRODUCTION_ONLY = {
    "FIELD_ENCRYPTION_KEYS": "q0d8Jc1yJ7n0mFjvS5u5gPzT8X1h3bqCw9lE2rK4sWk=",
    "PORTAL_BASE_URL": "https://iacs.example.gov",
    "ALLOWED_HOSTS": "iacs.example.gov",
    "DATABASE_URL": "postgres://iacs@db.example.gov:5432/iacs",
    "CACHE_URL": "redis://redis.example.gov:6379/1",
    "CELERY_BROKER_URL": "redis://redis.example.gov:6379/0",
    "EMAIL_URL": "smtp+tls://mail.example.gov:587",
}


def test_production_settings_pass_check_deploy():
    # Browser tests set DJANGO_ALLOW_ASYNC_UNSAFE for the run; a deployment never has it.
    inherited = {k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    environment = {
        **inherited,
        "DJANGO_SETTINGS_MODULE": "iacs_portal.settings.production",
        # Strong dummy values: check --deploy judges SECRET_KEY's length and variety.
        "SECRET_KEY": "Zq8v-2xL_e9RpT4mW7nB0cY3sH6jD1fG5aK8uI2oP4lQ7rE9tU1x",
        "SSN_DIGEST_KEY": "Hc7vN2xQ_e9RpT4mW7nB0cY3sH6jD1fG5aK8uI2oP4lQ7rE9tU2y",
        **PRODUCTION_ONLY,
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_cookies_are_secure_httponly_and_samesite():
    import importlib
    from unittest import mock

    required = {"SECRET_KEY": "x" * 60, "SSN_DIGEST_KEY": "y" * 60, **PRODUCTION_ONLY}
    with mock.patch.dict(os.environ, required):
        production = importlib.import_module("iacs_portal.settings.production")
    assert production.SESSION_COOKIE_SECURE and production.CSRF_COOKIE_SECURE
    assert production.SESSION_COOKIE_HTTPONLY and production.CSRF_COOKIE_HTTPONLY
    assert production.SESSION_COOKIE_SAMESITE == "Lax" == production.CSRF_COOKIE_SAMESITE
    assert production.SECURE_HSTS_SECONDS >= 31536000 and production.SECURE_SSL_REDIRECT
    assert settings.CSRF_COOKIE_HTTPONLY
