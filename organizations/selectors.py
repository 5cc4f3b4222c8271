"""Reads on organizations, user groups and roles."""

from typing import NamedTuple

from django.apps import apps
from django.db import connection
from django.db.models import Q, QuerySet

from iacs_portal.compiled_reads import CompiledRead, prepared

from .models import Community, Organization, RoleAssignment, UserGroup
from .roles import Role

# The registration's first step (the terms, its page and its POST) asks for its community by
# slug every time: compiled once (iacs_portal.compiled_reads), as the draft's reads are.
_active_community = CompiledRead(
    lambda slug: Community.objects.filter(slug=slug, is_active=True).order_by()[:1],
    slug="compiled-read:community-slug",
)


def active_community(*, slug: str) -> Community | None:
    """The community with this slug, unless it is closed to registrations."""
    return next(iter(_active_community(slug=slug)), None)


def role_scopes_held(*, user) -> list[tuple[str, int | None, int | None]]:
    """The user's active roles as (role, organization id, group id).

    Read once per user object, as Django caches permissions: one page asks who may decide what
    (the header's Pending Approvals, the queue), who may remove whose role (My Profile's Manage
    Roles) and what the user administers (a new request has a new user object).
    """
    held = getattr(user, "_role_scopes_held", None)
    if held is None:
        held = user._role_scopes_held = list(
            RoleAssignment.objects.filter(
                user=user, status=RoleAssignment.Status.ACTIVE
            ).values_list("role", "organization_id", "group_id")
        )
    return held


def _search_scope(*, name: str, country: str, state: str, community=None) -> QuerySet:
    matches = Organization.objects.filter(
        country=country, state=state, legal_name__icontains=name.strip()
    )
    if community is not None:
        matches = matches.filter(community=community)
    return matches


def organization_search(*, name: str, country: str, state: str, community=None) -> QuerySet:
    """SPEC 4.10: all or part of the business name plus country and state; approved only.

    ``community``, when given, is a Community or its id (as a draft holds it, unread).
    """
    return (
        _search_scope(name=name, country=country, state=state, community=community)
        .filter(status=Organization.Status.APPROVED)
        .order_by("legal_name")
    )


class SearchResult(NamedTuple):
    """An approved organization on a search's page: what its choice shows, and its id."""

    pk: int
    legal_name: str
    city: str
    state: str


def _search_matches(*, community: bool) -> str:
    """``organization_search``'s filters but the status, as Django writes them for this database.

    The name test is ``legal_name__icontains`` as Django compiles it for this database
    (``UPPER("legal_name"::text) LIKE UPPER(%s)`` on PostgreSQL, which the trigram indexes
    serve; ADR 18). Parameters: country, state, the name's pattern (``_name_pattern``), then
    the community's id when ``community``. Only quoted names and Django's own operators are
    put in; every value is a parameter.
    """
    quote = connection.ops.quote_name
    name = connection.ops.lookup_cast("icontains", "CharField") % quote("legal_name")
    matches = [
        f"{quote('country')} = %s",
        f"{quote('state')} = %s",
        f"{name} {connection.operators['icontains'] % '%s'}",
    ]
    if community:
        matches.append(f"{quote('community_id')} = %s")
    return " AND ".join(matches)


def _name_pattern(name: str) -> str:
    return f"%{connection.ops.prep_for_like_query(name.strip())}%"  # as icontains escapes it


def _search_page_sql(*, community: bool) -> str:
    """The search page's statement, written once per database as Django writes the filters.

    Built by hand, not by the ORM: compiling the windowed query and making 50 model objects
    took about 1.5 ms of CPU a search, the statement itself a fraction of that.
    """
    quote = connection.ops.quote_name
    status = quote("status")
    columns = ", ".join(quote(column) for column in ("id", "legal_name", "city", "state"))
    return (
        f"SELECT {columns}, {status} = %s,"  # noqa: S608  # nosec B608
        f" SUM(CASE WHEN {status} = %s THEN 1 ELSE 0 END) OVER (), COUNT(*) OVER ()"
        f" FROM {quote(Organization._meta.db_table)}"
        f" WHERE {_search_matches(community=community)} AND {status} IN (%s, %s, %s)"
        f" ORDER BY CASE WHEN {status} = %s THEN 0 ELSE 1 END, {quote('legal_name')}"
        " LIMIT %s"
    )


def organization_search_page(
    *, name: str, country: str, state: str, community=None, limit: int
) -> tuple[list[SearchResult], int, int]:
    """A search's first ``limit`` approved matches by name and both counts, in one read.

    (rows, approved matches, pending or suspended ones): the counts are window aggregates over
    every match, the rows the first of them with the approved ones sorted first, so the name
    search, its heap reads and its planning happen once where two reads did them twice. The
    matches are ``organization_search``'s (with the pending and suspended ones counted apart),
    in its order; the rows are plain ``SearchResult``s, not model objects.
    """
    status = Organization.Status
    approved = status.APPROVED
    community_id = getattr(community, "pk", community)
    params = [approved, approved, country, state, _name_pattern(name)]
    if community_id is not None:
        params.append(community_id)
    params += [approved, status.PENDING, status.SUSPENDED, approved, limit]
    with connection.cursor() as cursor:
        # The plan is the same whatever the name (the state's trigram index): planned once.
        cursor.execute(prepared(_search_page_sql(community=community_id is not None)), params)
        rows = cursor.fetchall()
    if not rows:
        return [], 0, 0
    selectable, matches = rows[0][5], rows[0][6]
    shown = [SearchResult(*row[:4]) for row in rows if row[4]]
    return shown, selectable, matches - selectable


