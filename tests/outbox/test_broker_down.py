"""With the broker down a page that sends mail still answers at once; the email waits in the
outbox and goes out, once, when the redispatch runs after the broker is back (ADR 14)."""

import logging
import time
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.utils import timezone

from iacs_portal.celery import app
from iacs_portal.outbox.delivery import outgoing_emails_redispatch
from iacs_portal.outbox.models import OutgoingEmail
from tests.accounts.test_celery_worker import drop_pooled_connections
from tests.network import closed_port
from tests.registration import BARBARA, latest_code, start_bso_registration, step

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def broker_down():
    previous = {key: app.conf[key] for key in ("broker_url", "task_always_eager")}
    drop_pooled_connections()
    app.conf.update(broker_url=f"redis://127.0.0.1:{closed_port()}/0", task_always_eager=False)
    try:
        yield
    finally:
        drop_pooled_connections()
        app.conf.update(previous)


def broker_back() -> None:
    """Tasks run in process again, as a worker would run them once Redis answers."""
    drop_pooled_connections()
    app.conf.update(task_always_eager=True)


def test_registration_answers_at_once_with_the_broker_down_and_the_code_follows(
    client, broker_down, caplog
):
    start_bso_registration(client)
    info = {**BARBARA.form(), "email": BARBARA.email, "email_confirmation": BARBARA.email}
    caplog.set_level(logging.WARNING, logger="iacs_portal.outbox")

    started = time.monotonic()
    step(client, "user-information", info)  # the page that queues the verification code email
    elapsed = time.monotonic() - started

    assert elapsed < 1.0  # kombu and redis-py would retry for seconds without our settings
    [email] = OutgoingEmail.objects.all()
    assert (email.event, email.status, email.attempts) == ("email_verification", "queued", 0)
    assert mail.outbox == []
    assert f"Email {email.pk} could not be handed to Celery" in caplog.text

    broker_back()
    with time_machine.travel(timezone.now() + timedelta(seconds=61), tick=False):
        assert outgoing_emails_redispatch() == [email.pk]
        assert outgoing_emails_redispatch() == []  # sent: the next run finds nothing

    email.refresh_from_db()
    assert (email.status, email.attempts) == ("sent", 1)
    assert len(mail.outbox) == 1
    step(client, "verify-email", {"code": latest_code(BARBARA.email)})  # and the code works
