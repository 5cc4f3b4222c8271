"""Writes on requests: submit, approve, deny. Side effects run after the transaction commits."""

import hashlib
import hmac

from django.conf import settings
from django.db import transaction

from accounts.services import user_create
from accounts.tasks import schedule_new_account_emails
from organizations.services import role_assign

from . import routing
from .models import AccessRequest, AccessRequestEvent


class DecisionError(Exception):
    """The decision cannot be made; the message is safe to show the approver."""


def ssn_digest(ssn: str) -> str:
    """A keyed digest of an SSN: recognises the same SSN again without storing it."""
    return hmac.new(settings.SECRET_KEY.encode(), ssn.encode(), hashlib.sha256).hexdigest()


def access_request_submit(*, access_request: AccessRequest) -> AccessRequest:
    from .tasks import notify_approvers_of_new_request, send_request_acknowledgement

    access_request.submit()
    access_request.save()
    AccessRequestEvent.objects.create(
        access_request=access_request, action=AccessRequestEvent.Action.SUBMITTED
    )
    pk = access_request.pk
    transaction.on_commit(lambda: send_request_acknowledgement.delay(pk))
    transaction.on_commit(lambda: notify_approvers_of_new_request.delay(pk))
    return access_request


def _lock_for_decision(*, access_request_id: int, approver) -> AccessRequest:
    access_request = AccessRequest.objects.select_for_update().get(pk=access_request_id)
    if access_request.status != AccessRequest.Status.SUBMITTED:
        raise DecisionError(
            f"Request {access_request.tracking_number} has already been "
            f"{access_request.get_status_display().lower()}; no decision was recorded."
        )
    if not routing.can_decide(user=approver, access_request=access_request):
        raise DecisionError("You are not permitted to decide this request.")
    return access_request


@transaction.atomic
def access_request_approve(*, access_request_id: int, approver) -> AccessRequest:
    access_request = _lock_for_decision(access_request_id=access_request_id, approver=approver)
    user = access_request.applicant or user_create(
        first_name=access_request.first_name,
        middle_name=access_request.middle_name,
        last_name=access_request.last_name,
        suffix=access_request.suffix,
        email=access_request.email,
        contact=access_request.contact_values(),
    )
    role_assign(
        user=user,
        role=access_request.role,
        organization=access_request.organization,
        granted_by=approver,
    )
    access_request.applicant = user
    access_request.approve(by=approver)
    access_request.save()
    AccessRequestEvent.objects.create(
        access_request=access_request, action=AccessRequestEvent.Action.APPROVED, actor=approver
    )
    transaction.on_commit(lambda: schedule_new_account_emails(user.pk))
    return access_request


@transaction.atomic
def access_request_deny(
    *, access_request_id: int, approver, reason: str, note: str
) -> AccessRequest:
    from .tasks import send_request_denied

    access_request = _lock_for_decision(access_request_id=access_request_id, approver=approver)
    access_request.deny(by=approver, reason=reason, note=note)
    access_request.save()
    AccessRequestEvent.objects.create(
        access_request=access_request,
        action=AccessRequestEvent.Action.DENIED,
        actor=approver,
        note=note,
    )
    transaction.on_commit(lambda: send_request_denied.delay(access_request.pk))
    return access_request
