"""Writes on organizations, user groups and roles."""

from django.db import transaction
from django.utils import timezone

from iacs_portal.audit.services import audit_record

from .emails import assignment_email_enqueue, organization_status_email_enqueue
from .models import Organization, RoleAssignment, UserGroup
from .roles import Role


class RoleRemovalError(Exception):
    """A role cannot be removed; the message is safe to show the person who tried."""


def role_assign(
    *,
    user,
    role: str,
    organization: Organization | None,
    granted_by,
    group: UserGroup | None = None,
    new_account: bool = False,
) -> RoleAssignment:
    """Grant a role; granting one the person already holds there changes nothing.

    ``new_account``: the account was made in this transaction and holds no role yet, so the
    role is made without looking for it first.
    """
    if group is not None:
        organization = group.organization
    fields = {
        "user": user,
        "role": role,
        "organization": organization,
        "group": group,
        "status": RoleAssignment.Status.ACTIVE,
    }
    if new_account:
        assignment = RoleAssignment.objects.create(**fields, granted_by=granted_by)
        created = True
    else:
        assignment, created = RoleAssignment.objects.get_or_create(
            **fields, defaults={"granted_by": granted_by}
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


class StatusChangeError(Exception):
    """An organization or group is not in the status a change needs; the message says so."""


# verb: (status before, status after); organizations and user groups use the same words
_STATUS_CHANGES = {
    "approved": ("pending", "approved"),
    "denied": ("pending", "denied"),
    "suspended": ("approved", "suspended"),  # organizations only
    "reinstated": ("suspended", "approved"),  # organizations only
}


def _status_change(obj, verb: str, *, by, reason: str):
    """Change the status of ``obj`` (an Organization or a UserGroup) as ``verb`` says, audited.

    The row is locked and its status read again, so two staff members (or a staff member and
    an approver deciding the request that proposed it) never both change it.
    """
    model = type(obj)
    source, target = _STATUS_CHANGES[verb]
    with transaction.atomic():
        locked = model.objects.select_for_update().get(pk=obj.pk)
        if locked.status != source:
            raise StatusChangeError(
                f"{locked} is {locked.get_status_display().lower()}, not "
                f"{model.Status(source).label.lower()}: it cannot be {verb}."
            )
        locked.status = target
        fields = ["status"]
        if verb == "approved":
            locked.approved_at = timezone.now()
            fields.append("approved_at")
        locked.save(update_fields=fields)
        audit_record(
            action=f"{model._meta.model_name}.{verb}",
            target=locked,
            actor=by,
            from_state=source,
            to_state=target,
            reason=reason,
        )
    obj.status, obj.approved_at = locked.status, locked.approved_at
    return locked


def organization_approve(*, organization: Organization, by=None, reason: str = "") -> Organization:
    """Pending -> approved: by CMS, with its Security Official's request or at the help desk."""
    return _status_change(organization, "approved", by=by, reason=reason)


def organization_reject(*, organization: Organization, by=None, reason: str = "") -> Organization:
    """Pending -> not approved: its EIN/TIN is free to be registered again."""
    return _status_change(organization, "denied", by=by, reason=reason)


def organization_suspend(*, organization: Organization, by, reason: str) -> Organization:
    """Approved -> suspended: not offered to new requests, and no role is granted in it.

    Its people keep their roles and accounts, and its pending requests stay pending (they can
    be denied, not approved), so reinstating it restores everything as it was. Its Security
    Officials and Backup Security Officials are told by email.
    """
    with transaction.atomic():  # the email is queued with the change, or not at all
        suspended = _status_change(organization, "suspended", by=by, reason=reason)
        organization_status_email_enqueue(organization=suspended)
    return suspended


def organization_reinstate(*, organization: Organization, by, reason: str) -> Organization:
    """Suspended -> approved; its officials are told by email."""
    with transaction.atomic():
        reinstated = _status_change(organization, "reinstated", by=by, reason=reason)
        organization_status_email_enqueue(organization=reinstated)
    return reinstated


def group_create_pending(*, organization: Organization, kind: str, details: dict) -> UserGroup:
    """A user group a UGA asks to create: pending until the organization's SO or BSO approves."""
    return UserGroup.objects.create(
        organization=organization, kind=kind, status=UserGroup.Status.PENDING, **details
    )


def group_approve(*, group: UserGroup, by=None, reason: str = "") -> UserGroup:
    return _status_change(group, "approved", by=by, reason=reason)


def group_reject(*, group: UserGroup, by=None, reason: str = "") -> UserGroup:
    return _status_change(group, "denied", by=by, reason=reason)


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
        assignment_email_enqueue(event="role_removed", assignment=locked)
    return locked


class ReseatError(Exception):
    """The Security Official cannot be handed over as asked; the message says why."""


def _check_reseat(*, organization, new_user, replaces, security_officials) -> None:
    if organization.status not in (Organization.Status.APPROVED, Organization.Status.SUSPENDED):
        raise ReseatError(
            f"{organization} is {organization.get_status_display().lower()}: only an approved "
            "or suspended organization has a Security Official. A pending organization gets "
            "its first one by the approval of its Security Official's request."
        )
    if not new_user.is_active:
        raise ReseatError(
            f"The account {new_user.username} is disabled: enable it first, or choose another "
            "person."
        )
    if new_user.is_staff:
        raise ReseatError(
            f"{new_user.username} is a help desk staff account: a Security Official must use "
            "their own portal account."
        )
    if replaces is not None and replaces.user_id == new_user.pk:
        raise ReseatError(
            f"{new_user.full_name} ({new_user.username}) is the Security Official being "
            "replaced: choose the person who takes over."
        )
    if any(so.user_id == new_user.pk for so in security_officials):
        raise ReseatError(
            f"{new_user.full_name} ({new_user.username}) is already a Security Official of "
            f"{organization}."
        )
    if replaces is None and security_officials:
        raise ReseatError("Choose the Security Official whose role is handed over.")
    if replaces is not None and replaces.pk not in {so.pk for so in security_officials}:
        raise ReseatError(
            f"{replaces.user.full_name} is no longer a Security Official of {organization}: "
            "someone changed the organization's officials meanwhile. Reload the page."
        )


def security_official_reseat(
    *, organization: Organization, new_user, replaces: RoleAssignment | None, by, reason: str
) -> RoleAssignment:
    """Hand the organization's Security Official role from ``replaces`` to ``new_user``.

    In one transaction, under the lock of the organization's Security Official roles (the one
    ``role_revoke`` takes): the new Security Official is seated first, then the old one's role
    is removed, so the organization is never without one, even if the old one's account is
    disabled. ``replaces`` is None only for an organization that has no Security Official
    left. Both people are told by email; the old one is told the reason.
    """
    with transaction.atomic():
        security_officials = _lock_active_security_officials(organization_id=organization.pk)
        organization = Organization.objects.get(pk=organization.pk)
        if replaces is not None:
            replaces = RoleAssignment.objects.select_related("user").get(pk=replaces.pk)
        _check_reseat(
            organization=organization,
            new_user=new_user,
            replaces=replaces,
            security_officials=security_officials,
        )
        seated = role_assign(
            user=new_user, role=Role.SECURITY_OFFICIAL, organization=organization, granted_by=by
        )
        handed_over = f"{new_user.full_name} ({new_user.username})"
        if replaces is not None:
            role_revoke(
                assignment=replaces,
                by=by,
                reason=f"The help desk handed the role over to {handed_over}. {reason}",
            )
        audit_record(
            action="organization.security_official_reseated",
            target=organization,
            actor=by,
            reason=(
                f"{handed_over} replaces "
                f"{replaces.user.username if replaces is not None else 'nobody'}: {reason}"
            ),
        )
        assignment_email_enqueue(event="security_official_seated", assignment=seated)
    return seated
