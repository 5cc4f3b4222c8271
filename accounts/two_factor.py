"""Two-factor authentication with django-otp: an authenticator app (TOTP) and backup codes.

Who must use it is asked of ``TWO_FACTOR_REQUIRED_CHECK`` (organizations knows the roles) and
staff always must. Backup codes are stored by django-otp's ``StaticToken`` only as a keyed
digest (``backup_code_digest``), never as the code itself (ADR 3, ADR 7); the app's key is
encrypted at rest (``AuthenticatorApp``, ADR 11).
"""

import base64
import secrets

import segno
from django.conf import settings
from django.db import transaction
from django.utils.crypto import salted_hmac
from django.utils.module_loading import import_string
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

from iacs_portal.audit.services import audit_record
from iacs_portal.compiled_reads import CompiledRead
from iacs_portal.row_updates import RowUpdates

from .models import AuthenticatorApp, User

BACKUP_CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I
BACKUP_CODE_LENGTH = 10
DEVICE_NAME = "Authenticator app"


def user_requires_two_factor(user: User) -> bool:
    return bool(user.is_staff or import_string(settings.TWO_FACTOR_REQUIRED_CHECK)(user))


def user_has_two_factor(user: User) -> bool:
    return AuthenticatorApp.objects.filter(user=user, confirmed=True).exists()


def pending_totp_device(*, user: User) -> AuthenticatorApp:
    """The unconfirmed device being set up: the same one until it is confirmed."""
    device = AuthenticatorApp.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or AuthenticatorApp.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


def manual_key(device: AuthenticatorApp) -> str:
    """The device's key in base32, in groups of four, as authenticator apps accept it."""
    key = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


def qr_code_data_uri(device: AuthenticatorApp) -> str:
    return segno.make(device.config_url, error="m").svg_data_uri(scale=4, border=4)


def normalise_code(code: str) -> str:
    return "".join(ch for ch in code if ch.isalnum()).upper()


def is_app_code(code: str) -> bool:
    """Whether ``code`` (normalised) is an app's: 6 digits, where a backup code has 10
    characters."""
    return code.isascii() and code.isdigit() and len(code) == 6


def backup_code_digest(code: str) -> str:
    """Keyed digest of a normalised backup code; 16 hex characters fit ``StaticToken.token``."""
    return salted_hmac("accounts.two_factor.backup_code", normalise_code(code)).hexdigest()[:16]


def _new_backup_codes(device: StaticDevice) -> list[str]:
    codes = [
        "".join(secrets.choice(BACKUP_CODE_ALPHABET) for _ in range(BACKUP_CODE_LENGTH))
        for _ in range(settings.TWO_FACTOR_BACKUP_CODE_COUNT)
    ]
    device.token_set.all().delete()
    StaticToken.objects.bulk_create(
        StaticToken(device=device, token=backup_code_digest(code)) for code in codes
    )
    return [f"{code[:5]}-{code[5:]}" for code in codes]


def _notify(user: User, change: str) -> None:
    from .emails import user_email_enqueue

    user_email_enqueue(event="two_factor_changed", user=user, change=change)


def totp_device_confirm(*, user: User, device: AuthenticatorApp, code: str) -> list[str] | None:
    """Confirm ``device`` with its first code; replace any earlier one; return new backup codes.

    None when the code is wrong. The codes are returned once to be shown, never stored.
    """
    if device.user_id != user.pk or device.confirmed:
        return None
    if not device.verify_token(normalise_code(code)):
        return None
    with transaction.atomic():
        replaced = AuthenticatorApp.objects.filter(user=user, confirmed=True).exists()
        AuthenticatorApp.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save()
        static, _ = StaticDevice.objects.get_or_create(
            user=user, defaults={"name": "Backup codes", "confirmed": True}
        )
        codes = _new_backup_codes(static)
        _notify(user, "replaced" if replaced else "enrolled")
    return codes


def backup_codes_regenerate(*, user: User) -> list[str]:
    with transaction.atomic():
        static, _ = StaticDevice.objects.get_or_create(
            user=user, defaults={"name": "Backup codes", "confirmed": True}
        )
        codes = _new_backup_codes(static)
        _notify(user, "backup_codes")
    return codes


def two_factor_remove(*, user: User, by: User | None = None, reason: str = "") -> None:
    """The person turns it off (My Profile), or the help desk resets it (``by``, audited)."""
    with transaction.atomic():
        AuthenticatorApp.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        if by is not None:
            audit_record(
                action="account.two_factor_reset",
                target=user,
                actor=by,
                to_state="no_two_factor",
                reason=reason,
            )
        _notify(user, "removed" if by is None else "help_desk_reset")


def _confirmed_devices_locked(model) -> CompiledRead:
    return CompiledRead(
        lambda user_id: model.objects.devices_for_user(user_id, confirmed=True).select_for_update(),
        user_id=-7_000_000_001,
    )


# Read at every code POST of sign-in: compiled once per process (iacs_portal.compiled_reads).
_CONFIRMED_DEVICES_LOCKED = {
    AuthenticatorApp: _confirmed_devices_locked(AuthenticatorApp),
    StaticDevice: _confirmed_devices_locked(StaticDevice),
}


def code_verify(
    *, user: User, code: str, updates: RowUpdates | None = None, apps: list | None = None
):
    """The confirmed device that accepts ``code`` (an app code or a backup code), or None.

    ``updates``: an app's accepted code is written there, with the sign-in's session, not at
    once (``AuthenticatorApp.verify_token``); the caller writes it in this transaction.
    ``apps``: the person's confirmed apps, read locked in this transaction already (the
    sign-in's code POST reads them with the person, ``accounts.signin``); read here if None.

    django-otp accepts each app code once (``last_t``), deletes a used backup code and
    throttles guesses on each device. The device is locked as it is read, in the caller's
    transaction (the sign-in's POST): a second request with the same code waits for the first
    to commit, then finds the code used (tests/accounts/test_code_replay_concurrency.py).
    """
    code = normalise_code(code)
    if not code:
        return None
    if is_app_code(code):
        # Only an app takes such a code: the backup codes' device is not read at all.
        token, model = code, AuthenticatorApp
    else:
        token, model, apps = backup_code_digest(code), StaticDevice, None
    devices = apps if apps is not None else _CONFIRMED_DEVICES_LOCKED[model](user_id=user.pk)
    for device in devices:
        accepted = (
            device.verify_token(token, updates=updates)
            if model is AuthenticatorApp
            else device.verify_token(token)
        )
        if accepted:
            return device
    return None
