"""Helpers for tests of the mail outbox: what is handed to Celery, delivering as a service's
commit does, and a mail backend that fails on cue."""

import time
from contextlib import contextmanager
from smtplib import SMTPServerDisconnected
from unittest import mock

from django.core.mail.backends.locmem import EmailBackend as LocmemBackend

from iacs_portal.outbox.tasks import outgoing_email_deliver

SCRIPTED = "tests.outbox.support.ScriptedBackend"


@contextmanager
def deliveries_published():
    """The arguments handed to the deliver task while inside; the task does not run."""
    published = []

    def apply_async(args=None, kwargs=None, **options):
        published.append(list(args or []) + sorted((kwargs or {}).items()))

    with mock.patch.object(outgoing_email_deliver, "apply_async", apply_async):
        yield published


def delivered(capture, enqueue, **kwargs):
    """Queue an email (``enqueue(**kwargs)``) as a service does, commit, and let it be delivered
    as eager Celery does after commit; the row as it is then. ``capture`` is pytest-django's
    ``django_capture_on_commit_callbacks``."""
    with capture(execute=True):
        email = enqueue(**kwargs)
    email.refresh_from_db()
    return email


class WorkerKilled(BaseException):  # noqa: N818
    """The worker process dies: nothing in the task catches it, as nothing catches SIGKILL."""


class ScriptedBackend(LocmemBackend):
    """Delivers to ``mail.outbox``, unless told otherwise (set the class attributes):

    - ``refuse``: refuse messages whose subject contains it ("*": every message), as an SMTP
      server that drops the connection; ``refusals_left`` of them (None: for ever);
    - ``kill``: the worker dies while handing the message over;
    - ``delay``: seconds each message takes (a slow server).
    """

    refuse = ""
    refusals_left = None
    kill = False
    delay = 0.0
    attempts = 0  # messages handed over, sent or not

    def send_messages(self, messages):
        for message in messages:
            ScriptedBackend.attempts += 1
            time.sleep(self.delay)
            if self.kill:
                raise WorkerKilled
            refused = self.refuse and (self.refuse == "*" or self.refuse in message.subject)
            if refused and self.refusals_left != 0:
                if self.refusals_left is not None:
                    ScriptedBackend.refusals_left -= 1
                raise SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(messages)
