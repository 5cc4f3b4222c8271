"""The delivery's hand-written statements (iacs_portal/outbox/statements.py) answer as the ORM
code they replaced: each is run beside the ORM's version on twin rows in every state that
matters, and the answers and the rows afterwards must be the same."""

import threading
from datetime import timedelta

import pytest
import time_machine
from django.db import connection, connections, transaction
from django.db.models import Exists, OuterRef
from django.forms.models import model_to_dict
from django.utils import timezone

from iacs_portal.outbox import delivery, statements
from iacs_portal.outbox.models import OutgoingEmail

pytestmark = pytest.mark.django_db
Status = OutgoingEmail.Status
NOW = timezone.now().replace(microsecond=123456)
PARAMS = {"user_id": 7, "user_ids": [3, 1, 2], "to_old": True, "change": "enrolled"}


def email(status=Status.QUEUED, *, follows=None, attempts=0, started=None, **fields):
    """An outbox row as a worker may find it; ``follows``: the status of its leader, or the
    leader itself."""
    if isinstance(follows, str):
        follows = email(follows)
    last_attempt_at = NOW - started if started is not None else None
    return OutgoingEmail.objects.create(
        event="account_id",
        params=PARAMS,
        recipients="a@example.org",
        status=status,
        follows=follows,
        attempts=attempts,
        last_attempt_at=last_attempt_at,
        created_at=NOW,
        **fields,
    )


# Every state a claim can find its row in (the leader's status is ``follows``).
STATES = {
    "queued": {},
    "queued again after a failed attempt": {
        "attempts": 2,
        "last_error": "SMTPServerDisconnected: Connection unexpectedly closed",
        "next_attempt_at": NOW - timedelta(minutes=1),
        "started": timedelta(minutes=3),
    },
    "queued after a sent leader": {"follows": Status.SENT},
    "queued after a queued leader": {"follows": Status.QUEUED},
    "queued after a leader being sent": {"follows": Status.SENDING},
    "queued after a failed leader": {"follows": Status.FAILED},
    "sending a moment ago": {"status": Status.SENDING, "attempts": 1, "started": timedelta(0)},
    "sending, its worker gone": {
        "status": Status.SENDING,
        "attempts": 1,
        "started": timedelta(hours=1),
    },
    "sending, its worker gone, no attempt left": {
        "status": Status.SENDING,
        "attempts": 8,
        "started": timedelta(hours=1),
    },
    "sent": {"status": Status.SENT, "attempts": 1, "sent_at": NOW},
    "failed": {"status": Status.FAILED, "attempts": 8, "last_error": "Gave up."},
}


def row(pk: int) -> dict:
    return model_to_dict(OutgoingEmail.objects.get(pk=pk), exclude=["id"])


def found_by_its_times(pk: int) -> bool:
    """The ORM's filter finds the row by the times it holds: a time written in another form than
    the ORM writes (text, on SQLite) would not match."""
    times = OutgoingEmail.objects.values("last_attempt_at", "sent_at").get(pk=pk)
    written = {name: value for name, value in times.items() if value is not None}
    return OutgoingEmail.objects.filter(pk=pk, **written).exists()


def twins(**state) -> tuple[OutgoingEmail, OutgoingEmail]:
    """Two rows in the same state (following the same leader, if any)."""
    first = email(**state)
    return first, email(**{**state, "follows": first.follows})


@pytest.mark.parametrize("state", STATES.values(), ids=STATES.keys())
def test_a_claim_answers_and_writes_as_the_orms_locking_read(state):
    by_orm, by_statement = twins(**state)

    with time_machine.travel(NOW, tick=False):
        expected = delivery._claim_locked(by_orm.pk)  # the ORM's claim, as it was
        assert delivery._claim(by_statement.pk) == expected  # the statement, or that claim

    assert row(by_statement.pk) == row(by_orm.pk)
    assert found_by_its_times(by_statement.pk)


def test_the_one_statement_claims_the_usual_cases_and_writes_nothing_in_the_others():
    claimed = {}
    for name, state in STATES.items():
        found = email(**state)
        before = row(found.pk)
        with time_machine.travel(NOW, tick=False):
            claimed[name] = statements.claim_queued(found.pk, now=timezone.now())
        if claimed[name] is None:
            assert row(found.pk) == before, name
    assert {name for name, attempt in claimed.items() if attempt is not None} == {
        "queued",
        "queued again after a failed attempt",
        "queued after a sent leader",
    }
    assert claimed["queued again after a failed attempt"] == 3


