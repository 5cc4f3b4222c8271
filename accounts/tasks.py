"""Periodic work of the accounts app. Emails are not tasks: see ``accounts/emails.py``."""

from celery import shared_task


@shared_task
def disable_inactive_accounts() -> int:
    """Daily (CELERY_BEAT_SCHEDULE): disable accounts without a sign-in for the limit."""
    from .inactivity import users_disable_inactive

    return len(users_disable_inactive())
