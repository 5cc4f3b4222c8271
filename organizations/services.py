"""Writes on organizations, user groups and roles."""

from django.db import transaction
from django.utils import timezone

from iacs_portal.audit.services import audit_record

from .models import Organization, RoleAssignment, UserGroup
from .roles import Role
from .tasks import send_role_removed


class RoleRemovalError(Exception):
    """A role cannot be removed; the message is safe to show the person who tried."""


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
    assignment, created = RoleAssignment.objects.get_or_create(
        user=user,
        role=role,
        organization=organization,
        group=group,
        status=RoleAssignment.Status.ACTIVE,
        defaults={"granted_by": granted_by},
    )
    if created:
        audit_record(
            action="role.granted",
            target=assignment,
            actor=granted_by,
            to_state=RoleAssignment.Status.ACTIVE,
            reason=f"{assignment} granted to {user.username}",
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


def _lock_active_security_officials(*, organization_id: int) -> list[RoleAssignment]:
    """Lock the organization's active SO assignments, always in the same order.

    Two SOs removing each other at once both wait here for the same rows in the same order, so
    the second sees the first's removal (PostgreSQL re-reads a locked row once it is free)
    instead of deadlocking or counting a stale SO.
    """
    return list(
        RoleAssignment.objects.select_for_update(of=("self",))
        .filter(
            role=Role.SECURITY_OFFICIAL,
            organization=organization_id,
            status=RoleAssignment.Status.ACTIVE,
        )
        .select_related("user")
        .order_by("pk")
    )


def role_revoke(*, assignment: RoleAssignment, by, reason: str) -> RoleAssignment:
    """Remove a role: the person is told by email. Who may remove it is ``permissions``' call.

    Refuses a role already removed, and the last active Security Official of an organization
    (an organization without one has nobody to approve its BSOs and UGAs).
    """
    with transaction.atomic():
        role, organization_id = (
            RoleAssignment.objects.filter(pk=assignment.pk)
            .values_list("role", "organization")
            .get()
        )
        if role == Role.SECURITY_OFFICIAL and organization_id:
            security_officials = _lock_active_security_officials(organization_id=organization_id)
        locked = RoleAssignment.objects.select_for_update(of=("self",)).get(pk=assignment.pk)
        if locked.status != RoleAssignment.Status.ACTIVE:
            raise RoleRemovalError("This role has already been removed.")
        if role == Role.SECURITY_OFFICIAL and organization_id:
            others = [so for so in security_officials if so.pk != locked.pk and so.user.is_active]
            if not others:
                raise RoleRemovalError(
                    f"{locked.user.full_name} is the last active Security Official of "
                    f"{locked.organization}, and an organization must always have one. "
                    "The help desk can help hand the role over."
                )
        locked.status = RoleAssignment.Status.REVOKED
        locked.revoked_at = timezone.now()
        locked.revoked_by = by
        locked.revocation_reason = reason.strip()
        locked.save(update_fields=["status", "revoked_at", "revoked_by", "revocation_reason"])
        audit_record(
            action="role.revoked",
            target=locked,
            actor=by,
            from_state=RoleAssignment.Status.ACTIVE,
            to_state=RoleAssignment.Status.REVOKED,
            reason=f"{locked}: {reason}",
        )
        transaction.on_commit(lambda: send_role_removed.delay(locked.pk))
    return locked
