"""Writes on organizations and roles."""

from .models import Organization, RoleAssignment


def role_assign(
    *, user, role: str, organization: Organization | None, granted_by
) -> RoleAssignment:
    assignment, _ = RoleAssignment.objects.get_or_create(
        user=user,
        role=role,
        organization=organization,
        status=RoleAssignment.Status.ACTIVE,
        defaults={"granted_by": granted_by},
    )
    return assignment
