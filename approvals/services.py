"""Writes on submitted requests: approve, deny, cancel, expire (submitting is in ``submitting``).
Their emails are queued in the same transaction (the outbox, ADR 14) and sent after it
commits."""

from django.db import transaction

from accounts.emails import user_credentials_enqueue
from accounts.identity import account_for_ssn_digest
from accounts.services import user_create
from organizations.models import Organization, UserGroup
from organizations.roles import Role
from organizations.services import (
    StatusChangeError,
    group_approve,
    group_reject,
    organization_approve,
    organization_reject,
    role_assign,
)

from . import routing
from .emails import request_email_enqueue
from .history import RequestAction, request_event
from .models import AccessRequest


class DecisionError(Exception):
    """The decision cannot be made; the message is safe to show the approver."""


# The fields every decision (approve, deny) sets; the status is checked by the save (django-fsm).
DECISION_FIELDS = ["status", "decided_at", "decided_by"]


def decidable_request_locked(*, approver, **lookup) -> AccessRequest | None:
    """The request found by ``lookup`` (``pk`` or ``tracking_number``), locked, if it is pending
    and ``approver`` may decide it; else None. In the caller's transaction.

    One query: the approver's queue (``routing.decidable_requests``, which
    tests/approvals/test_routing.py holds equal to ``routing.can_decide``) narrowed to this
    request and locked, with the organization and group the decision reads and the community
    the request's page shows. PostgreSQL checks the conditions again on the row it locks, so a
    decision committed meanwhile leaves nothing. The queue's decision POST reads it so, once,
    and hands it to the decision (``locked=``), which then does not read it again.
    """
    locked = next(
        iter(
            routing.decidable_requests(user=approver)
            .select_related(None)
            .select_related("organization", "group__organization", "community")
            .select_for_update(of=("self",))
            .order_by()
            .filter(**lookup)[:1]
        ),
        None,
    )
    if locked is not None:
        locked._locked_for = (approver.pk, not transaction.get_autocommit())
    return locked


def _lock_for_decision(*, access_request_id: int, approver, locked=None) -> AccessRequest:
    """The request, locked, if it is pending and ``approver`` may decide it; else DecisionError.

    ``locked``: the request ``decidable_request_locked`` read for ``approver`` in this
    transaction, taken as it is (anything else is refused)."""
    if locked is not None:
        if locked.pk != access_request_id or getattr(locked, "_locked_for", None) != (
            approver.pk,
            True,
        ):
            raise ValueError("Not a request locked for this approver by decidable_request_locked.")
        return locked
    locked = decidable_request_locked(approver=approver, pk=access_request_id)
    if locked is not None:
        return locked
    access_request = AccessRequest.objects.only("tracking_number", "status").get(
        pk=access_request_id
    )
    if access_request.status != AccessRequest.Status.SUBMITTED:
        raise DecisionError(
            f"Request {access_request.tracking_number} has already been "
            f"{access_request.get_status_display().lower()}; no decision was recorded."
        )
    raise DecisionError("You are not permitted to decide this request.")


def _refuse_if_suspended(access_request: AccessRequest) -> None:
    """No role is granted in a suspended organization; a denial is still possible."""
    organization = access_request.organization or (
        access_request.group.organization if access_request.group_id else None
    )
    if organization is not None and organization.status == Organization.Status.SUSPENDED:
        raise DecisionError(
            f"{organization.legal_name} is suspended: no role can be granted in it until CMS "
            f"reinstates it. Request {access_request.tracking_number} stays pending."
        )


def _account_for(access_request: AccessRequest):
    """The applicant's account, made now for a first registration. One person, one account."""
    user = access_request.applicant or account_for_ssn_digest(access_request.ssn_digest)
    if user is not None:
        return user, False
    user = user_create(
        first_name=access_request.first_name,
        middle_name=access_request.middle_name,
        last_name=access_request.last_name,
        suffix=access_request.suffix,
        email=access_request.email,
        contact=access_request.contact_values(),
        date_of_birth=access_request.date_of_birth,
        ssn=access_request.ssn,
        ssn_last4=access_request.ssn_last4,
        ssn_digest=access_request.ssn_digest,
    )
    return user, True


