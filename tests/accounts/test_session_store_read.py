"""The session engine reads a session's row by a statement written once
(accounts.session_store): it finds what Django's database store finds, live, expired or gone."""

from datetime import timedelta

import pytest
import time_machine
from django.contrib.sessions.backends.db import SessionStore as DjangoStore
from django.utils import timezone

from accounts.session_store import SessionStore

pytestmark = pytest.mark.django_db


def stored(data: dict, *, expires_in: timedelta) -> str:
    session = DjangoStore()
    session.update(data)
    session.set_expiry(int(expires_in.total_seconds()))
    session.create()
    return session.session_key


@pytest.mark.parametrize(
    "moment",
    [timedelta(0), timedelta(minutes=59), timedelta(hours=1), timedelta(hours=2)],
    ids=["now", "just before it expires", "as it expires", "after it expired"],
)
def test_a_session_is_read_as_djangos_store_reads_it(moment):
    key = stored({"a": 1, "b": "é"}, expires_in=timedelta(hours=1))
    with time_machine.travel(timezone.now() + moment, tick=False):
        ours, django = SessionStore(session_key=key), DjangoStore(session_key=key)
        read = ours.load()
        assert read == django.load()
        assert ours.session_key == django.session_key
    assert (read.get("b") == "é") == (moment < timedelta(hours=1))


def test_an_unknown_key_reads_as_nothing_and_is_forgotten():
    ours, django = SessionStore(session_key="x" * 32), DjangoStore(session_key="x" * 32)
    assert ours.load() == django.load() == {}
    assert ours.session_key is django.session_key is None


def test_reading_a_session_is_one_statement(django_assert_num_queries):
    key = stored({"a": 1}, expires_in=timedelta(hours=1))
    with django_assert_num_queries(1) as captured:
        assert SessionStore(session_key=key)["a"] == 1
    assert "LIMIT" not in captured.captured_queries[0]["sql"], "not the ORM's get()"