def _search_choice_sql(*, community: bool) -> str:
    """The chosen organization's name, if it is approved and one of the search's matches."""
    quote = connection.ops.quote_name
    return (
        f"SELECT {quote('legal_name')}"  # noqa: S608  # nosec B608
        f" FROM {quote(Organization._meta.db_table)}"
        f" WHERE {quote('id')} = %s AND {_search_matches(community=community)}"
        f" AND {quote('status')} = %s"
    )


def organization_search_choice(
    *, organization_id: int, name: str, country: str, state: str, community=None
) -> Organization | None:
    """The organization chosen among a search's results, if it is one of ``organization_search``'s
    matches; its name alone is read (the other fields are deferred, as ``only()`` leaves them).

    One row by primary key, in a statement written by hand with the search page's filters: the
    ORM's query cost more to compile, and its model more to make, than the read itself.
    """
    low, high = connection.ops.integer_field_range(Organization._meta.pk.get_internal_type())
    if not low <= organization_id <= high:
        return None  # no such row: as the ORM answers, without asking the database
    community_id = getattr(community, "pk", community)
    params = [organization_id, country, state, _name_pattern(name)]
    if community_id is not None:
        params.append(community_id)
    params.append(Organization.Status.APPROVED)
    with connection.cursor() as cursor:
        cursor.execute(prepared(_search_choice_sql(community=community_id is not None)), params)
        row = cursor.fetchone()
    if row is None:
        return None
    return Organization.from_db(connection.alias, ["id", "legal_name"], [organization_id, *row])


def organization_is_selectable(*, organization_id: int) -> bool:
    return Organization.objects.filter(
        pk=organization_id, status=Organization.Status.APPROVED
    ).exists()


def organization_with_ein(*, ein: str) -> Organization | None:
    """The organization registered under this EIN/TIN, unless CMS did not approve it."""
    return Organization.objects.exclude(status=Organization.Status.DENIED).filter(ein=ein).first()


def group_name_taken(*, organization: Organization, name: str) -> bool:
    return (
        UserGroup.objects.filter(organization=organization, name__iexact=name.strip())
        .exclude(status=UserGroup.Status.DENIED)
        .exists()
    )


def joinable_groups(*, organization: Organization) -> QuerySet:
    """The approved user groups of an approved organization, provider groups first."""
    return (
        UserGroup.objects.filter(
            organization=organization,
            status=UserGroup.Status.APPROVED,
            organization__status=Organization.Status.APPROVED,
        )
        .select_related("organization")
        .order_by("kind", "name")
    )


def active_roles(*, user) -> QuerySet:
    return RoleAssignment.objects.filter(user=user, status=RoleAssignment.Status.ACTIVE)


def user_holds_role(*, user, role: str, organization=None, group=None) -> bool:
    if group is not None:
        organization = group.organization  # as role_assign records a role held in a group
    return (
        active_roles(user=user).filter(role=role, organization=organization, group=group).exists()
    )


def surrogate_groups_administered(*, user) -> QuerySet:
    """The surrogate user groups this user administers: one per provider organization served."""
    return UserGroup.objects.filter(
        kind=UserGroup.Kind.SURROGATE,
        role_assignments__user=user,
        role_assignments__role=Role.USER_GROUP_ADMINISTRATOR,
        role_assignments__status=RoleAssignment.Status.ACTIVE,
    ).select_related("organization")


# Requests live in approvals, which depends on this app: they are reached through the reverse
# relation ``access_requests`` and their status by its stored value.
PENDING_REQUEST = "submitted"


def pending_requests(*, organization: Organization) -> QuerySet:
    """The organization's requests waiting for a decision, its user groups' included.

    The groups' ids are read first: joining the groups made PostgreSQL scan every pending
    request in the country; with plain ids it uses the indexes (ADR 18).
    """
    groups = list(organization.user_groups.values_list("pk", flat=True))
    return apps.get_model("approvals", "AccessRequest").objects.filter(
        Q(organization=organization) | Q(group__in=groups),
        status=PENDING_REQUEST,
    )


def proposing_request(*, organization: Organization | None = None, group: UserGroup | None = None):
    """The pending request that proposed this pending organization or group, if any.

    Such an organization or group is decided with its request (approving the request approves
    it), by whoever decides the request: never on its own behind the approver's back.
    """
    if organization is not None:
        requests = organization.access_requests.filter(role=Role.SECURITY_OFFICIAL)
    else:
        requests = group.access_requests.filter(group_action__startswith="create_")
    return requests.filter(status=PENDING_REQUEST).order_by("submitted_at").first()


def active_officials(*, organization: Organization, role: str) -> QuerySet:
    """The active holders of an organization-wide role (SO or BSO), with their accounts."""
    return (
        RoleAssignment.objects.filter(
            organization=organization,
            group__isnull=True,
            role=role,
            status=RoleAssignment.Status.ACTIVE,
        )
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "pk")
    )
