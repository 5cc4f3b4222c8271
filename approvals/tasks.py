from celery import shared_task
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from accounts.mail import send_templated_email

from . import routing
from .models import AccessRequest


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
def purge_expired_drafts() -> int:
    """Abandoned registration drafts hold personal data: delete them once they expire."""
    cutoff = timezone.now() - settings.REGISTRATION_DRAFT_TTL
    deleted, _ = AccessRequest.objects.filter(
        status=AccessRequest.Status.DRAFT, last_activity_at__lt=cutoff
    ).delete()
    return deleted
