"""Who may decide a request? The one place that answers it (SPEC 1, 3 and 6).

Every queue, view, service and test asks here. The answer depends on the role asked for, the
same for a new registration, an added role and a surrogate association:

============================  ================================================================
role asked for                decided by
============================  ================================================================
Security Official             CMS approver: active staff with ``approvals.decide_staff_requests``
Individual Practitioner       CMS approver
Backup Security Official      an active Security Official of the request's organization; once
                              undecided for PENDING_REQUEST_ESCALATE_AFTER, its active BSOs too
User Group Administrator      an active Security Official or Backup Security Official of the
                              request's organization (a provider or surrogate group, new or
                              existing, and a surrogate association alike)
End User                      an active User Group Administrator of the request's user group
============================  ================================================================

Nobody decides a request of their own: not one they made signed in, and not one made under
their identity (the same SSN digest). docs/approval-matrix.md shows the same table.
"""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db import connection
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from organizations.models import RoleAssignment
from organizations.roles import Role
from organizations.selectors import role_scopes_held

from .models import AccessRequest

STAFF_PERMISSION = "approvals.decide_staff_requests"


@dataclass(frozen=True)
class Rule:
    """Who decides a role: CMS staff, or holders of ``approver_roles`` in the request's scope.

    Holders of ``escalation_roles`` there may decide it too once it has waited longer than
    PENDING_REQUEST_ESCALATE_AFTER (SPEC: when the SO has not acted, the BSOs see it).
    """

    scope: str  # "staff", "organization" or "group"
    approver_roles: frozenset[str] = frozenset()
    escalation_roles: frozenset[str] = frozenset()

    def roles_deciding(self, *, escalated: bool) -> frozenset[str]:
        return self.approver_roles | self.escalation_roles if escalated else self.approver_roles


RULES: dict[str, Rule] = {
    Role.SECURITY_OFFICIAL: Rule("staff"),
    Role.INDIVIDUAL_PRACTITIONER: Rule("staff"),
    Role.BACKUP_SECURITY_OFFICIAL: Rule(
        "organization",
        frozenset({Role.SECURITY_OFFICIAL}),
        escalation_roles=frozenset({Role.BACKUP_SECURITY_OFFICIAL}),
    ),
    Role.USER_GROUP_ADMINISTRATOR: Rule(
        "organization",
        frozenset({Role.SECURITY_OFFICIAL, Role.BACKUP_SECURITY_OFFICIAL}),
    ),
    Role.END_USER: Rule("group", frozenset({Role.USER_GROUP_ADMINISTRATOR})),
}
APPROVING_ROLES = frozenset().union(
    *(rule.approver_roles | rule.escalation_roles for rule in RULES.values())
)


APPROVER_DESCRIPTIONS = {
    Role.SECURITY_OFFICIAL: "a CMS approver at the help desk",
    Role.INDIVIDUAL_PRACTITIONER: "a CMS approver at the help desk",
    Role.BACKUP_SECURITY_OFFICIAL: "the Security Official of {organization}",
    Role.USER_GROUP_ADMINISTRATOR: "the Security Official or a Backup Security Official of "
    "{organization}",
    Role.END_USER: "the User Group Administrator of {group}",
}


def approver_description(*, access_request: AccessRequest) -> str:
    """Who decides this request, in words for the applicant."""
    organization = access_request.organization.legal_name if access_request.organization_id else ""
    group = access_request.group.name if access_request.group_id else ""
    return APPROVER_DESCRIPTIONS[access_request.role].format(organization=organization, group=group)


def _staff_approvers() -> QuerySet:
    app_label, codename = STAFF_PERMISSION.split(".")
    permission = Permission.objects.filter(content_type__app_label=app_label, codename=codename)
    return (
        get_user_model()
        .objects.filter(is_active=True, is_staff=True)
        .filter(
            Q(is_superuser=True)
            | Q(user_permissions__in=permission)
            | Q(groups__permissions__in=permission)
        )
    )


