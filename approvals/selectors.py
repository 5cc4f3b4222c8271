"""Reads of requests: the filtered Pending Approvals queue and the public status lookup.

The queue always starts from ``routing.decidable_requests``: a filter only narrows it, so no
parameter can show a request its approver may not decide.
"""

import re
from dataclasses import dataclass
from datetime import timedelta

from django.db.models import QuerySet
from django.db.models.functions import Lower
from django.utils import timezone

from organizations.models import Organization, UserGroup

from . import routing
from .models import AccessRequest

QUEUE_AGES = (7, 14, 30)  # "submitted more than N days ago"

# The tie-breakers keep pages stable: a request never shows on two pages or on none.
QUEUE_SORTS: dict[str, tuple] = {
    "oldest": ("submitted_at", "pk"),
    "newest": ("-submitted_at", "-pk"),
    "applicant": (Lower("last_name"), Lower("first_name"), "submitted_at", "pk"),
    "tracking_number": ("tracking_number", "pk"),
}
QUEUE_DEFAULT_SORT = "oldest"

# What the queue's table shows of a request, and "status", which django-fsm reads on every row.
# The encrypted SSN and date of birth are never read here (ADR 10).
QUEUE_COLUMNS = (
    "status",
    "tracking_number",
    "first_name",
    "middle_name",
    "last_name",
    "suffix",
    "kind",
    "role",
    "details",
    "submitted_at",
    "organization__legal_name",
    "organization__status",
    "group__name",
    "group__status",
)


@dataclass(frozen=True)
class QueueFilterOptions:
    """What the queue's filters may offer: only places that occur in the user's own queue."""

    organizations: list[tuple[int, str]]
    groups: list[tuple[int, str]]


def queue_filter(
    *,
    user,
    kind: str = "",
    organization_id: int | None = None,
    group_id: int | None = None,
    older_than_days: int | None = None,
    sort: str = QUEUE_DEFAULT_SORT,
) -> QuerySet:
    """The user's Pending Approvals, narrowed by the filters given and sorted."""
    requests = routing.decidable_requests(user=user)
    if kind:
        requests = requests.filter(kind=kind)
    if organization_id is not None:
        requests = requests.filter(organization_id=organization_id)
    if group_id is not None:
        requests = requests.filter(group_id=group_id)
    if older_than_days is not None:
        requests = requests.filter(
            submitted_at__lte=timezone.now() - timedelta(days=older_than_days)
        )
    return requests.order_by(*QUEUE_SORTS.get(sort, QUEUE_SORTS[QUEUE_DEFAULT_SORT]))


def queue_filter_options(*, user) -> QueueFilterOptions:
    places = routing.decidable_places(user=user)
    organizations = (
        Organization.objects.filter(
            pk__in={organization for organization, _group, _count in places if organization}
        )
        .order_by(Lower("legal_name"), "pk")
        .values_list("pk", "legal_name")
    )
    groups = (
        UserGroup.objects.filter(pk__in={group for _organization, group, _count in places if group})
        .order_by(Lower("name"), "pk")
        .values_list("pk", "name", "organization__legal_name")
    )
    return QueueFilterOptions(
        organizations=list(organizations),
        # Group names repeat across organizations: say whose group it is.
        groups=[(pk, f"{name} ({organization})") for pk, name, organization in groups],
    )


def queue_page_rows(*, page: QuerySet, sort: str) -> list[AccessRequest]:
    """A page of the queue as its table shows it, in one query.

    ``page`` is a slice of ``queue_filter(...).values("pk")``: PostgreSQL picks the page's ids
    from the queue's index alone, then reads and joins only those rows (ADR 18).
    """
    return list(
        AccessRequest.objects.filter(pk__in=page)
        .select_related("organization", "group")
        .only(*QUEUE_COLUMNS)
        .order_by(*QUEUE_SORTS.get(sort, QUEUE_SORTS[QUEUE_DEFAULT_SORT]))
    )


_TRACKING_NUMBER = re.compile(r"^(?:IR)?-?(\d{5})-?(\d{5})$")


def tracking_number_normalize(value: str) -> str:
    """``ir 12345 67890``, ``IR-12345-67890`` and ``1234567890`` all mean IR-12345-67890."""
    compact = re.sub(r"\s+", "", value).upper()
    match = _TRACKING_NUMBER.match(compact)
    return f"IR-{match[1]}-{match[2]}" if match else compact


def access_request_status_lookup(*, tracking_number: str, email: str) -> AccessRequest | None:
    """The submitted (or since decided) request with this tracking number and email, or None.

    A wrong email and an unknown number look the same: one query, one answer.
    """
    if not tracking_number or not email:
        return None
    return (
        AccessRequest.objects.exclude(status=AccessRequest.Status.DRAFT)
        .select_related("organization", "group")
        .filter(
            tracking_number=tracking_number_normalize(tracking_number),
            email__iexact=email.strip(),
        )
        .first()
    )
