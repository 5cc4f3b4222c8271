"""Two-factor helpers for tests: a confirmed authenticator app, and the code it shows now."""

import time

from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.oath import hotp

from accounts.models import AuthenticatorApp
from accounts.two_factor import user_requires_two_factor


def authenticator(user) -> AuthenticatorApp:
    """The user's confirmed authenticator app, made if they have none."""
    device = AuthenticatorApp.objects.filter(user=user, confirmed=True).first()
    return device or AuthenticatorApp.objects.create(user=user, name="Test app", confirmed=True)


def code_for(device: AuthenticatorApp, *, step: int | None = None) -> str:
    """The code of ``step`` (default: now), as the person's app computes it."""
    if step is None:
        step = (int(time.time()) - device.t0) // device.step
    return f"{hotp(device.bin_key, step, digits=device.digits):0{device.digits}d}"


def next_unused_code(device: AuthenticatorApp) -> str:
    """A code the device accepts now: this step's, or the next one if this one was used."""
    device.refresh_from_db()
    now = (int(time.time()) - device.t0) // device.step
    return code_for(device, step=max(now, device.last_t + 1))


def mark_verified(client, user) -> None:
    """After ``client.force_login``: the session also passed the second factor, if needed."""
    if not user_requires_two_factor(user):
        return
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = authenticator(user).persistent_id
    session.save()


def enroll(client, user) -> list[str]:
    """Set up an authenticator app from the setup page, as the person would; the backup codes."""
    from django.urls import reverse

    page = client.get(reverse("accounts:two_factor_setup"))
    assert page.status_code == 200
    device = AuthenticatorApp.objects.get(user=user, confirmed=False)
    response = client.post(reverse("accounts:two_factor_setup"), {"code": code_for(device)})
    assert response.status_code == 200, response
    return response.context["codes"]
