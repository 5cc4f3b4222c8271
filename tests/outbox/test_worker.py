"""A real Celery worker on Redis delivers an email whose first attempts the mail server refuses:
the worker schedules each retry itself (no beat needed), and the email arrives once."""

import time
from datetime import timedelta

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail

from accounts.emails import user_email_enqueue
from iacs_portal.celery import app
from iacs_portal.outbox.models import OutgoingEmail
from tests.accounts.test_celery_worker import worker_app  # noqa: F401 (a fixture)
from tests.factories import UserFactory

pytestmark = [pytest.mark.celery_worker, pytest.mark.django_db(transaction=True)]


@pytest.mark.usefixtures("worker_app")
def test_a_refused_email_is_retried_by_the_worker_and_arrives_once(backend, settings):
    settings.OUTBOX_RETRY_BACKOFF = timedelta(seconds=0.2)
    backend.refuse, backend.refusals_left = "*", 2

    with start_worker(app, perform_ping_check=False, shutdown_timeout=10):
        email = user_email_enqueue(event="account_id", user=UserFactory())  # commits: published
        deadline = time.monotonic() + 30
        while not mail.outbox and time.monotonic() < deadline:
            time.sleep(0.1)

    email.refresh_from_db()
    assert (email.status, email.attempts) == (OutgoingEmail.Status.SENT, 3)
    assert len(mail.outbox) == 1 and backend.attempts == 3
