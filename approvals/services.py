"""Writes on requests: submit, approve, deny. Their emails are queued in the same transaction
(the outbox, ADR 14) and sent after it commits."""

import functools

from django.db import IntegrityError, connections, router, transaction
from django_fsm import ConcurrentTransition

from accounts.emails import user_credentials_enqueue
from accounts.identity import account_for_ssn_digest
from accounts.services import user_create
from iacs_portal.field_values import instance_values_for_save
from iacs_portal.outbox.services import emails_enqueue
from organizations.models import Organization, UserGroup
from organizations.roles import Role
from organizations.services import (
    StatusChangeError,
    group_approve,
    group_create_pending,
    group_reject,
    organization_approve,
    organization_create_pending,
    organization_reject,
    role_assign,
)

from . import routing
from .emails import approvers_notice, request_email, request_email_enqueue
from .history import RequestAction, request_event
from .models import AccessRequest


class SubmissionError(Exception):
    """The request cannot be submitted as it is; the message says why and what to do."""

    def __init__(self, message: str, *, step: str):
        super().__init__(message)
        self.step = step


class DecisionError(Exception):
    """The decision cannot be made; the message is safe to show the approver."""


# The fields every decision (approve, deny) sets; the status is checked by the save (django-fsm).
DECISION_FIELDS = ["status", "decided_at", "decided_by"]

GROUP_KINDS = {
    AccessRequest.GroupAction.CREATE_PROVIDER: UserGroup.Kind.PROVIDER,
    AccessRequest.GroupAction.CREATE_SURROGATE: UserGroup.Kind.SURROGATE,
}


def _create_proposed_rows(access_request: AccessRequest) -> SubmissionError | None:
    """Make the organization a Security Official registers, or the group a UGA creates; the
    refusal when another was registered meanwhile (its savepoint rolled back, nothing made)."""
    if access_request.role == Role.SECURITY_OFFICIAL:
        try:
            with transaction.atomic():
                access_request.organization = organization_create_pending(
                    community=access_request.community,
                    details=access_request.details["organization"],
                )
        except IntegrityError:
            return SubmissionError(
                "An organization with this EIN/TIN was registered while you were completing "
                "this request. An organization can be registered only once.",
                step="new-organization",
            )
    kind = GROUP_KINDS.get(access_request.group_action)
    if access_request.role == Role.USER_GROUP_ADMINISTRATOR and kind:
        try:
            with transaction.atomic():
                access_request.group = group_create_pending(
                    organization=access_request.organization,
                    kind=kind,
                    details=access_request.details["group"],
                )
        except IntegrityError:
            return SubmissionError(
                "A user group with this name was created in the organization while you were "
                "completing this request. Choose another name.",
                step="user-group",
            )
    return None


def access_request_submit(*, access_request: AccessRequest) -> AccessRequest:
    """Submit the draft: its tracking number, its history's first event and its two emails.

    No savepoint of its own: the only refusal (SubmissionError, an organization or group
    registered meanwhile) comes from the savepoint around that row, rolled back, before
    anything else is written, and is raised after this block, so the caller's transaction goes
    on (the wizard sends the applicant back a step). Any other error fails the caller's
    transaction anyway, where a savepoint would only cost two round trips.
    """
    with transaction.atomic(savepoint=False):
        refusal = _create_proposed_rows(access_request)
        if refusal is None:
            _submit(access_request)
    if refusal is not None:
        raise refusal
    return access_request


def _submit(access_request: AccessRequest) -> None:
    access_request.submit()
    _save_submission(access_request)
    request_event(
        access_request,
        RequestAction.SUBMITTED,
        actor=access_request.applicant,
        from_state=AccessRequest.Status.DRAFT,
    )
    # The applicant's acknowledgement and the approvers' notice: one INSERT, and one message to
    # Celery on commit. Who may decide it is asked when the notice is sent (its builder,
    # emails.to_approvers, cancels it if nobody may), not here as well: one statement fewer
    # in every submit.
    emails_enqueue(
        emails=[
            request_email("request_submitted", access_request),
            approvers_notice(access_request),
        ]
    )


# The wizard saved every step's fields as they were entered: only what submitting changes is
# written (not the encrypted SSN and date of birth again, each a new Fernet token).
SUBMISSION_FIELDS = ("status", "submitted_at", "tracking_number", "organization", "group")
TRACKING_NUMBER_DRAWS = 5  # 10 billion numbers: a second draw is already a rarity


def _save_submission(access_request: AccessRequest) -> None:
    """Write the submitted draft, with a tracking number no other request has, in one UPDATE.

    The UPDATE takes its number only while no request holds it (NOT EXISTS), where a SELECT
    before it cost one round trip more on every submit; a number found taken is drawn again.
    Nothing written means the number was taken, or the request is no longer a draft (django-fsm's
    ConcurrentTransition, as its save would raise). The unique column still settles two
    submits drawing the same number at the same instant.
    """
    connection = connections[router.db_for_write(AccessRequest)]
    for _draw in range(TRACKING_NUMBER_DRAWS):
        values = instance_values_for_save(access_request, SUBMISSION_FIELDS, connection)
        with connection.cursor() as cursor:
            cursor.execute(
                _submission_sql(connection.alias),
                [*values, access_request.pk, AccessRequest.Status.DRAFT, values[2]],
            )
            written = cursor.rowcount
        if written:
            access_request._update_initial_state()  # as django-fsm's save() does
            return
        if not AccessRequest.objects.filter(
            pk=access_request.pk, status=AccessRequest.Status.DRAFT
        ).exists():
            raise ConcurrentTransition(
                f"Request {access_request.pk} was submitted, or removed, meanwhile."
            )
        access_request.tracking_number = AccessRequest._new_tracking_number()
    raise RuntimeError(f"No free tracking number in {TRACKING_NUMBER_DRAWS} draws.")


@functools.cache
def _submission_sql(alias: str) -> str:
    """The submission's UPDATE, written by hand (once per database): the ORM's, with its NOT
    EXISTS, cost more to compile than to run. Parameters: the ``SUBMISSION_FIELDS``' values,
    then the request's id, the draft status and the tracking number again. Only quoted names go
    into the text."""
    quote, meta = connections[alias].ops.quote_name, AccessRequest._meta
    table, taken = quote(meta.db_table), quote("taken")
    column = {name: quote(meta.get_field(name).column) for name in ("id", "status")}
    number = quote(meta.get_field("tracking_number").column)
    sets = ", ".join(f"{quote(meta.get_field(name).column)} = %s" for name in SUBMISSION_FIELDS)
    return (
        f"UPDATE {table} SET {sets}"  # noqa: S608  # nosec B608
        f" WHERE {column['id']} = %s AND {column['status']} = %s"
        f" AND NOT EXISTS (SELECT 1 FROM {table} {taken} WHERE {taken}.{number} = %s)"
    )


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
