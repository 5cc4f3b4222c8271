"""A real Celery worker, connected to Redis, sends the verification email."""

import os
import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail

from accounts.verification import email_verification_start
from iacs_portal.celery import app


def drop_pooled_connections() -> None:
    """Forget the pools an eager ``.delay`` made for the default (absent) broker.

    ``app.close()`` keeps a pool that is empty at that moment (it tests the pool's truth, which
    is its length), so the next publish would still go to amqp://localhost. Closing the pools is
    not right either: kombu keeps producer pools in a global registry, and later tests would
    acquire from a closed one. So the app only forgets them and makes new ones for the broker.
    """
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def worker_app():
    previous = {
        key: app.conf[key] for key in ("broker_url", "broker_transport", "task_always_eager")
    }
    drop_pooled_connections()
    app.conf.update(
        broker_url=os.environ["CELERY_TEST_BROKER_URL"],
        broker_transport="iacs_portal.broker:Transport",  # production's for redis:// brokers
        task_always_eager=False,
    )
    try:
        yield app
    finally:
        drop_pooled_connections()
        app.conf.update(previous)


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
def test_worker_sends_the_verification_email(worker_app):
    with start_worker(worker_app, perform_ping_check=False, shutdown_timeout=10):
        email_verification_start(email="worker@example.org")
        deadline = time.monotonic() + 30
        while not mail.outbox and time.monotonic() < deadline:
            time.sleep(0.2)
    assert [m.subject for m in mail.outbox] == ["Email Address Verification"]
    assert mail.outbox[0].to == ["worker@example.org"]
