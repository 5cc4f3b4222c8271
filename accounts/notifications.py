"""Emails telling the person that something about their account changed (issue 5).

Each is queued in the caller's transaction (the outbox, ADR 14), with ids only.
"""

from .models import User


def notify_password_changed(*, user: User) -> None:
    from .emails import user_email_enqueue

    user_email_enqueue(event="password_changed", user=user)


def notify_answers_changed(*, user: User) -> None:
    from .emails import user_email_enqueue

    user_email_enqueue(event="answers_changed", user=user)
