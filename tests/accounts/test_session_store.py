"""Sessions are rows in the database; an existing one is saved in one statement (issue 9)."""

from datetime import timedelta

import pytest
from django.contrib.sessions.backends.base import CreateError, UpdateError
from django.contrib.sessions.models import Session
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.session_store import SessionStore

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_changed_session_is_saved_in_one_statement_outside_a_transaction():
    session = SessionStore()
    session["step"] = "contact"
    session.create()
    session = SessionStore(session_key=session.session_key)
    session["step"] = "review"

    with CaptureQueriesContext(connection) as captured:
        session.save()

    assert [q["sql"].split()[0] for q in captured.captured_queries] == ["UPDATE"]
    stored = Session.objects.get(session_key=session.session_key)
    assert SessionStore().decode(stored.session_data) == {"step": "review"}
    assert abs(stored.expire_date - session.get_expiry_date()) < timedelta(seconds=5)


def test_the_update_writes_its_own_row_only():
    mine, other = SessionStore(), SessionStore()
    for session, step in ((mine, "contact"), (other, "terms")):
        session["step"] = step
        session.create()
    before = Session.objects.get(session_key=other.session_key)
    mine["step"] = "review"
    mine.set_expiry(600)

    mine.save()

    stored = Session.objects.get(session_key=mine.session_key)
    assert SessionStore().decode(stored.session_data) == {"step": "review", "_session_expiry": 600}
    assert timedelta(seconds=590) < stored.expire_date - timezone.now() <= timedelta(seconds=600)
    after = Session.objects.get(session_key=other.session_key)
    assert (after.session_data, after.expire_date) == (before.session_data, before.expire_date)


def test_a_session_whose_row_is_gone_is_not_saved_again():
    session = SessionStore()
    session["step"] = "contact"
    session.create()
    Session.objects.filter(session_key=session.session_key).delete()  # signed out meanwhile
    session["step"] = "review"

    with pytest.raises(UpdateError):
        session.save()

    assert not Session.objects.exists()


def test_inside_a_transaction_a_failed_save_leaves_the_transaction_usable():
    session = SessionStore()
    session.create()
    Session.objects.all().delete()
    session["step"] = "review"

    with transaction.atomic():
        with pytest.raises(UpdateError):
            session.save()
        assert not Session.objects.exists()  # the transaction still answers


def test_a_new_session_is_created_as_before():
    session = SessionStore()
    session["step"] = "terms"
    session.save()

    assert Session.objects.filter(session_key=session.session_key).exists()


def test_a_new_session_is_created_in_one_statement_in_or_out_of_a_transaction():
    for atomic in (False, True):
        session = SessionStore()
        session["step"] = "terms"
        with CaptureQueriesContext(connection) as captured:
            if atomic:
                with transaction.atomic():
                    session.save()
            else:
                session.save()
        statements = [q["sql"].split()[0] for q in captured.captured_queries]
        # Alone, or with the BEGIN and COMMIT of the test's own transaction: no savepoint.
        assert statements == (["BEGIN", "INSERT", "COMMIT"] if atomic else ["INSERT"])
        stored = Session.objects.get(session_key=session.session_key)
        assert SessionStore().decode(stored.session_data) == {"step": "terms"}


def _taken_and_drawn_again():
    """A stored session, and a new one that drew the same key (never, with 32 random
    characters, but it is what the INSERT must survive)."""
    taken = SessionStore()
    taken["owner"] = "first"
    taken.create()
    session = SessionStore(session_key=taken.session_key)
    session._session_cache = {"owner": "second"}
    return taken, session


def _owner(session_key):
    return SessionStore().decode(Session.objects.get(session_key=session_key).session_data)


def test_a_new_key_in_use_is_refused_and_the_row_left_alone():
    taken, session = _taken_and_drawn_again()

    with pytest.raises(CreateError):
        session.save(must_create=True)  # in autocommit: create() then draws another key

    assert _owner(taken.session_key) == {"owner": "first"}


def test_in_a_transaction_a_new_key_in_use_is_refused_and_the_row_left_alone():
    """On PostgreSQL the INSERT is held for the COMMIT (ADR 22), which the key in use fails:
    nothing of the transaction is written. Elsewhere it is refused at once, as in autocommit,
    and the transaction still answers."""
    taken, session = _taken_and_drawn_again()

    if connection.vendor == "postgresql":
        with pytest.raises(IntegrityError), transaction.atomic():
            Session.objects.filter(session_key=taken.session_key).update(
                expire_date=timezone.now() + timedelta(days=9)
            )
            session.save(must_create=True)  # held: nothing sent yet
        stored = Session.objects.get(session_key=taken.session_key)
        assert stored.expire_date < timezone.now() + timedelta(days=8), "rolled back"
    else:
        with transaction.atomic():
            with pytest.raises(CreateError):
                session.save(must_create=True)
            assert Session.objects.count() == 1  # the transaction still answers
    assert _owner(taken.session_key) == {"owner": "first"}


def test_create_draws_another_key_when_the_first_is_in_use(monkeypatch):
    taken = SessionStore()
    taken.create()
    keys = iter([taken.session_key, "k" * 32])
    monkeypatch.setattr(SessionStore, "_get_new_session_key", lambda self: next(keys))
    session = SessionStore()
    session["step"] = "terms"
    session.create()
    assert session.session_key == "k" * 32
    assert Session.objects.count() == 2
