"""The SSN and date of birth are encrypted at rest, and both keys can be rotated (ADR 10)."""

import os
import subprocess
import sys
from datetime import date
from io import StringIO

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import FieldError
from django.core.management import call_command
from django.db import connection
from django.urls import reverse

from accounts.crypto import DecryptionError
from accounts.identity import ssn_digest
from accounts.models import User
from tests.factories import UserFactory, staff_approver
from tests.registration import enter_signed_in

pytestmark = pytest.mark.django_db

OLD_KEY, NEW_KEY = Fernet.generate_key().decode(), Fernet.generate_key().decode()


def stored(user, column: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM accounts_user WHERE id = %s", [user.pk])  # noqa: S608
        return cursor.fetchone()[0]


def test_the_column_holds_a_token_and_the_attribute_the_value():
    user = UserFactory(ssn="123456781", date_of_birth=date(1984, 3, 12))
    assert "123456781" not in stored(user, "ssn") and "1984" not in stored(user, "date_of_birth")
    fresh = User.objects.get(pk=user.pk)
    assert fresh.ssn == "123456781" and fresh.date_of_birth == date(1984, 3, 12)


def test_the_same_value_encrypts_differently_each_time():
    one, two = UserFactory(ssn="123456781"), UserFactory(ssn="123456781")
    assert stored(one, "ssn") != stored(two, "ssn")


def test_empty_values_stay_empty():
    user = UserFactory()
    assert stored(user, "ssn") == "" and stored(user, "date_of_birth") is None
    assert User.objects.get(pk=user.pk).date_of_birth is None


def test_an_altered_token_is_refused_not_misread():
    user = UserFactory(ssn="123456781")
    token = stored(user, "ssn")
    tampered = token[:-6] + ("A" if token[-6] != "A" else "B") + token[-5:]
    User.objects.filter(pk=user.pk).update(ssn_last4="0000")  # unrelated column still works
    with connection.cursor() as cursor:
        cursor.execute("UPDATE accounts_user SET ssn = %s WHERE id = %s", [tampered, user.pk])
    with pytest.raises(DecryptionError) as raised:
        User.objects.get(pk=user.pk)
    assert "123456781" not in str(raised.value) and tampered not in str(raised.value)


@pytest.mark.parametrize("lookup", ["date_of_birth", "date_of_birth__year", "ssn", "ssn__contains"])
def test_encrypted_columns_cannot_be_queried(lookup):
    with pytest.raises(FieldError):
        list(User.objects.filter(**{lookup: "1984"}))


def test_rotation_re_encrypts_every_value_under_the_first_key(settings):
    settings.FIELD_ENCRYPTION_KEYS = [OLD_KEY]
    user = UserFactory(ssn="123456781", date_of_birth=date(1984, 3, 12))
    UserFactory()  # nothing to encrypt
    settings.FIELD_ENCRYPTION_KEYS = [NEW_KEY, OLD_KEY]
    out = StringIO()

    call_command("rotate_encryption_keys", stdout=out)

    assert "accounts.User: 1 re-encrypted, 1 already current" in out.getvalue()
    settings.FIELD_ENCRYPTION_KEYS = [NEW_KEY]  # the old key can now be removed
    fresh = User.objects.get(pk=user.pk)
    assert fresh.ssn == "123456781" and fresh.date_of_birth == date(1984, 3, 12)
    call_command("rotate_encryption_keys", stdout=out)
    assert "accounts.User: 0 re-encrypted, 2 already current" in out.getvalue()


def test_without_the_old_key_nothing_is_readable(settings):
    settings.FIELD_ENCRYPTION_KEYS = [OLD_KEY]
    user = UserFactory(ssn="123456781")
    settings.FIELD_ENCRYPTION_KEYS = [NEW_KEY]
    with pytest.raises(DecryptionError):
        User.objects.get(pk=user.pk)


def test_digest_rotation_recomputes_every_digest_from_the_stored_ssn(settings):
    settings.SSN_DIGEST_KEY = "old digest key"
    user = UserFactory(ssn="123456781", ssn_digest=ssn_digest("123456781"))
    legacy = UserFactory(ssn="", ssn_digest=ssn_digest("123456782"))
    settings.SSN_DIGEST_KEY = "new digest key"
    out = StringIO()

    call_command("rotate_ssn_digest_key", stdout=out)

    user.refresh_from_db()
    legacy.refresh_from_db()
    assert user.ssn_digest == ssn_digest("123456781")
    assert legacy.ssn_digest != ssn_digest("123456782")  # no SSN to recompute it from
    assert "1 rows have no stored SSN" in out.getvalue()


def test_digest_rotation_re_keys_requests_too(client, settings):
    from approvals.models import AccessRequest
    from tests.registration import start_bso_registration, user_information

    settings.SSN_DIGEST_KEY = "old digest key"
    start_bso_registration(client)
    client.post(reverse("registration:user-information"), user_information("b@example.org"))
    settings.SSN_DIGEST_KEY = "new digest key"
    call_command("rotate_ssn_digest_key", stdout=StringIO())
    assert AccessRequest.objects.get().ssn_digest == ssn_digest("123456781")


def test_the_admin_shows_neither_the_ssn_nor_the_date_of_birth(client):
    user = UserFactory(ssn="123456781", ssn_last4="6781", date_of_birth=date(1984, 3, 12))
    admin = staff_approver(is_superuser=True)
    enter_signed_in(client, admin)
    page = client.get(reverse("admin:accounts_user_change", args=[user.pk])).content.decode()
    assert "***-**-6781" in page
    assert "**/**/1984" in page  # the year alone, to help check a caller (docs/help-desk/users.md)
    for secret in ("123456781", "03/12/1984", "1984-03-12", "March 12, 1984", "gAAAAA"):
        assert secret not in page
    assert 'name="ssn"' not in page and 'name="date_of_birth"' not in page


def test_production_refuses_to_start_without_encryption_keys():
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"FIELD_ENCRYPTION_KEYS", "DJANGO_SETTINGS_MODULE"}
    }
    env.update(SECRET_KEY="x" * 50, SSN_DIGEST_KEY="y" * 50)
    result = subprocess.run(
        [sys.executable, "-c", "import iacs_portal.settings.production"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0 and "FIELD_ENCRYPTION_KEYS" in result.stderr
