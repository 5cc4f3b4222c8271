"""Writes on organizations, user groups and roles."""

from django.utils import timezone

from .models import Organization, RoleAssignment, UserGroup


def role_assign(
    *,
    user,
    role: str,
    organization: Organization | None,
    granted_by,
    group: UserGroup | None = None,
) -> RoleAssignment:
    """Grant a role; granting one the person already holds there changes nothing."""
    if group is not None:
        organization = group.organization
    assignment, _ = RoleAssignment.objects.get_or_create(
        user=user,
        role=role,
        organization=organization,
        group=group,
        status=RoleAssignment.Status.ACTIVE,
        defaults={"granted_by": granted_by},
    )
    return assignment


def organization_create_pending(*, community, details: dict) -> Organization:
    """An organization a Security Official registers: pending until CMS approves it."""
    return Organization.objects.create(
        community=community, status=Organization.Status.PENDING, **details
    )


def organization_approve(*, organization: Organization) -> None:
    organization.status = Organization.Status.APPROVED
    organization.approved_at = timezone.now()
    organization.save(update_fields=["status", "approved_at"])


def organization_reject(*, organization: Organization) -> None:
    organization.status = Organization.Status.DENIED
    organization.save(update_fields=["status"])


def group_create_pending(*, organization: Organization, kind: str, details: dict) -> UserGroup:
    """A user group a UGA asks to create: pending until the organization's SO or BSO approves."""
    return UserGroup.objects.create(
        organization=organization, kind=kind, status=UserGroup.Status.PENDING, **details
    )


def group_approve(*, group: UserGroup) -> None:
    group.status = UserGroup.Status.APPROVED
    group.approved_at = timezone.now()
    group.save(update_fields=["status", "approved_at"])


def group_reject(*, group: UserGroup) -> None:
    group.status = UserGroup.Status.DENIED
    group.save(update_fields=["status"])
