"""The outbox's Celery tasks: deliver one email, and re-dispatch what is still unsent.

Arguments are row ids only. ``outgoing_email_deliver`` is acknowledged only once it has run
(``acks_late``), and given back to the broker if its worker process dies
(``reject_on_worker_lost``): a lost worker loses no email. Running it twice is harmless
(``delivery`` explains why).
"""

from celery import shared_task

from . import delivery


@shared_task(acks_late=True, reject_on_worker_lost=True)
def outgoing_email_deliver(email_id: int) -> str:
    return delivery.outgoing_email_deliver(email_id=email_id)


@shared_task
def outgoing_email_redispatch() -> int:
    """Every OUTBOX_REDISPATCH_INTERVAL (CELERY_BEAT_SCHEDULE): see
    ``delivery.outgoing_emails_redispatch``."""
    return len(delivery.outgoing_emails_redispatch())
