"""What the help desk does for an applicant besides deciding: send an email again.

Each is audited on the request with the staff member and the reason, and queues its email in
the same transaction (sent once it commits). The decisions themselves are the approval services
(``services.access_request_approve`` and ``access_request_deny``), the same as the web queue's.
"""

from django.db import transaction

from accounts.verification import email_verification_resend

from .emails import request_email_enqueue
from .history import RequestAction, request_event
from .models import AccessRequest


class ResendError(Exception):
    """The email cannot be sent again for this request now; the message says why."""


def access_request_resend_acknowledgement(
    *, access_request: AccessRequest, by, reason: str
) -> AccessRequest:
    """Send the "request received" email, with its tracking number, to the request's address."""
    with transaction.atomic():
        locked = AccessRequest.objects.select_for_update().get(pk=access_request.pk)
        if locked.status != AccessRequest.Status.SUBMITTED:
            raise ResendError(
                f"Request {locked} is {locked.get_status_display().lower()}: the acknowledgement "
                "is sent again only while a request waits for a decision. The decision email "
                "has been sent instead."
            )
        request_event(
            locked,
            RequestAction.ACKNOWLEDGEMENT_RESENT,
            actor=by,
            note=f"To {locked.email}: {reason}",
        )
        request_email_enqueue(event="request_submitted", access_request=locked)
    return locked


def access_request_resend_verification_code(
    *, access_request: AccessRequest, by, reason: str
) -> AccessRequest:
    """A registration draft waiting at "verify your email": a new code replaces the old one.

    The same service as the applicant's own "Send a new code" button (the code is made and
    mailed by the task, to the address the applicant entered); the applicant types it into the
    page they have open.
    """
    with transaction.atomic():
        locked = (
            AccessRequest.objects.select_for_update(of=("self",))
            .select_related("email_verification")
            .get(pk=access_request.pk)
        )
        refusal = verification_resend_refusal(locked)
        if refusal:
            raise ResendError(refusal)
        email_verification_resend(verification=locked.email_verification)
        request_event(
            locked,
            RequestAction.VERIFICATION_CODE_RESENT,
            actor=by,
            note=f"To {locked.email_verification.email}: {reason}",
        )
    return locked


def verification_resend_refusal(access_request: AccessRequest) -> str:
    """Why a new email verification code cannot be sent for this request, or "" if it can."""
    if access_request.status != AccessRequest.Status.DRAFT:
        return "Only a registration still in progress (a draft) waits for an email code."
    verification = access_request.email_verification
    if verification is None:
        return (
            "The applicant has not reached email verification yet: the code is sent when they "
            "enter their User Information."
        )
    if verification.is_verified:
        return f"The applicant already verified {verification.email}: no code is needed."
    if access_request.is_stale_draft():
        return (
            "This registration was abandoned too long ago and is about to be deleted: the "
            "applicant must start again."
        )
    return ""
