"""A request's history is its part of the audit trail: one record, nothing kept twice.

Every status change (and every reminder sent) is an append-only, hash-chained audit event
(ADR 6) about the request; the approver's page and the admin read those events back.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db import models

from iacs_portal.audit.models import AuditChainHead, AuditEvent
from iacs_portal.audit.services import audit_events_for, audit_record

from .models import AccessRequest

PREFIX = "request."


class RequestAction(models.TextChoices):
    SUBMITTED = "submitted", "Submitted"
    APPROVED = "approved", "Approved"
    DENIED = "denied", "Denied"
    CANCELLED = "cancelled", "Cancelled by the applicant"
    EXPIRED = "expired", "Expired undecided"
    REMINDED = "reminded", "Approvers reminded"
    ACKNOWLEDGEMENT_RESENT = "acknowledgement_resent", "Acknowledgement email resent"
    VERIFICATION_CODE_RESENT = "verification_code_resent", "Email verification code resent"


def request_event(
    access_request: AccessRequest,
    action: RequestAction,
    *,
    actor=None,
    from_state: str = "",
    note: str = "",
    head: AuditChainHead | None = None,
) -> AuditEvent:
    """Record what happened to the request in the tamper-evident trail.

    ``from_state`` is the status before a transition; the status now is the one after it. The
    event's write goes with the transaction's next statement (``audit_record``'s ``hold``):
    its id is not read back. ``head``: the chain head locked with the change already
    (``write_locking_chain_head``).
    """
    return audit_record(
        action=PREFIX + action,
        target=access_request,
        actor=actor,
        from_state=from_state,
        to_state=access_request.status if from_state else "",
        reason=note,
        hold=True,
        head=head,
    )


@dataclass(frozen=True)
class HistoryEntry:
    at: datetime
    action: str
    actor_label: str  # the User ID at the time; empty for the system
    actor_name: str  # the person's name while their account exists
    from_status: str
    to_status: str
    reason: str
    client_address: str | None


def _status_label(value: str) -> str:
    return AccessRequest.Status(value).label if value in AccessRequest.Status.values else value


def _action_label(value: str) -> str:
    action = value.removeprefix(PREFIX)
    return RequestAction(action).label if action in RequestAction.values else value


# What the history shows: of the actor only the name, never the encrypted SSN and date of birth
# (which select_related alone would read and decrypt for every event).
HISTORY_FIELDS = (
    "at",
    "action",
    "actor",
    "actor_label",
    "from_state",
    "to_state",
    "reason",
    "client_address",
)
ACTOR_NAME_FIELDS = ("first_name", "middle_name", "last_name", "suffix")


def request_history(access_request: AccessRequest) -> list[HistoryEntry]:
    """The request's audit events, oldest first, in words."""
    return [
        HistoryEntry(
            at=event.at,
            action=_action_label(event.action),
            actor_label=event.actor_label,
            actor_name=event.actor.full_name if event.actor else "",
            from_status=_status_label(event.from_state),
            to_status=_status_label(event.to_state),
            reason=event.reason,
            client_address=event.client_address,
        )
        for event in audit_events_for(access_request)
        .select_related("actor")
        .only(*HISTORY_FIELDS, *(f"actor__{name}" for name in ACTOR_NAME_FIELDS))
    ]


def request_events(access_request: AccessRequest, action: RequestAction):
    """The audit events of one kind about the request (for checks and tests)."""
    return audit_events_for(access_request).filter(action=PREFIX + action)
