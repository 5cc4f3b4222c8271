"""The authenticator app device (accounts.models.AuthenticatorApp): its key is encrypted at rest,
its codes are checked as RFC 6238 says, and django-otp's clear-key devices are moved to it."""

import base64
import importlib
from datetime import timedelta
from types import SimpleNamespace
from urllib.parse import parse_qs, urlsplit

import pytest
from cryptography.fernet import Fernet
from django.apps import apps
from django.db import connection

from accounts.models import AuthenticatorApp
from accounts.rotation import encrypted_values_reencrypt
from tests.accounts.conftest import START
from tests.factories import UserFactory, set_up
from tests.pii import database_rows
from tests.registration import enter_portal
from tests.two_factor import code_for, enroll

pytestmark = pytest.mark.django_db

STEP = (int(START.timestamp()) - AuthenticatorApp.t0) // AuthenticatorApp.step
move = importlib.import_module("accounts.migrations.0007_authenticator_app")


@pytest.fixture
def device():
    return AuthenticatorApp.objects.create(user=UserFactory(), name="Phone")


def stored_key(device) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT key FROM accounts_authenticatorapp WHERE id = %s", [device.pk])
        return cursor.fetchone()[0]


def key_forms(device) -> list[str]:
    """The key as hex (either case) and as the base32 the person types or scans."""
    return [
        device.key,
        device.key.upper(),
        base64.b32encode(device.bin_key).decode().rstrip("="),
    ]


def test_a_new_device_has_a_random_20_byte_key():
    first = AuthenticatorApp(user=UserFactory())
    second = AuthenticatorApp(user=UserFactory())
    assert len(first.bin_key) == 20 and first.key != second.key


def test_the_key_is_stored_only_encrypted(device):
    token = stored_key(device)
    assert device.key not in token and token.startswith("gAAAAA")  # a Fernet token
    assert AuthenticatorApp.objects.get(pk=device.pk).key == device.key


def test_no_table_holds_the_key_of_an_app_set_up_through_the_pages(client, clock):
    user = set_up(UserFactory())
    client.force_login(user)
    enter_portal(client)
    enroll(client, user)
    device = AuthenticatorApp.objects.get(user=user, confirmed=True)
    found = [
        table
        for table, text in database_rows()
        for form in key_forms(device)
        if form in text or form.lower() in text
    ]
    assert found == []


@pytest.mark.parametrize(
    ("offset", "accepted"), [(-2, False), (-1, True), (0, True), (1, True), (2, False)]
)
def test_codes_are_accepted_one_step_early_or_late(device, clock, offset, accepted):
    assert device.verify_token(code_for(device, step=STEP + offset)) is accepted


def test_a_code_is_accepted_once_and_never_an_older_one(device, clock):
    assert device.verify_token(code_for(device, step=STEP))
    clock.shift(timedelta(seconds=5))  # past the throttle of the refusals below
    assert not device.verify_token(code_for(device, step=STEP))
    clock.shift(timedelta(seconds=5))
    assert not device.verify_token(code_for(device, step=STEP - 1))
    device.refresh_from_db()
    assert device.last_t == STEP and device.last_used_at is not None


def test_an_app_whose_clock_runs_late_is_followed(device, clock):
    assert device.verify_token(code_for(device, step=STEP - 1))
    device.refresh_from_db()
    assert device.drift == -1


@pytest.mark.parametrize("code", ["", "12345a", "１２３４５６", "-123456", "123456789012"])
def test_anything_but_the_code_is_refused_without_an_error(device, clock, code):
    assert not device.verify_token(code)


@pytest.mark.parametrize(("factor", "waited", "accepted"), [(1, 0.9, False), (1, 1, True)])
def test_a_wrong_code_makes_the_next_guess_wait(device, clock, settings, factor, waited, accepted):
    settings.TWO_FACTOR_THROTTLE_FACTOR = factor
    assert not device.verify_token("000000" if code_for(device) != "000000" else "111111")
    clock.shift(timedelta(seconds=waited))
    assert device.verify_token(code_for(device)) is accepted


def test_the_throttle_can_be_turned_off(device, clock, settings):
    settings.TWO_FACTOR_THROTTLE_FACTOR = 0
    assert not device.verify_token("000000" if code_for(device) != "000000" else "111111")
    assert device.verify_token(code_for(device))


def test_the_qr_code_address_names_the_portal_and_the_user_id(device, settings):
    settings.TWO_FACTOR_ISSUER = "CMS: IACS Portal"
    address = urlsplit(device.config_url)
    params = parse_qs(address.query)
    assert address.scheme == "otpauth" and address.netloc == "totp"
    assert address.path == f"/CMS%20IACS%20Portal%3A{device.user.username}"
    assert params["secret"] == [base64.b32encode(device.bin_key).decode()]
    assert params["issuer"] == ["CMS IACS Portal"]
    assert (params["digits"], params["period"], params["algorithm"]) == (["6"], ["30"], ["SHA1"])


def test_key_rotation_re_encrypts_the_keys(device, settings):
    old_token = stored_key(device)
    settings.FIELD_ENCRYPTION_KEYS = [
        Fernet.generate_key().decode(),
        *settings.FIELD_ENCRYPTION_KEYS,
    ]
    report = encrypted_values_reencrypt()
    assert report.rewritten["accounts.AuthenticatorApp"] == 1
    assert stored_key(device) != old_token
    assert AuthenticatorApp.objects.get(pk=device.pk).key == device.key


LEGACY_TABLE_SQL = """
CREATE TABLE otp_totp_totpdevice (
    id integer PRIMARY KEY, user_id integer, name varchar(64), confirmed boolean,
    key varchar(80), step integer, t0 bigint, digits integer, tolerance integer,
    drift integer, last_t bigint, throttling_failure_timestamp timestamp with time zone,
    throttling_failure_count integer, created_at timestamp with time zone,
    last_used_at timestamp with time zone
)
"""


def legacy_insert(cursor, pk, user, key, *, step=30, created_at=START):
    cursor.execute(
        "INSERT INTO otp_totp_totpdevice VALUES (%s, %s, 'Phone', %s, %s, %s, 0, 6, 1, 1, 77, "
        "NULL, 2, %s, NULL)",
        [pk, user.pk, True, key, step, created_at],
    )


def test_the_migration_moves_clear_keys_into_encrypted_devices_and_deletes_them(clock):
    alice, bob = UserFactory(), UserFactory()
    key = "3132333435363738393031323334353637383930"
    with connection.cursor() as cursor:
        cursor.execute(LEGACY_TABLE_SQL)
        legacy_insert(cursor, 1, alice, key.upper(), created_at=START - timedelta(days=3))
        legacy_insert(cursor, 2, bob, "ab" * 20, step=60)  # not one the portal made
    move.legacy_devices_move(apps, SimpleNamespace(connection=connection))

    moved = AuthenticatorApp.objects.get(user=alice)
    assert (moved.key, moved.drift, moved.last_t, moved.confirmed) == (key, 1, 77, True)
    assert moved.throttling_failure_count == 2
    assert moved.created_at == START - timedelta(days=3)
    assert stored_key(moved) != key
    assert not AuthenticatorApp.objects.filter(user=bob).exists()
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM otp_totp_totpdevice")
        assert cursor.fetchone()[0] == 0


def test_the_migration_does_nothing_without_the_old_table():
    move.legacy_devices_move(apps, SimpleNamespace(connection=connection))
    assert not AuthenticatorApp.objects.exists()