def test_a_claim_of_an_email_that_is_gone_is_nothing_to_do():
    assert statements.claim_queued(0, now=timezone.now()) is None
    assert delivery._claim(0) is None


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks")
@pytest.mark.django_db(transaction=True)
def test_a_row_another_transaction_holds_is_skipped_by_both_claims():
    held = email()
    locked, release = threading.Event(), threading.Event()

    def other_worker():
        try:
            with transaction.atomic():
                OutgoingEmail.objects.select_for_update().filter(pk=held.pk).exists()
                locked.set()
                release.wait(10)
        finally:
            connections.close_all()

    thread = threading.Thread(target=other_worker)
    thread.start()
    try:
        assert locked.wait(10)
        assert statements.claim_queued(held.pk, now=timezone.now()) is None  # without waiting
        assert delivery._claim_locked(held.pk) is None
    finally:
        release.set()
        thread.join(10)
    assert row(held.pk)["status"] == Status.QUEUED


def orm_lock_for_send(email_id: int, attempt: int):
    """The ORM's version of ``statements.lock_for_send``, as delivery._send read its row."""
    waiting = OutgoingEmail.objects.filter(follows=OuterRef("pk"), status=Status.QUEUED)
    found = (
        OutgoingEmail.objects.select_for_update(of=("self",))
        .annotate(has_followers=Exists(waiting))
        .filter(pk=email_id)
        .first()
    )
    if found is None or found.status != Status.SENDING or found.attempts != attempt:
        return None
    return found.event, found.params, found.has_followers


def sending(attempts=1, *followers: str) -> OutgoingEmail:
    leader = email(Status.SENDING, attempts=attempts, started=timedelta(0))
    for status in followers:
        OutgoingEmail.objects.create(
            event="account_password", recipients="a@example.org", status=status, follows=leader
        )
    return leader


LOCK_CASES = {
    "this attempt's": (lambda: sending(1), 1),
    "with an email waiting to follow it": (lambda: sending(1, Status.QUEUED), 1),
    "whose followers went already": (lambda: sending(1, Status.SENT, Status.FAILED), 1),
    "taken over by another attempt": (lambda: sending(2), 1),
    "sent meanwhile": (lambda: email(Status.SENT, attempts=1), 1),
    "queued again": (lambda: email(Status.QUEUED, attempts=1), 1),
}


@pytest.mark.parametrize("case", LOCK_CASES.values(), ids=LOCK_CASES.keys())
def test_the_sends_lock_reads_what_the_orm_read(case):
    make, attempt = case
    found = make()
    with transaction.atomic():
        expected = orm_lock_for_send(found.pk, attempt)
        assert statements.lock_for_send(found.pk, attempt) == expected
    assert statements.lock_for_send(0, 1) is None


def test_the_sends_lock_gives_the_params_as_the_model_reads_them():
    found = sending(1)
    event, params, has_followers = statements.lock_for_send(found.pk, 1)
    assert (event, params, has_followers) == ("account_id", PARAMS, False)
    assert params == OutgoingEmail.objects.get(pk=found.pk).params


@pytest.mark.parametrize(
    "last_error", ["", "Attempt 1 did not finish (the worker stopped)."], ids=["first", "taken"]
)
def test_the_sent_mark_writes_what_the_orms_save_wrote(last_error):
    by_orm, by_sql = twins(status=Status.SENDING, attempts=2, started=timedelta(0))
    OutgoingEmail.objects.filter(pk__in=[by_orm.pk, by_sql.pk]).update(last_error=last_error)
    sent = {
        "sent_at": NOW,
        "recipients": "b@example.org, c@example.org",
        "subject": "FYI: User Creation Completed – Account ID Enclosed",
        "user_label": "BSMITH01",
        "tracking_number": "R-2026-000123",
    }

    by_orm.refresh_from_db()
    delivery._finish(by_orm, status=Status.SENT, last_error="", **sent)
    statements.mark_sent(by_sql.pk, **sent)

    assert row(by_sql.pk) == row(by_orm.pk)
    assert row(by_sql.pk)["status"] == Status.SENT and row(by_sql.pk)["next_attempt_at"] is None
    assert found_by_its_times(by_sql.pk)
