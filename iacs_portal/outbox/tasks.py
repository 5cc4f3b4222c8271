"""The outbox's Celery tasks: deliver one email (or several), and re-dispatch what is unsent.

Arguments are row ids only. ``outgoing_email_deliver`` is acknowledged only once it has run
(``acks_late``), and given back to the broker if its worker process dies
(``reject_on_worker_lost``): a lost worker loses no email. Running it twice is harmless
(``delivery`` explains why).
"""

import logging

from celery import shared_task

from . import delivery
from .rendering import error_without_secrets

logger = logging.getLogger(__name__)


@shared_task(acks_late=True, reject_on_worker_lost=True)
def outgoing_email_deliver(email_id: int) -> str:
    return delivery.outgoing_email_deliver(email_id=email_id)


@shared_task(acks_late=True, reject_on_worker_lost=True)
def outgoing_emails_deliver(email_ids: list[int]) -> list[str]:
    """The emails queued together in one transaction (``services.emails_enqueue``): one message
    for all of them, each delivered as ``outgoing_email_deliver`` delivers it, on its own.

    One that raises (the database went away) does not keep the others from being tried; the
    first error is raised at the end, as its own task would have raised it. Delivered again
    (``acks_late``), the ones already sent are skipped.
    """
    outcomes, first_error = [], None
    for email_id in email_ids:
        try:
            outcomes.append(delivery.outgoing_email_deliver(email_id=email_id))
        except Exception as error:  # as its own task's, left for the redispatch
            logger.warning(
                "Email %s could not be delivered (%s); it is left for the redispatch.",
                email_id,
                error_without_secrets(error),
            )
            first_error = first_error or error
    if first_error is not None:
        raise first_error
    return outcomes


@shared_task
def outgoing_email_redispatch() -> int:
    """Every OUTBOX_REDISPATCH_INTERVAL (CELERY_BEAT_SCHEDULE): see
    ``delivery.outgoing_emails_redispatch``."""
    return len(delivery.outgoing_emails_redispatch())
