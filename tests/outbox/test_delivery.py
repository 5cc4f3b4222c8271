"""A queued email is sent once: not twice when its task runs twice, nor when a worker dies
mid-send; a failure is retried with backoff and ends failed after the limit (ADR 14)."""

import re
import threading
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth.hashers import check_password
from django.core import mail
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.emails import user_credentials_enqueue, user_email_enqueue
from iacs_portal.outbox import delivery
from iacs_portal.outbox.registry import BUILDERS, Built
from iacs_portal.outbox.services import email_enqueue
from iacs_portal.outbox.tasks import outgoing_email_deliver
from tests.factories import UserFactory

from .support import WorkerKilled, delivered, deliveries_published

pytestmark = pytest.mark.django_db
PASSWORD = re.compile(r"^\s+(\S{20})\s*$", re.MULTILINE)


def redispatch(after: timedelta):
    """The periodic redispatch, run ``after`` from now, delivering in process (eager)."""
    with time_machine.travel(timezone.now() + after, tick=False):
        return delivery.outgoing_emails_redispatch()


def test_a_sent_email_is_not_sent_again_when_its_task_runs_again(
    backend, django_capture_on_commit_callbacks
):
    email = delivered(
        django_capture_on_commit_callbacks,
        user_email_enqueue,
        event="account_id",
        user=UserFactory(),
    )

    again = [outgoing_email_deliver.apply(args=[email.pk]).get() for _ in range(2)]

    assert again == [delivery.SKIPPED, delivery.SKIPPED]
    assert len(mail.outbox) == 1 and backend.attempts == 1
    email.refresh_from_db()
    assert (email.status, email.attempts) == ("sent", 1)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks")
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("round_", range(5))  # the moment the second one looks varies
def test_two_workers_delivering_one_email_at_once_send_it_once(backend, round_):
    backend.delay = 0.2  # the first one may still be sending when the second one looks
    with deliveries_published():  # committed, its task not yet run
        email = user_email_enqueue(event="account_id", user=UserFactory())
    barrier = threading.Barrier(2)
    outcomes = []

    def worker():
        try:
            barrier.wait()
            outcomes.append(delivery.outgoing_email_deliver(email_id=email.pk))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes) == [delivery.SENT, delivery.SKIPPED]
    assert len(mail.outbox) == 1 and backend.attempts == 1
    email.refresh_from_db()
    assert (email.status, email.attempts) == ("sent", 1)


def test_a_worker_killed_mid_send_leaves_no_sent_mark_and_no_new_password(
    backend, django_capture_on_commit_callbacks
):
    user = UserFactory(must_change_password=True)
    user.set_unusable_password()
    user.save()
    backend.kill = True

    with pytest.raises(WorkerKilled), django_capture_on_commit_callbacks(execute=True):
        email = user_email_enqueue(event="account_password", user=user)

    email.refresh_from_db()
    assert (email.status, email.attempts, email.sent_at) == ("sending", 1, None)
    assert backend.attempts == 1 and mail.outbox == []  # built and handed over, then the crash
    user.refresh_from_db()
    assert not user.has_usable_password()  # the password made for it rolled back too
    assert redispatch(timedelta(minutes=1)) == []  # the worker might still be sending
    assert delivery.outgoing_email_deliver(email_id=email.pk) == delivery.SKIPPED  # redelivered

    backend.kill = False
    assert redispatch(timedelta(minutes=3)) == [email.pk]  # OUTBOX_SENDING_TIMEOUT: it died

    [message] = mail.outbox
    user.refresh_from_db()
    assert check_password(PASSWORD.search(message.body).group(1), user.password)
    email.refresh_from_db()
    assert (email.status, email.attempts) == ("sent", 2)
    assert email.last_error == ""


def test_an_email_that_kills_its_worker_every_time_ends_failed(
    backend, settings, django_capture_on_commit_callbacks
):
    settings.OUTBOX_MAX_ATTEMPTS = 2
    backend.kill = True
    with pytest.raises(WorkerKilled), django_capture_on_commit_callbacks(execute=True):
        email = user_email_enqueue(event="account_id", user=UserFactory())
    with pytest.raises(WorkerKilled):
        redispatch(timedelta(minutes=3))

    redispatch(timedelta(minutes=6))

    email.refresh_from_db()
    assert (email.status, email.attempts) == ("failed", 2)
    assert email.last_error == "Attempt 2 did not finish (the worker stopped)."
    assert backend.attempts == 2


