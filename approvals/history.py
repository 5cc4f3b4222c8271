"""A request's history: every transition is an event on the request and in the audit chain."""

from iacs_portal.audit.services import audit_record

from .models import AccessRequest, AccessRequestEvent


def request_event(
    access_request: AccessRequest, action: str, *, actor=None, from_state: str = "", note: str = ""
) -> AccessRequestEvent:
    """Record what happened to the request, for its history page and the tamper-evident trail.

    ``from_state`` is the status before a transition; the status now is the one after it.
    """
    event = AccessRequestEvent.objects.create(
        access_request=access_request, action=action, actor=actor, note=note
    )
    audit_record(
        action=f"request.{action}",
        target=access_request,
        actor=actor,
        from_state=from_state,
        to_state=access_request.status if from_state else "",
        reason=note,
    )
    return event
