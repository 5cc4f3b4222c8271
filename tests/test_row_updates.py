"""iacs_portal.row_updates writes the rows ``save(update_fields=...)`` writes: each held UPDATE
is run beside the ORM's save of a twin row, and the rows afterwards must be the same."""

from datetime import UTC, datetime

import pytest
from django.contrib.auth.signals import user_logged_in
from django.contrib.sessions.models import Session
from django.db import connection
from django.db.models.signals import post_save, pre_save
from django.forms.models import model_to_dict
from django.test import RequestFactory
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from accounts import session_keys
from accounts.models import AuthenticatorApp, User
from accounts.session_store import SessionStore
from accounts.signin import sign_in_complete
from iacs_portal.row_updates import RowUpdates
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
DEVICE_FIELDS = AuthenticatorApp.VERIFIED_FIELDS
times = st.none() | st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
)


def written(updates: RowUpdates) -> None:
    """The held UPDATEs, each by itself (a statement that carries them runs the same text)."""
    with updates.written_by(connection) as statements, connection.cursor() as cursor:
        for sql, params in statements:
            cursor.execute(sql, params)


def device_row(device) -> dict:
    return model_to_dict(AuthenticatorApp.objects.get(pk=device.pk), exclude=["id", "user"])


class TheDevicesChangesAreWrittenAsTheOrmWritesThem(TestCase):
    @settings(max_examples=30, suppress_health_check=[HealthCheck.too_slow], deadline=None)
    @given(
        last_t=st.integers(-1, 2**62),
        drift=st.integers(-(2**15), 2**15 - 1),
        failures=st.integers(0, 2**31 - 1),
        failed_at=times,
        used_at=times,
    )
    def test_rows_equal(self, last_t, drift, failures, failed_at, used_at):
        by_orm, by_statement = (
            AuthenticatorApp.objects.create(user=UserFactory(), name="App", key="ab" * 20)
            for _ in range(2)
        )
        updates = RowUpdates()
        for device in (by_orm, by_statement):
            device.last_t, device.drift = last_t, drift
            device.throttling_failure_count = failures
            device.throttling_failure_timestamp = failed_at
            device.last_used_at = used_at
        by_orm.save(update_fields=DEVICE_FIELDS)
        updates.add(by_statement, DEVICE_FIELDS)
        written(updates)
        assert device_row(by_statement) == device_row(by_orm)


def test_the_users_saves_by_field_are_held_and_written_as_the_orm_writes_them():
    by_orm, by_statement = UserFactory(), UserFactory()
    moment = datetime(2026, 11, 24, 21, 30, 0, 123456, tzinfo=UTC)
    updates = RowUpdates()
    for user in (by_orm, by_statement):
        user.last_login = moment
        user.temporary_password_used_at = moment
    by_orm.save(update_fields=["last_login"])
    by_orm.save(update_fields=["temporary_password_used_at"])
    with updates.saves_of(by_statement):
        by_statement.save(update_fields=["last_login"])
        by_statement.save(update_fields=["temporary_password_used_at"])
    assert User.objects.get(pk=by_statement.pk).last_login is None  # held, not written yet
    assert "save" not in vars(by_statement)
    before = model_to_dict(User.objects.get(pk=by_statement.pk))
    written(updates)
    fields = ["last_login", "temporary_password_used_at"]
    got, expected = (User.objects.get(pk=user.pk) for user in (by_statement, by_orm))
    assert model_to_dict(got, fields=fields) == model_to_dict(expected, fields=fields)
    assert model_to_dict(got, exclude=fields) == {
        name: value for name, value in before.items() if name not in fields
    }
    assert got.last_login == moment
    assert User.objects.filter(pk=got.pk, last_login=moment).exists()  # found by its time


def test_a_save_of_every_field_is_not_held():
    user = UserFactory()
    updates = RowUpdates()
    with updates.saves_of(user):
        user.first_name = "Ada"
        user.save()
    assert not updates
    assert User.objects.get(pk=user.pk).first_name == "Ada"


def test_the_model_signals_are_sent_around_the_write():
    user = UserFactory()
    sent = []

    def record(signal, sender, instance, update_fields, **kwargs):
        stored = User.objects.get(pk=instance.pk).last_login
        sent.append((signal, update_fields, stored is not None))

    pre_save.connect(record, sender=User, weak=False)
    post_save.connect(record, sender=User, weak=False)
    try:
        updates = RowUpdates()
        user.last_login = datetime(2026, 1, 1, tzinfo=UTC)
        updates.add(user, ["last_login"])
        written(updates)
    finally:
        pre_save.disconnect(record, sender=User)
        post_save.disconnect(record, sender=User)
    fields = frozenset({"last_login"})
    assert sent == [(pre_save, fields, False), (post_save, fields, True)]


def test_nothing_held_is_written_twice():
    user = UserFactory()
    updates = RowUpdates()
    updates.add(user, ["last_login"])
    written(updates)
    assert not updates
    with updates.written_by(connection) as statements:
        assert statements == []


def _signing_in(user):
    request = RequestFactory().post("/login/code/")
    request.session = SessionStore()
    request.session["sign_in_pending"] = {"user_id": user.pk}
    request.session.save()
    request.user = user
    return request


def test_the_sign_in_writes_last_login_and_every_user_logged_in_receiver_runs():
    user = UserFactory(last_login=None)
    heard = []

    def receiver(sender, request, user, **kwargs):
        heard.append(user.pk)

    user_logged_in.connect(receiver, weak=False)
    try:
        sign_in_complete(_signing_in(user), user=user, had_failures=False)
    finally:
        user_logged_in.disconnect(receiver)
    assert heard == [user.pk]
    assert User.objects.get(pk=user.pk).last_login == user.last_login is not None


# In autocommit: in a transaction, on PostgreSQL, the INSERT is held for the COMMIT, which a key
# in use fails as a whole (ADR 23; tests/accounts/test_session_store.py).
@pytest.mark.django_db(transaction=True)
def test_a_sign_in_whose_new_key_is_in_use_still_writes_the_rows_once(monkeypatch):
    taken = SessionStore()
    taken.save()
    user = UserFactory(last_login=None)
    device = AuthenticatorApp.objects.create(user=user, name="App", confirmed=True)
    request = _signing_in(user)
    keys = iter([taken.session_key, "k" * 32])
    monkeypatch.setattr(session_keys, "get_random_string", lambda *args: next(keys))
    updates = RowUpdates()
    device.last_t = 123
    updates.add(device, DEVICE_FIELDS)
    sign_in_complete(request, user=user, device=device, had_failures=False, updates=updates)
    assert request.session.session_key == "k" * 32
    assert Session.objects.filter(session_key="k" * 32).exists()
    assert AuthenticatorApp.objects.get(pk=device.pk).last_t == 123
    assert User.objects.get(pk=user.pk).last_login == user.last_login is not None