def _is_staff_approver(user) -> bool:
    return user.is_active and user.is_staff and user.has_perm(STAFF_PERMISSION)


def escalation_delay():
    return settings.PENDING_REQUEST_ESCALATE_AFTER


def escalation_cutoff():
    """Requests submitted before this moment have waited long enough to escalate."""
    return timezone.now() - escalation_delay()


def escalated_requests() -> Q:
    """Pending requests of a role that escalates (BSO) which have waited long enough to."""
    escalating = [role for role, rule in RULES.items() if rule.escalation_roles]
    return Q(
        status=AccessRequest.Status.SUBMITTED,
        role__in=escalating,
        submitted_at__lte=escalation_cutoff(),
    )


def is_escalated(access_request: AccessRequest) -> bool:
    submitted_at = access_request.submitted_at
    return submitted_at is not None and submitted_at <= escalation_cutoff()


def _assignments_deciding(access_request: AccessRequest) -> QuerySet:
    """The active role assignments that entitle their holders to decide this request."""
    rule = RULES[access_request.role]
    assignments = RoleAssignment.objects.filter(
        status=RoleAssignment.Status.ACTIVE,
        role__in=rule.roles_deciding(escalated=is_escalated(access_request)),
        user__is_active=True,
    )
    if rule.scope == "organization" and access_request.organization_id:
        return assignments.filter(organization=access_request.organization_id)
    if rule.scope == "group" and access_request.group_id:
        return assignments.filter(group=access_request.group_id)
    return assignments.none()


def _own_requests(user) -> Q:
    own = Q(applicant=user.pk)
    if user.ssn_digest:
        own |= Q(ssn_digest=user.ssn_digest)
    return own


def approvers(*, access_request: AccessRequest) -> QuerySet:
    """Every person who may decide this request (its applicant never among them)."""
    if RULES[access_request.role].scope == "staff":
        people = _staff_approvers()
    else:
        people = get_user_model().objects.filter(
            pk__in=_assignments_deciding(access_request).values("user")
        )
    if access_request.applicant_id:
        people = people.exclude(pk=access_request.applicant_id)
    if access_request.ssn_digest:
        people = people.exclude(ssn_digest=access_request.ssn_digest)
    return people.distinct()


def can_decide(*, user, access_request: AccessRequest) -> bool:
    if not (user.is_authenticated and user.is_active):
        return False
    if access_request.status != AccessRequest.Status.SUBMITTED:
        return False
    return approvers(access_request=access_request).filter(pk=user.pk).exists()


def decidable_requests(*, user) -> QuerySet:
    """The submitted requests this user may decide: their Pending Approvals queue.

    The user's roles are read first and their organizations and groups written into the query
    as plain ids: with subqueries there, PostgreSQL filtered every pending request in the
    country instead of using the (status, organization) and (status, group) indexes (ADR 18).
    """
    if not (user.is_authenticated and user.is_active):
        return AccessRequest.objects.none()
    held = role_scopes_held(user=user)

    def scopes(roles: frozenset[str], scope_field: str) -> list[int]:
        at = 1 if scope_field == "organization" else 2
        return sorted({row[at] for row in held if row[0] in roles and row[at] is not None})

    # Only the rules the user has a scope for: the others would match nothing.
    decidable = Q(pk__in=[])
    for role, rule in RULES.items():
        if rule.scope == "staff":
            if _is_staff_approver(user):
                decidable |= Q(role=role)
            continue
        scope_field = "organization" if rule.scope == "organization" else "group"
        if approved_in := scopes(rule.approver_roles, scope_field):
            decidable |= Q(role=role, **{f"{scope_field}__in": approved_in})
        if escalated_in := scopes(rule.escalation_roles, scope_field):
            decidable |= Q(
                role=role,
                submitted_at__lte=escalation_cutoff(),
                **{f"{scope_field}__in": escalated_in},
            )
    return (
        AccessRequest.objects.filter(decidable, status=AccessRequest.Status.SUBMITTED)
        .exclude(_own_requests(user))
        .select_related("organization", "group", "group__organization", "community")
        .order_by("submitted_at")
    )


