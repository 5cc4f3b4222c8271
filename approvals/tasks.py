from celery import shared_task
from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from accounts.mail import send_templated_email

from . import routing
from .history import RequestAction, request_event
from .models import AccessRequest
from .services import access_request_expire


@shared_task
def send_request_acknowledgement(access_request_id: int) -> None:
    access_request = AccessRequest.objects.select_related("organization").get(pk=access_request_id)
    send_templated_email(
        event="request_submitted", to=[access_request.email], context={"request": access_request}
    )


@shared_task
def notify_approvers_of_new_request(access_request_id: int) -> None:
    access_request = AccessRequest.objects.select_related("organization").get(pk=access_request_id)
    recipients = routing.approver_emails(access_request=access_request)
    if recipients:
        send_templated_email(
            event="request_awaiting_approval",
            to=recipients,
            context={"request": access_request, "queue_path": reverse("approvals:queue")},
        )


@shared_task
def send_request_denied(access_request_id: int) -> None:
    access_request = AccessRequest.objects.get(pk=access_request_id)
    send_templated_email(
        event="request_denied", to=[access_request.email], context={"request": access_request}
    )


@shared_task
def send_role_granted(access_request_id: int) -> None:
    """An existing account holder's added role or association was approved: no new credentials."""
    access_request = AccessRequest.objects.select_related("applicant").get(pk=access_request_id)
    send_templated_email(
        event="role_granted",
        to=[access_request.applicant.email],
        context={"request": access_request, "user": access_request.applicant},
    )


@shared_task
def send_request_expired(access_request_id: int) -> None:
    access_request = AccessRequest.objects.get(pk=access_request_id)
    days = settings.PENDING_REQUEST_TTL.days
    send_templated_email(
        event="request_expired",
        to=[access_request.email],
        context={"request": access_request, "days": days},
    )


def _remind_approvers(access_request: AccessRequest) -> None:
    recipients = routing.approver_emails(access_request=access_request)
    if recipients:
        send_templated_email(
            event="request_reminder",
            to=recipients,
            context={
                "request": access_request,
                "queue_path": reverse("approvals:queue"),
                "expires_at": access_request.expires_at,
            },
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
