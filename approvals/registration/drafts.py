"""Where the user is in the wizard: the draft lives in the database, the session holds its id."""

from django.utils import timezone

from ..models import AccessRequest

DRAFT_SESSION_KEY = "registration_draft_id"
SUBMITTED_SESSION_KEY = "registration_submitted_id"


def draft_start(request, *, community) -> AccessRequest:
    draft_discard(request)
    draft = AccessRequest.objects.create(community=community, terms_accepted_at=timezone.now())
    draft.completed_steps = ["terms"]
    draft.save(update_fields=["completed_steps"])
    request.session[DRAFT_SESSION_KEY] = draft.pk
    return draft


def draft_for(request) -> AccessRequest | None:
    """The visitor's live draft, or None (never started, submitted, or expired and removed)."""
    draft_id = request.session.get(DRAFT_SESSION_KEY)
    if draft_id is None:
        return None
    draft = (
        AccessRequest.objects.select_related("community", "organization", "email_verification")
        .filter(pk=draft_id, status=AccessRequest.Status.DRAFT)
        .first()
    )
    if draft is None or draft.is_stale_draft():
        draft_discard(request)
        return None
    return draft


def draft_touch(draft: AccessRequest, *, completed: str | None = None, fields=()) -> None:
    if completed and completed not in draft.completed_steps:
        draft.completed_steps = [*draft.completed_steps, completed]
    draft.last_activity_at = timezone.now()
    draft.save(update_fields=["completed_steps", "last_activity_at", *fields])


def draft_discard(request) -> None:
    draft_id = request.session.pop(DRAFT_SESSION_KEY, None)
    if draft_id is not None:
        AccessRequest.objects.filter(pk=draft_id, status=AccessRequest.Status.DRAFT).delete()
