"""Emails telling the person that something about their account changed (issue 5).

Each schedules its Celery task after commit, with ids only.
"""

from django.db import transaction

from .models import User


def notify_password_changed(*, user: User) -> None:
    from .tasks import send_password_changed

    transaction.on_commit(lambda: send_password_changed.delay(user.pk))


def notify_answers_changed(*, user: User) -> None:
    from .tasks import send_answers_changed

    transaction.on_commit(lambda: send_answers_changed.delay(user.pk))
