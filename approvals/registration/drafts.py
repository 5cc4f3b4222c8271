"""Where the user is in the wizard: the draft lives in the database, the session holds its id."""

import functools

from django.db import router
from django.utils import timezone

from iacs_portal.compiled_reads import CompiledRead
from iacs_portal.compiled_writes import insert, update_fields

from ..models import AccessRequest

DRAFT_SESSION_KEY = "registration_draft_id"
SUBMITTED_SESSION_KEY = "registration_submitted_id"


def draft_start(request, *, community) -> AccessRequest:
    """A new user registration, once the Terms and Conditions are accepted."""
    draft_discard(request)
    draft = _created(
        community=community, terms_accepted_at=timezone.now(), completed_steps=["terms"]
    )
    request.session[DRAFT_SESSION_KEY] = draft.pk
    return draft


def draft_start_for_user(request, *, community, kind: str, **fields) -> AccessRequest:
    """A signed-in user's request for another role: who they are is taken from their account."""
    user = request.user
    draft_discard(request)
    draft = _created(
        community=community,
        kind=kind,
        applicant=user,
        first_name=user.first_name,
        middle_name=user.middle_name,
        last_name=user.last_name,
        suffix=user.suffix,
        date_of_birth=user.date_of_birth,
        ssn=user.ssn,
        ssn_last4=user.ssn_last4,
        ssn_digest=user.ssn_digest,
        email=user.email,
        terms_accepted_at=timezone.now(),
        **user.contact_values(),
        **fields,
    )
    request.session[DRAFT_SESSION_KEY] = draft.pk
    return draft


def _created(**fields) -> AccessRequest:
    """``AccessRequest.objects.create(**fields)``, its INSERT written once (``compiled_writes``):
    compiling the 45 columns' INSERT cost about 0.3 ms of CPU each time."""
    draft = AccessRequest(**fields)
    insert([draft], using=router.db_for_write(AccessRequest), signals_sent=True)
    return draft


@functools.cache
def draft_read(
    related: tuple[str, ...] = (), fields: tuple[str, ...] | None = None
) -> CompiledRead:
    """The draft by id, alone or with the relations a step names, all its fields or only
    ``fields`` (the rest deferred, for a step that names what it reads: ``StepView.draft_reads``),
    unordered (``first()`` would sort the one row, compiling an ORDER BY for nothing): compiled
    once per process for each (iacs_portal.compiled_reads), a step's reads being always the same
    few."""

    def build(draft_id):
        found = AccessRequest.objects.filter(pk=draft_id, status=AccessRequest.Status.DRAFT)
        if related:  # select_related() with no names would join every non-null relation
            found = found.select_related(*related)
        if fields is not None:
            found = found.only(*fields)
        return found.order_by()[:1]

    return CompiledRead(build, draft_id=-7_000_000_001)


def draft_for(
    request,
    *,
    related: tuple[str, ...] = (),
    lock: bool = False,
    only: tuple[str, ...] = (),
    read: CompiledRead | None = None,
) -> AccessRequest | None:
    """The visitor's live draft, or None (never started, submitted, or expired and removed).

    Read alone, or with the relations in ``related`` that the caller reads (the community,
    organization, group, email verification): each joined relation costs a step more to
    compile and load than the draft itself, so a step names only those it shows or checks.

    ``only``: the fields the caller reads, when not all of them (the rest are deferred: read
    on first use, one statement each).

    ``lock`` (submitting): the row is locked as it is read, in the request's transaction, and
    returned whatever its status: a second submit that waited here for the first one's lock
    finds the request submitted, not a draft gone missing.

    ``read``: a step's own read of the draft by ``draft_id`` (a CompiledRead), instead of these.
    """
    draft_id = request.session.get(DRAFT_SESSION_KEY)
    if draft_id is None:
        return None
    if read is not None:
        found = read(draft_id=draft_id)
    elif not (lock or only):
        found = draft_read(related)(draft_id=draft_id)
    else:
        found = AccessRequest.objects.filter(pk=draft_id).order_by()
        if related:  # select_related() with no names would join every non-null relation
            found = found.select_related(*related)
        if only:
            found = found.only(*only)
        if lock:
            found = found.select_for_update(of=("self",))
        else:
            found = found.filter(status=AccessRequest.Status.DRAFT)
        found = found[:1]
    draft = next(iter(found), None)
    if draft is None or draft.is_stale_draft():
        draft_discard(request)
        return None
    return draft


def draft_touch(draft: AccessRequest, *, completed: str | None = None, fields=()) -> None:
    """Save the step: the draft's changed ``fields``, its completed steps and its last activity,
    in one UPDATE written once per field list (``compiled_writes``: the ORM's save compiled it
    every time), on the condition that it is still a draft (django-fsm's check).

    The UPDATE is held for the step's next statement or its commit (ADR 22): one round trip
    fewer a step. A draft submitted or removed meanwhile (in another tab) is left as it is, and
    the page the step sends the visitor to finds it gone (the acknowledgement, or the start)."""
    if completed and completed not in draft.completed_steps:
        draft.completed_steps = [*draft.completed_steps, completed]
    draft.last_activity_at = timezone.now()
    update_fields(draft, ["completed_steps", "last_activity_at", *fields], hold=True)


def draft_discard(request) -> None:
    draft_id = request.session.pop(DRAFT_SESSION_KEY, None)
    if draft_id is not None:
        AccessRequest.objects.filter(pk=draft_id, status=AccessRequest.Status.DRAFT).delete()
