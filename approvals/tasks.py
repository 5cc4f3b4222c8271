"""Periodic work on requests. Emails are not tasks: see ``approvals/emails.py``."""

from celery import shared_task
from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from . import routing
from .emails import request_email_enqueue
from .history import RequestAction, request_event
from .models import AccessRequest
from .services import access_request_expire


def _remind_approvers(access_request: AccessRequest) -> None:
    with transaction.atomic():
        recipients = routing.approver_emails(access_request=access_request)
        if recipients:
            request_email_enqueue(
                event="request_reminder", access_request=access_request, to=recipients
            )
        AccessRequest.objects.filter(pk=access_request.pk).update(reminded_at=timezone.now())
        request_event(access_request, RequestAction.REMINDED, note=", ".join(recipients))


@shared_task
def remind_and_expire_pending_requests() -> dict:
    """Hourly: expire requests undecided for PENDING_REQUEST_TTL; remind approvers of the rest
    every PENDING_REQUEST_REMINDER_INTERVAL (escalated BSO requests reach the BSOs too)."""
    now = timezone.now()
    pending = AccessRequest.objects.filter(status=AccessRequest.Status.SUBMITTED)
    expired = 0
    for pk in pending.filter(submitted_at__lte=now - settings.PENDING_REQUEST_TTL).values_list(
        "pk", flat=True
    ):
        expired += access_request_expire(access_request_id=pk) is not None
    due = now - settings.PENDING_REQUEST_REMINDER_INTERVAL
    reminded = 0
    for access_request in pending.filter(submitted_at__lte=due).filter(
        Q(reminded_at__isnull=True) | Q(reminded_at__lte=due)
    ):
        _remind_approvers(access_request)
        reminded += 1
    return {"expired": expired, "reminded": reminded}


@shared_task
def purge_expired_drafts() -> int:
    """Abandoned registration drafts hold personal data: delete them once they expire."""
    cutoff = timezone.now() - settings.REGISTRATION_DRAFT_TTL
    deleted, _ = AccessRequest.objects.filter(
        status=AccessRequest.Status.DRAFT, last_activity_at__lt=cutoff
    ).delete()
    return deleted
