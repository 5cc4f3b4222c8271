"""Submitting a request: the proposed organization or group made, the tracking number taken,
the applicant's acknowledgement and the approvers' notice queued, in the caller's transaction
(SPEC 4; the decisions on a submitted request are in ``services``)."""

import functools

from django.db import IntegrityError, connections, router, transaction
from django_fsm import ConcurrentTransition

from iacs_portal.audit.models import AuditChainHead
from iacs_portal.audit.services import write_locking_chain_head
from iacs_portal.field_values import instance_values_for_save
from iacs_portal.outbox.services import emails_enqueue
from organizations.models import UserGroup
from organizations.roles import Role
from organizations.services import group_create_pending, organization_create_pending

from .emails import approvers_notice, request_email
from .history import RequestAction, request_event
from .models import AccessRequest


class SubmissionError(Exception):
    """The request cannot be submitted as it is; the message says why and what to do."""

    def __init__(self, message: str, *, step: str):
        super().__init__(message)
        self.step = step


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
    head = _save_submission(access_request)
    request_event(
        access_request,
        RequestAction.SUBMITTED,
        actor=access_request.applicant,
        from_state=AccessRequest.Status.DRAFT,
        head=head,
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


def _save_submission(access_request: AccessRequest) -> AuditChainHead | None:
    """Write the submitted draft, with a tracking number no other request has, in one UPDATE;
    the audit chain head, locked in the same statement for the submission's event (None where
    it could not be: ``write_locking_chain_head``).

    The UPDATE takes its number only while no request holds it (NOT EXISTS), where a SELECT
    before it cost one round trip more on every submit; a number found taken is drawn again.
    Nothing written means the number was taken, or the request is no longer a draft (django-fsm's
    ConcurrentTransition, as its save would raise). The unique column still settles two
    submits drawing the same number at the same instant.
    """
    connection = connections[router.db_for_write(AccessRequest)]
    for _draw in range(TRACKING_NUMBER_DRAWS):
        values = instance_values_for_save(access_request, SUBMISSION_FIELDS, connection)
        written, head = write_locking_chain_head(
            _submission_sql(connection.alias),
            [*values, access_request.pk, AccessRequest.Status.DRAFT, values[2]],
            using=connection.alias,
        )
        if written:
            access_request._update_initial_state()  # as django-fsm's save() does
            return head
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
