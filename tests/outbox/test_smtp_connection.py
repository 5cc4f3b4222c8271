"""By SMTP, emails go one after another over one kept connection (iacs_portal/outbox/rendering.py):
replaced when the server closed it, dropped after an error, and never changing what is sent."""

import time

import pytest

from accounts.emails import user_email_enqueue
from iacs_portal.outbox import rendering
from iacs_portal.outbox.delivery import outgoing_email_deliver
from iacs_portal.outbox.models import OutgoingEmail
from tests.factories import UserFactory

from .processes import SmtpSink

pytestmark = pytest.mark.django_db(transaction=True)  # each email delivered on commit


class CountingSink(SmtpSink):
    """Also notes the client address of each message: one per connection."""

    def __init__(self, *, idle_timeout: float = 300):
        super().__init__()
        self.idle_timeout = idle_timeout
        self.peers: list = []

    async def handle_DATA(self, server, session, envelope) -> str:  # noqa: N802 (aiosmtpd's)
        self.peers.append(session.peer)
        return await super().handle_DATA(server, session, envelope)

    def start(self) -> "CountingSink":
        from aiosmtpd.controller import Controller

        self._controller = Controller(
            self, hostname="127.0.0.1", port=self.port, timeout=self.idle_timeout
        )
        self._controller.start()
        return self


@pytest.fixture
def smtp(settings):
    """Point the mail settings at a sink made by the test; drop the kept connection after."""

    def use(sink: CountingSink) -> CountingSink:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", sink.port, 5
        sinks.append(sink.start())
        return sink

    sinks: list[CountingSink] = []
    yield use
    rendering._drop_smtp_connection()
    for sink in sinks:
        sink.stop()


def send_account_id() -> OutgoingEmail:
    email = user_email_enqueue(event="account_id", user=UserFactory())
    email.refresh_from_db()
    return email


def test_emails_one_after_another_go_over_one_connection(smtp):
    sink = smtp(CountingSink())

    emails = [send_account_id() for _ in range(3)]

    assert [email.status for email in emails] == [OutgoingEmail.Status.SENT] * 3
    assert len(sink.accepted) == 3 and len(set(sink.peers)) == 1


def test_a_connection_the_server_closed_is_replaced_before_the_next_email(smtp):
    sink = smtp(CountingSink(idle_timeout=0.2))
    first = send_account_id()
    time.sleep(0.6)  # the server closes the idle connection

    second = send_account_id()

    assert (first.status, second.status) == (OutgoingEmail.Status.SENT,) * 2
    assert (second.attempts, len(sink.accepted), len(set(sink.peers))) == (1, 2, 2)


def test_after_a_refused_email_the_next_attempt_opens_a_new_connection(smtp):
    sink = smtp(CountingSink())
    sink.refusals_left = 1

    email = send_account_id()
    assert (email.status, email.attempts) == (OutgoingEmail.Status.QUEUED, 1)
    assert outgoing_email_deliver(email_id=email.pk) == "sent"

    email.refresh_from_db()
    assert (email.status, email.attempts, len(sink.accepted)) == (OutgoingEmail.Status.SENT, 2, 1)
    assert len(sink.received) == 2 and len(set(sink.peers)) == 2