@transaction.atomic(savepoint=False)
def access_request_approve(
    *, access_request_id: int, approver, note: str = "", locked: AccessRequest | None = None
) -> AccessRequest:
    """Approve: the account (for a first registration), the role, and what the request proposed.

    ``note`` is the approver's reason, kept in the request's history (the help desk gives one;
    the web queue does not ask for it). ``locked``: the request as ``decidable_request_locked``
    read it in this transaction, not read again.

    No savepoint of its own inside the caller's transaction (two round trips a decision): a
    refusal (DecisionError) or any error fails the caller's transaction with it. The queue's
    page only redirects after a refusal; the help desk's action, which goes on, takes its own
    savepoint (iacs_portal.admin_actions.refusing).
    """
    access_request = _lock_for_decision(
        access_request_id=access_request_id, approver=approver, locked=locked
    )
    _refuse_if_suspended(access_request)
    user, new_account = _account_for(access_request)
    because = f"Request {access_request.tracking_number} approved"
    if access_request.role == Role.SECURITY_OFFICIAL:
        try:
            organization_approve(
                organization=access_request.organization, by=approver, reason=because
            )
        except StatusChangeError as error:
            raise DecisionError(f"{error} No decision was recorded.") from None
    group = access_request.group
    if group is not None and group.status == UserGroup.Status.PENDING:
        group_approve(group=group, by=approver, reason=because)
    role_assign(
        user=user,
        role=access_request.role,
        organization=access_request.organization,
        group=group,
        granted_by=approver,
        new_account=new_account,
    )
    access_request.applicant = user
    access_request.approve(by=approver)
    # What the decision changed: the encrypted SSN and date of birth are not written again.
    access_request.save(update_fields=DECISION_FIELDS + ["applicant"])
    request_event(
        access_request,
        RequestAction.APPROVED,
        actor=approver,
        from_state=AccessRequest.Status.SUBMITTED,
        note=note,
    )
    if new_account:
        user_credentials_enqueue(user=user)  # the User ID, then the temporary password
    else:
        request_email_enqueue(event="role_granted", access_request=access_request, to=[user.email])
    return access_request


def _release_proposed_rows(access_request: AccessRequest, *, by, reason: str) -> None:
    """A request that ends without approval frees the organization or group it proposed."""
    organization = access_request.organization
    if (
        access_request.role == Role.SECURITY_OFFICIAL
        and organization is not None
        and organization.status == Organization.Status.PENDING
    ):
        organization_reject(organization=organization, by=by, reason=reason)
    group = access_request.group
    if group is not None and group.status == UserGroup.Status.PENDING:
        group_reject(group=group, by=by, reason=reason)


@transaction.atomic
def access_request_cancel(*, access_request_id: int, applicant) -> AccessRequest:
    """The applicant withdraws their own pending request."""
    access_request = AccessRequest.objects.select_for_update().get(pk=access_request_id)
    if access_request.applicant_id != applicant.pk:
        raise DecisionError("Only the person who made a request can cancel it.")
    if access_request.status != AccessRequest.Status.SUBMITTED:
        raise DecisionError(
            f"Request {access_request.tracking_number} has already been "
            f"{access_request.get_status_display().lower()}; it can no longer be cancelled."
        )
    _release_proposed_rows(
        access_request,
        by=applicant,
        reason=f"Request {access_request.tracking_number} cancelled by the applicant",
    )
    access_request.cancel(by=applicant)
    access_request.save()
    request_event(
        access_request,
        RequestAction.CANCELLED,
        actor=applicant,
        from_state=AccessRequest.Status.SUBMITTED,
    )
    return access_request


def access_request_expire(*, access_request_id: int) -> AccessRequest | None:
    """Expire one undecided request; None if someone decided or cancelled it meanwhile."""
    with transaction.atomic():
        access_request = (
            AccessRequest.objects.select_for_update(skip_locked=True)
            .filter(pk=access_request_id, status=AccessRequest.Status.SUBMITTED)
            .first()
        )
        if access_request is None:
            return None
        _release_proposed_rows(
            access_request,
            by=None,
            reason=f"Request {access_request.tracking_number} expired undecided",
        )
        access_request.expire()
        access_request.save()
        request_event(
            access_request,
            RequestAction.EXPIRED,
            from_state=AccessRequest.Status.SUBMITTED,
        )
        request_email_enqueue(event="request_expired", access_request=access_request)
    return access_request


@transaction.atomic(savepoint=False)
def access_request_deny(
    *, access_request_id: int, approver, reason: str, note: str, locked: AccessRequest | None = None
) -> AccessRequest:
    """Deny, with the reason told to the applicant; what the request proposed is released.
    No savepoint of its own, as ``access_request_approve``."""
    access_request = _lock_for_decision(
        access_request_id=access_request_id, approver=approver, locked=locked
    )
    _release_proposed_rows(
        access_request, by=approver, reason=f"Request {access_request.tracking_number} denied"
    )
    access_request.deny(by=approver, reason=reason, note=note)
    access_request.save(update_fields=DECISION_FIELDS + ["denial_reason", "decision_note"])
    request_event(
        access_request,
        RequestAction.DENIED,
        actor=approver,
        from_state=AccessRequest.Status.SUBMITTED,
        note=f"{access_request.get_denial_reason_display()}. {note}",
    )
    request_email_enqueue(event="request_denied", access_request=access_request)
    return access_request
