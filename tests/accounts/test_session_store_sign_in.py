"""The session engine's sign-in part (accounts.session_keys): Django's database rows, in fewer
statements."""

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.contrib.sessions.models import Session
from django.db import connection
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY

from accounts import session_keys
from accounts.session_store import SessionStore
from tests.factories import UserFactory, set_up
from tests.registration import PASSWORD, enter_portal
from tests.two_factor import authenticator, code_for

pytestmark = pytest.mark.django_db


def test_sessions_are_still_django_database_sessions():
    assert settings.SESSION_ENGINE == "accounts.session_store"
    assert issubclass(SessionStore, DatabaseSessionStore)


def test_a_new_session_is_one_insert_without_looking_its_key_up(django_assert_num_queries):
    session = SessionStore()
    session["a"] = 1
    with django_assert_num_queries(1):  # the INSERT alone: no SELECT of the key, no savepoint
        session.save()
    assert SessionStore(session_key=session.session_key)["a"] == 1


# PostgreSQL: the old row is deleted by the new row's INSERT (a data-modifying WITH), one
# statement for both; elsewhere by its own DELETE at the key's cycle.
FOLDED = connection.vendor == "postgresql"


def test_cycling_the_key_deletes_the_old_row_and_inserts_the_new_one_once(
    django_assert_num_queries,
):
    session = SessionStore()
    session["a"] = 1
    session.save()
    old_key = session.session_key
    with django_assert_num_queries(0 if FOLDED else 1):  # the new key is only drawn
        session.cycle_key()
    assert session.session_key != old_key
    session["b"] = 2
    with django_assert_num_queries(1) as captured:  # no savepoint around it
        session.save()
    if FOLDED:
        assert captured.captured_queries[0]["sql"].startswith('WITH "replaced" AS (DELETE')
    assert not Session.objects.filter(session_key=old_key).exists()
    assert dict(SessionStore(session_key=session.session_key).items()) == {"a": 1, "b": 2}


def _saved_then_cycled():
    """A saved session whose key was just cycled (as at sign-in), and its old key."""
    session = SessionStore()
    session["a"] = 1
    session.save()
    old_key = session.session_key
    session.cycle_key()
    return session, old_key


def test_a_session_flushed_after_its_key_cycled_leaves_no_row():
    """Signed out before the save that would have deleted the old row: deleted then."""
    session, old_key = _saved_then_cycled()
    session.flush()  # empty and keyless: the session middleware saves nothing after it
    assert session.is_empty()
    assert not Session.objects.filter(session_key=old_key).exists()
    assert not Session.objects.exists()


def test_a_key_cycled_twice_before_a_save_leaves_the_last_one_alone():
    session, old_key = _saved_then_cycled()
    between = session.session_key
    session.cycle_key()
    session.save()
    assert session.session_key not in (old_key, between)
    assert list(Session.objects.values_list("session_key", flat=True)) == [session.session_key]


# In autocommit, as the middleware saves after the view: in a transaction, on PostgreSQL, the
# INSERT is held for the COMMIT, which a key in use fails (tests/accounts/test_session_store.py).
@pytest.mark.django_db(transaction=True)
def test_a_drawn_key_already_in_use_is_replaced_by_another(monkeypatch):
    taken = SessionStore()
    taken["owner"] = "someone else"
    taken.save()
    session = SessionStore()
    session["owner"] = "me"
    session.save()
    old_key = session.session_key
    keys = iter([taken.session_key, "k" * 32])
    monkeypatch.setattr(session_keys, "get_random_string", lambda *args: next(keys))
    session.cycle_key()
    session.save()
    assert session.session_key == "k" * 32
    assert SessionStore(session_key=taken.session_key)["owner"] == "someone else"
    assert SessionStore(session_key="k" * 32)["owner"] == "me"
    assert not Session.objects.filter(session_key=old_key).exists()


def test_saving_again_what_was_written_writes_nothing_but_a_change_is_written(
    django_assert_num_queries,
):
    session = SessionStore()
    session["a"] = 1
    session.save()
    with django_assert_num_queries(0):
        session.save()
    session["a"] = 2
    with django_assert_num_queries(1):  # the UPDATE, without a savepoint in the transaction
        session.save()
    assert SessionStore(session_key=session.session_key)["a"] == 2


def test_a_session_deleted_is_not_taken_for_written():
    session = SessionStore()
    session["a"] = 1
    session.save()
    session.delete()
    session.create()
    assert SessionStore(session_key=session.session_key)["a"] == 1


def test_the_code_step_signs_in_under_a_new_key_written_once(client, django_assert_max_num_queries):
    user = set_up(UserFactory())
    device = authenticator(user)
    enter_portal(client)
    client.post(reverse("accounts:login"), {"username": user.username, "password": PASSWORD})
    pending_key = client.session.session_key
    response = client.post(reverse("accounts:login_code"), {"code": code_for(device)})
    assert response.status_code == 302 and response.url == reverse("accounts:my_profile")
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert key != pending_key
    assert not Session.objects.filter(session_key=pending_key).exists()
    stored = SessionStore(session_key=key)
    assert stored["_auth_user_id"] == str(user.pk)
    assert stored[DEVICE_ID_SESSION_KEY] == device.persistent_id
    assert client.get(reverse("accounts:my_profile")).status_code == 200
