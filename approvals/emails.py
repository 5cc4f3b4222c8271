"""The emails about requests: how each is built from its outbox row (iacs_portal.outbox, ADR 14).

Services queue them with ``request_email_enqueue`` in their transaction; the builders run in
the delivering task and read the request as it is then.
"""

from django.conf import settings
from django.urls import reverse

from iacs_portal.outbox.models import OutgoingEmail
from iacs_portal.outbox.registry import Built, EmailCancelled, email_builder
from iacs_portal.outbox.services import EmailToQueue, email_enqueue

from . import routing
from .models import AccessRequest


def request_email(
    event: str, access_request: AccessRequest, *, to: list[str] | None = None
) -> EmailToQueue:
    """An email about ``access_request``, to its applicant's address unless ``to`` says."""
    return EmailToQueue(
        event=event,
        params={"access_request_id": access_request.pk},
        to=to or [access_request.email],
    )


def approvers_notice(access_request: AccessRequest) -> EmailToQueue:
    """The notice that ``access_request`` awaits a decision: to whoever may decide it when it is
    sent (``to_approvers`` asks routing then), so it has no recipients until then."""
    return EmailToQueue(
        event="request_awaiting_approval", params={"access_request_id": access_request.pk}
    )


def request_email_enqueue(
    *, event: str, access_request: AccessRequest, to: list[str] | None = None
) -> OutgoingEmail:
    """Queue ``request_email`` in the caller's transaction (outbox ``email_enqueue``)."""
    return email_enqueue(**request_email(event, access_request, to=to)._asdict())


def _request(params: dict) -> AccessRequest:
    return AccessRequest.objects.select_related("organization", "applicant").get(
        pk=params["access_request_id"]
    )


@email_builder("request_submitted", "request_denied")
def to_applicant(params: dict) -> Built:
    access_request = _request(params)
    return Built([access_request.email], {"request": access_request})


@email_builder("request_expired")
def request_expired(params: dict) -> Built:
    access_request = _request(params)
    days = settings.PENDING_REQUEST_TTL.days
    return Built([access_request.email], {"request": access_request, "days": days})


@email_builder("role_granted")
def role_granted(params: dict) -> Built:
    """An existing account holder's added role or association was approved: no new credentials."""
    access_request = _request(params)
    applicant = access_request.applicant
    return Built([applicant.email], {"request": access_request, "user": applicant})


@email_builder("request_awaiting_approval", "request_reminder")
def to_approvers(params: dict) -> Built:
    """To whoever may decide the request now (routing), with the link to their queue."""
    access_request = _request(params)
    recipients = routing.approver_emails(access_request=access_request)
    if not recipients:
        raise EmailCancelled("Not sent: nobody may decide this request now.")
    context = {
        "request": access_request,
        "queue_path": reverse("approvals:queue"),
        "expires_at": access_request.expires_at,
    }
    return Built(recipients, context)
