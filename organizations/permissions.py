"""Who may remove whose role? The one place that answers it (docs/approval-matrix.md).

=============================  ===============================================================
remover (an active role)       removes these active roles of other people
=============================  ===============================================================
Security Official              Security Official (but never the last one), Backup Security
                               Official, User Group Administrator and End User in the same
                               organization, including roles held in its user groups
Backup Security Official       User Group Administrator and End User in the same organization,
                               including roles held in its user groups
User Group Administrator       End User in the user groups they administer
=============================  ===============================================================

Nobody removes a role above or equal to their own, except one Security Official another.
Nobody removes a role of their own here: one click could lock them out of their organization.
Only an active user's active assignments give the right to remove. Removing the last active
Security Official of an organization is refused by ``services.role_revoke`` under a lock; a
remover who is an SO is always another active SO of the organization, so the page never offers
it, but two SOs removing each other at once could reach it.
"""

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from .models import RoleAssignment, UserGroup
from .roles import Role
from .selectors import role_scopes_held


@dataclass(frozen=True)
class RemovalRule:
    """A holder of the role removes ``removable_roles`` in their ``scope``."""

    scope: str  # "organization" (its user groups included) or "group"
    removable_roles: frozenset[str]


REMOVAL_RULES: dict[str, RemovalRule] = {
    Role.SECURITY_OFFICIAL: RemovalRule(
        "organization",
        frozenset(
            {
                Role.SECURITY_OFFICIAL,
                Role.BACKUP_SECURITY_OFFICIAL,
                Role.USER_GROUP_ADMINISTRATOR,
                Role.END_USER,
            }
        ),
    ),
    Role.BACKUP_SECURITY_OFFICIAL: RemovalRule(
        "organization", frozenset({Role.USER_GROUP_ADMINISTRATOR, Role.END_USER})
    ),
    Role.USER_GROUP_ADMINISTRATOR: RemovalRule("group", frozenset({Role.END_USER})),
}


def removable_assignments(*, user) -> QuerySet:
    """The active role assignments of other people this user may remove: Manage Roles.

    The user's roles, and the groups of their organizations, are read first and written into
    the query as plain ids: with subqueries and a join there, PostgreSQL scanned every role
    assignment in the country (half a second at 300,000; ADR 18).
    """
    if not (user.is_authenticated and user.is_active):
        return RoleAssignment.objects.none()
    held = role_scopes_held(user=user)
    organizations_by_role = {
        role: {org for held_role, org, _ in held if held_role == role and org is not None}
        for role, rule in REMOVAL_RULES.items()
        if rule.scope == "organization"
    }
    every_organization = set().union(*organizations_by_role.values())
    groups_of = {}  # organization id -> its user groups' ids
    if every_organization:
        for organization, group in UserGroup.objects.filter(
            organization__in=every_organization
        ).values_list("organization_id", "pk"):
            groups_of.setdefault(organization, []).append(group)
    removable = Q(pk__in=[])
    for role, rule in REMOVAL_RULES.items():
        if rule.scope == "organization":
            organizations = sorted(organizations_by_role[role])
            groups = sorted(g for org in organizations for g in groups_of.get(org, []))
            where = Q(organization__in=organizations) | Q(group__in=groups)
        else:
            where = Q(group__in=sorted({g for r, _, g in held if r == role and g is not None}))
        removable |= Q(role__in=rule.removable_roles) & where
    return (
        RoleAssignment.objects.filter(removable, status=RoleAssignment.Status.ACTIVE)
        .exclude(user=user)
        .select_related("user", "organization", "group", "group__organization")
        .order_by("organization__legal_name", "group__name", "user__last_name", "user__first_name")
    )


def can_remove(*, user, assignment: RoleAssignment) -> bool:
    return removable_assignments(user=user).filter(pk=assignment.pk).exists()


def can_manage_roles(*, user) -> bool:
    """Whether the user may remove anything (shows Manage Roles on My Profile)."""
    return removable_assignments(user=user).exists()


TWO_FACTOR_ROLES = frozenset(
    {Role.SECURITY_OFFICIAL, Role.BACKUP_SECURITY_OFFICIAL, Role.USER_GROUP_ADMINISTRATOR}
)


def requires_two_factor(user) -> bool:
    """SPEC 9: SOs, BSOs and UGAs sign in with two factors (settings.TWO_FACTOR_REQUIRED_CHECK)."""
    return RoleAssignment.objects.filter(
        user=user, status=RoleAssignment.Status.ACTIVE, role__in=TWO_FACTOR_ROLES
    ).exists()
