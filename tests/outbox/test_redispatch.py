"""The periodic redispatch hands Celery again what should have gone by now, and nothing else."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from iacs_portal.outbox.delivery import outgoing_emails_redispatch
from iacs_portal.outbox.models import OutgoingEmail

from .support import deliveries_published

pytestmark = pytest.mark.django_db


def test_it_runs_every_minute_with_beat():
    entry = settings.CELERY_BEAT_SCHEDULE["redispatch-unsent-email"]
    assert entry["task"] == "iacs_portal.outbox.tasks.outgoing_email_redispatch"
    assert entry["schedule"] == timedelta(minutes=1)


def test_overdue_and_stuck_emails_are_handed_over_again_and_no_others():
    now = timezone.now()

    def email(status, *, due=None, tried=None, follows=None):
        """``due``/``tried``: that many minutes ago (negative: in the future)."""
        return OutgoingEmail.objects.create(
            event="account_id",
            params={"user_id": 1},
            status=status,
            next_attempt_at=None if due is None else now - timedelta(minutes=due),
            last_attempt_at=None if tried is None else now - timedelta(minutes=tried),
            follows=follows,
        ).pk

    sent, failed = email("sent", tried=30), email("failed", tried=30)
    waiting_leader = email("queued", due=-3, tried=1)  # waits out its backoff
    handed_over = {
        email("queued", due=2),  # its task was lost (the broker was down)
        email("queued", due=2, follows=OutgoingEmail(pk=sent)),  # the first one went
        email("queued", due=2, follows=OutgoingEmail(pk=failed)),  # to be marked failed
        email("sending", tried=3),  # its worker died mid-send
    }
    email("queued", due=0.5)  # just queued: its task is on its way
    email("queued", due=2, follows=OutgoingEmail(pk=waiting_leader))  # goes after that one
    email("sending", tried=1)  # being sent

    with deliveries_published() as published:
        ids = outgoing_emails_redispatch(now=now)

    assert set(ids) == handed_over
    assert sorted(published) == sorted([pk] for pk in handed_over)