def decidable_count(*, user) -> int:
    """How many requests the user may decide: the header's count, and the unfiltered queue's.

    Counted once per user object, as ``role_scopes_held`` reads the roles: the queue page needs
    the same number twice. A decision is a POST that redirects, so no page shows a stale count.
    """
    count = getattr(user, "_decidable_count_cache", None)
    if count is None:
        count = user._decidable_count_cache = decidable_requests(user=user).count()
    return count


def decidable_places(*, user) -> list[tuple[int | None, int | None, int]]:
    """(organization id, group id, how many) of the requests the user may decide.

    One pass over the queue gives the filters' places and the total, which ``decidable_count``
    then answers without counting again.
    """
    places = list(
        decidable_requests(user=user)
        .order_by()
        .values_list("organization_id", "group_id")
        .annotate(count=Count("pk"))
    )
    user._decidable_count_cache = sum(count for _organization, _group, count in places)
    return places


def is_approver(*, user) -> bool:
    """Whether the user holds anything that approves requests (shows Pending Approvals)."""
    if not (user.is_authenticated and user.is_active):
        return False
    return _is_staff_approver(user) or any(
        row[0] in APPROVING_ROLES for row in role_scopes_held(user=user)
    )


def approver_emails(*, access_request: AccessRequest) -> list[str]:
    """Who to tell that a request entered their queue: the addresses of ``approvers``, sorted.

    A request decided in its organization or group (every request but a Security Official's or
    an Individual Practitioner's) is answered by one statement written by hand, as the search
    is (ADR 18): the submit asks this on every request, and compiling the ORM's subquery and
    exclusions cost about three times the statement itself. tests/approvals/test_routing.py
    holds it equal to ``approvers`` for every kind of request and every exclusion.
    """
    rule = RULES[access_request.role]
    if rule.scope == "staff":
        return sorted(
            set(
                approvers(access_request=access_request)
                .exclude(email="")
                .values_list("email", flat=True)
            )
        )
    scope_id = getattr(access_request, f"{rule.scope}_id")
    if scope_id is None:
        return []
    roles = sorted(rule.roles_deciding(escalated=is_escalated(access_request)))
    excluded = {"id": access_request.applicant_id, "ssn_digest": access_request.ssn_digest}
    excluded = {column: value for column, value in excluded.items() if value}
    sql = _approver_emails_sql(rule.scope, roles=len(roles), excluded=tuple(excluded))
    params = [scope_id, *roles, RoleAssignment.Status.ACTIVE, True, "", *excluded.values()]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return sorted(email for (email,) in cursor.fetchall())


def _approver_emails_sql(scope: str, *, roles: int, excluded: tuple[str, ...]) -> str:
    """``approvers``' addresses for a request decided in its ``scope`` (organization or group).

    Parameters: the scope's id, the ``roles`` roles that decide it, the active status, True,
    the empty address, then the values the ``excluded`` user columns must not have (the
    applicant's id, their SSN digest). Only quoted names go in; every value is a parameter.
    """
    quote = connection.ops.quote_name
    assignments, users = RoleAssignment._meta, get_user_model()._meta
    r, u = quote("r"), quote("u")
    roles_in = ", ".join(["%s"] * roles)
    exclusions = "".join(f" AND {u}.{quote(column)} <> %s" for column in excluded)
    return (
        f"SELECT DISTINCT {u}.{quote('email')}"  # noqa: S608  # nosec B608
        f" FROM {quote(assignments.db_table)} {r}"
        f" JOIN {quote(users.db_table)} {u}"
        f" ON {u}.{quote('id')} = {r}.{quote(assignments.get_field('user').column)}"
        f" WHERE {r}.{quote(assignments.get_field(scope).column)} = %s"
        f" AND {r}.{quote('role')} IN ({roles_in}) AND {r}.{quote('status')} = %s"
        f" AND {u}.{quote('is_active')} = %s AND {u}.{quote('email')} <> %s{exclusions}"
    )