def test_a_refused_email_is_retried_with_backoff_until_the_limit_then_failed(
    backend, settings, django_capture_on_commit_callbacks
):
    settings.OUTBOX_MAX_ATTEMPTS = 3
    backend.refuse = "*"
    email = delivered(
        django_capture_on_commit_callbacks,
        user_email_enqueue,
        event="account_id",
        user=UserFactory(),
    )
    delays = []
    for elapsed in (timedelta(minutes=2), timedelta(minutes=5)):  # 1 + 1, then 2 + 1 minutes
        assert (email.status, email.sent_at) == ("queued", None)
        delays.append(email.next_attempt_at - email.last_attempt_at)
        assert redispatch(elapsed - timedelta(seconds=61)) == []  # not due yet, or just due
        assert redispatch(elapsed) == [email.pk]
        email.refresh_from_db()

    assert [round(delay.total_seconds()) for delay in delays] == [60, 120]
    assert (email.status, email.attempts, email.next_attempt_at) == ("failed", 3, None)
    assert email.last_error == "SMTPServerDisconnected: Connection unexpectedly closed"
    assert redispatch(timedelta(days=1)) == []  # failed stays failed until the help desk acts
    assert mail.outbox == [] and backend.attempts == 3


def test_the_password_email_waits_for_the_user_id_email_and_fails_with_it(
    backend, settings, django_capture_on_commit_callbacks
):
    settings.OUTBOX_MAX_ATTEMPTS = 2
    backend.refuse = "Account ID Enclosed"
    user = UserFactory()

    with django_capture_on_commit_callbacks(execute=True):
        password_email = user_credentials_enqueue(user=user)
    user_id_email = password_email.follows
    password_email.refresh_from_db()
    user_id_email.refresh_from_db()
    assert (user_id_email.status, password_email.status) == ("queued", "queued")
    assert password_email.attempts == 0  # not even tried: the User ID goes first
    assert redispatch(timedelta(minutes=3)) == [user_id_email.pk]  # the password still waits

    password_email.refresh_from_db()
    user_id_email.refresh_from_db()
    assert (user_id_email.status, user_id_email.attempts) == ("failed", 2)
    assert password_email.status == "failed"
    assert password_email.last_error.startswith(
        f"Not sent: it is sent after email {user_id_email.pk}"
    )
    assert mail.outbox == []
    user.refresh_from_db()
    assert user.temporary_password_expires_at is None  # no password was ever made


def test_the_user_id_then_the_password_arrive_in_that_order(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        user_credentials_enqueue(user=UserFactory())

    assert [m.subject for m in mail.outbox] == [
        "FYI: User Creation Completed – Account ID Enclosed",
        "FYI: User Creation Completed – Password Enclosed",
    ]


@pytest.fixture
def broken_template_event():
    BUILDERS["no_such_event"] = lambda params: Built(["a@example.org"], {})
    yield "no_such_event"
    del BUILDERS["no_such_event"]


def test_an_email_whose_template_is_missing_is_recorded_as_failing(
    broken_template_event, django_capture_on_commit_callbacks
):
    email = delivered(
        django_capture_on_commit_callbacks,
        email_enqueue,
        event=broken_template_event,
        params={"user_id": 1},
    )

    assert (email.status, email.attempts, email.subject) == ("queued", 1, "")
    assert email.last_error == "TemplateDoesNotExist: emails/no_such_event/subject.txt"
    assert email.recipients == "a@example.org"


def test_an_email_about_something_deleted_fails_at_once(django_capture_on_commit_callbacks):
    user = UserFactory()
    with django_capture_on_commit_callbacks() as callbacks:
        email = user_email_enqueue(event="account_id", user=user)
    user.delete()
    for callback in callbacks:
        callback()

    email.refresh_from_db()
    assert (email.status, email.attempts) == ("failed", 1)
    assert email.last_error == "Not sent: what it is about no longer exists (DoesNotExist)."


def test_a_password_for_a_disabled_account_is_never_made(django_capture_on_commit_callbacks):
    user = UserFactory(is_active=False)

    email = delivered(
        django_capture_on_commit_callbacks,
        user_email_enqueue,
        event="help_desk_temporary_password",
        user=user,
    )

    assert (email.status, email.attempts) == ("failed", 1)
    assert email.last_error.startswith("Not sent: the account was disabled")
    assert mail.outbox == []


def test_a_delivery_claims_locks_and_marks_its_row_in_three_statements_none_sorting(backend):
    email = user_email_enqueue(event="account_id", user=UserFactory())  # its task not yet run

    with CaptureQueriesContext(connection) as captured:
        outcome = delivery.outgoing_email_deliver(email_id=email.pk)

    assert outcome == delivery.SENT
    statements = [query["sql"] for query in captured.captured_queries]
    own = [sql.split() for sql in statements if '"outbox_outgoingemail"' in sql]
    assert [words[0] for words in own] == ["UPDATE", "SELECT", "UPDATE"]  # claim, lock, sent
    assert own[0][-2:] == ["RETURNING", "attempts"]  # the claim reads nothing before it
    assert not any("ORDER BY" in sql for sql in statements)
