"""A mail backend that fails as some SMTP servers do, for the sent-mail record's tests."""

from smtplib import SMTPDataError

from django.core.mail.backends.base import BaseEmailBackend


class RefusingBackend(BaseEmailBackend):
    """Refuses every message, quoting it back in the error as some servers do."""

    def send_messages(self, email_messages):
        for message in email_messages:
            raise SMTPDataError(554, f"Message refused: {message.body}")
        return 0
