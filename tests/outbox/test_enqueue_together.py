"""Emails decided together (``emails_enqueue``): one INSERT, one message to Celery on commit,
and each email still delivered, retried and failed on its own (ADR 14)."""

import logging
from unittest import mock

import pytest
from django.core import mail
from django.db import transaction

from iacs_portal.outbox import delivery
from iacs_portal.outbox.models import OutgoingEmail
from iacs_portal.outbox.services import (
    EmailToQueue,
    email_enqueue,
    emails_enqueue,
    outgoing_emails_dispatch,
)
from iacs_portal.outbox.tasks import outgoing_emails_deliver
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


class ChangeFailed(Exception):
    pass


def _two_emails(user) -> list[EmailToQueue]:
    return [
        EmailToQueue("password_changed", {"user_id": user.pk}, [user.email]),
        EmailToQueue("account_id", {"user_id": user.pk}),
    ]


def test_emails_decided_together_are_one_insert_and_one_message_after_commit(
    published, django_capture_on_commit_callbacks, django_assert_num_queries
):
    user = UserFactory()

    with django_capture_on_commit_callbacks() as callbacks:
        with django_assert_num_queries(1):
            first, second = emails_enqueue(emails=_two_emails(user))
        assert published == []  # nothing before commit
    for callback in callbacks:  # the commit
        callback()

    assert published == [("outgoing_emails_deliver", [first.pk, second.pk])]
    rows = {row.pk: row for row in OutgoingEmail.objects.all()}
    assert (rows[first.pk].event, rows[first.pk].recipients) == ("password_changed", user.email)
    assert (rows[second.pk].event, rows[second.pk].recipients) == ("account_id", "")
    assert {row.status for row in rows.values()} == {"queued"}


def test_one_email_decided_alone_goes_to_the_one_email_task(
    published, django_capture_on_commit_callbacks
):
    user = UserFactory()

    with django_capture_on_commit_callbacks(execute=True):
        [email] = emails_enqueue(emails=_two_emails(user)[:1])

    assert published == [("outgoing_email_deliver", email.pk)]


def test_emails_decided_together_roll_back_with_the_change(
    published, django_capture_on_commit_callbacks
):
    user = UserFactory()

    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(ChangeFailed),
        transaction.atomic(),
    ):
        emails_enqueue(emails=_two_emails(user))
        raise ChangeFailed

    assert not OutgoingEmail.objects.exists()
    assert published == []


def test_a_refused_param_refuses_the_whole_set():
    user = UserFactory()
    bad = EmailToQueue("account_id", {"password": "correcthorse"})

    with pytest.raises(ValueError):
        emails_enqueue(emails=[*_two_emails(user), bad])

    assert not OutgoingEmail.objects.exists()


def test_emails_decided_together_are_each_delivered(backend, django_capture_on_commit_callbacks):
    user = UserFactory()

    with django_capture_on_commit_callbacks(execute=True):
        emails = emails_enqueue(emails=_two_emails(user))

    assert len(mail.outbox) == 2 and backend.attempts == 2
    assert set(OutgoingEmail.objects.values_list("status", flat=True)) == {"sent"}
    assert outgoing_emails_deliver.apply(args=[[e.pk for e in emails]]).get() == [
        delivery.SKIPPED,
        delivery.SKIPPED,
    ]  # delivered again (acks_late): nothing is sent twice
    assert len(mail.outbox) == 2


def test_one_email_of_a_set_failing_is_retried_alone_and_the_other_goes(
    backend, django_capture_on_commit_callbacks
):
    backend.refuse = "Password Was Changed"
    user = UserFactory()

    with django_capture_on_commit_callbacks(execute=True):
        refused, other = emails_enqueue(emails=_two_emails(user))

    refused.refresh_from_db()
    other.refresh_from_db()
    assert (refused.status, refused.attempts) == ("queued", 1)
    assert "SMTPServerDisconnected" in refused.last_error
    assert refused.next_attempt_at is not None
    assert (other.status, other.attempts) == ("sent", 1)
    assert [m.subject for m in mail.outbox] == [
        "FYI: User Creation Completed – Account ID Enclosed"
    ]


def test_an_error_delivering_one_of_a_set_does_not_keep_the_next_from_going(
    backend, caplog, monkeypatch
):
    user = UserFactory()
    first, second = emails_enqueue(emails=_two_emails(user))
    real_deliver = delivery.outgoing_email_deliver

    def database_gone_for_the_first(*, email_id):
        if email_id == first.pk:
            raise ConnectionError("the database went away")
        return real_deliver(email_id=email_id)

    monkeypatch.setattr(delivery, "outgoing_email_deliver", database_gone_for_the_first)
    caplog.set_level(logging.WARNING, logger="iacs_portal.outbox")

    with pytest.raises(ConnectionError):  # as the first one's own task would have failed
        outgoing_emails_deliver.apply(args=[[first.pk, second.pk]], throw=True)

    second.refresh_from_db()
    assert second.status == "sent"
    assert OutgoingEmail.objects.get(pk=first.pk).status == "queued"  # for the redispatch
    assert f"Email {first.pk} could not be delivered (ConnectionError" in caplog.text


@pytest.fixture
def not_eager():
    conf = outgoing_emails_deliver.app.conf
    conf.update(task_always_eager=False)
    try:
        yield
    finally:
        conf.update(task_always_eager=True)


def test_a_set_whose_publish_fails_stays_queued_for_the_redispatch(caplog, not_eager):
    user = UserFactory()
    emails = emails_enqueue(emails=_two_emails(user))
    caplog.set_level(logging.WARNING, logger="iacs_portal.outbox")

    with mock.patch.object(
        outgoing_emails_deliver, "apply_async", side_effect=ConnectionError("refused")
    ):
        assert outgoing_emails_dispatch(email_ids=[e.pk for e in emails]) is False

    assert set(OutgoingEmail.objects.values_list("status", flat=True)) == {"queued"}
    assert "could not be handed to Celery" in caplog.text


def test_emails_decided_compile_no_insert_once_written(published, orm_compiles):
    user = UserFactory()
    emails_enqueue(emails=_two_emails(user))
    email_enqueue(event="account_id", params={"user_id": user.pk})
    orm_compiles.clear()
    emails_enqueue(emails=_two_emails(user))  # its INSERT written once (compiled_writes)
    email_enqueue(event="account_id", params={"user_id": user.pk})
    assert orm_compiles == []
    assert OutgoingEmail.objects.count() == 6
