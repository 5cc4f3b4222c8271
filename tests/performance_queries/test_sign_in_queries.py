"""The statements of sign-in's code step (issue 9): the pending session, the user read with
their app's device, locked (accounts.signin), the device's changed fields written (one code
once), the failures forgotten (only if the user's read found some), the old session deleted,
last_login, and the new session's row: written once, inside the sign-in's transaction, by one
INSERT without a savepoint, which on PostgreSQL also deletes the old session's row and writes
the device's and the user's changes (accounts.session_store, iacs_portal.row_updates): one
statement for all four, held for the COMMIT and sent with it (ADR 22)."""

import pytest
from django.db import connection
from django.urls import reverse

from tests.factories import UserFactory, set_up
from tests.registration import PASSWORD, enter_portal
from tests.two_factor import authenticator, code_for

pytestmark = pytest.mark.django_db


def test_the_code_step_makes_few_statements(client, django_assert_max_num_queries):
    user = set_up(UserFactory())
    device = authenticator(user)
    enter_portal(client)
    client.post(reverse("accounts:login"), {"username": user.username, "password": PASSWORD})
    # PostgreSQL: the old session's DELETE, the device's and the user's UPDATEs are in the new
    # session's INSERT (accounts.session_store), logged as asked for, sent with the COMMIT.
    folded = connection.vendor == "postgresql"
    with django_assert_max_num_queries(5 if folded else 8) as captured:
        response = client.post(reverse("accounts:login_code"), {"code": code_for(device)})
    assert response.status_code == 302 and response.url == reverse("accounts:my_profile")
    statements = [query["sql"] for query in captured.captured_queries]
    assert not any("otp_static_staticdevice" in sql for sql in statements), "an app code"
    reads = [sql for sql in statements if sql.startswith("SELECT") and "django_session" not in sql]
    (read,) = reads  # the user and their device in one statement, the device locked
    assert '"accounts_user"."last_login"' in read and '"accounts_authenticatorapp"."key"' in read
    if connection.features.has_select_for_update:
        assert read.endswith('FOR UPDATE OF "accounts_authenticatorapp"')
    assert '"ssn"' not in read and '"date_of_birth"' not in read, "decrypted for nothing"
    writes = [sql for sql in statements if sql.startswith(("WITH", "INSERT", "UPDATE", "DELETE"))]
    if folded:
        (write,) = writes
        assert write.startswith("WITH") and "INSERT" in write
        assert write.count("UPDATE") == 2 and "last_login" in write
    device_writes = [sql for sql in writes if "authenticatorapp" in sql]
    assert len(device_writes) == 1
    assert '"key"' not in device_writes[0], "the unchanged key encrypted and written again"
    assert not [sql for sql in writes if "loginfailure" in sql], "no failures to forget"
    session_writes = [sql for sql in writes if "django_session" in sql]
    assert len(session_writes) == (1 if folded else 2)
    device.refresh_from_db()
    user.refresh_from_db()
    assert device.last_t >= 0 and device.last_used_at is not None and user.last_login is not None


def _stored_key(device) -> str:
    """The key's column as stored: its ciphertext (the model field would decrypt it)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT key FROM accounts_authenticatorapp WHERE id = %s", [device.pk])
        return cursor.fetchone()[0]


def test_an_accepted_code_leaves_the_stored_key_as_it_was():
    device = authenticator(set_up(UserFactory()))
    before = _stored_key(device)
    assert device.verify_token(code_for(device))
    assert _stored_key(device) == before  # a full save would encrypt it again: a new token


def test_a_refused_code_leaves_the_stored_key_as_it_was():
    device = authenticator(set_up(UserFactory()))
    before = _stored_key(device)
    assert not device.verify_token("000000" if code_for(device) != "000000" else "111111")
    device.refresh_from_db()
    assert device.throttling_failure_count == 1
    assert _stored_key(device) == before
