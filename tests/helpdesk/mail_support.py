"""Mail backends that fail as SMTP servers do, for the sent-mail record's tests."""

from smtplib import SMTPDataError, SMTPServerDisconnected

from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.backends.locmem import EmailBackend as LocmemBackend


class RefusingBackend(BaseEmailBackend):
    """Refuses every message, quoting it back in the error as some servers do."""

    def send_messages(self, email_messages):
        for message in email_messages:
            raise SMTPDataError(554, f"Message refused: {message.body}")
        return 0


class FlakyBackend(LocmemBackend):
    """Drops the connection ``failures_left`` times, then delivers (to ``mail.outbox``)."""

    failures_left = 0

    def send_messages(self, messages):
        if FlakyBackend.failures_left > 0:
            FlakyBackend.failures_left -= 1
            raise SMTPServerDisconnected("Connection unexpectedly closed")
        return super().send_messages(messages)
