"""Who may decide a request? The one place that answers it (SPEC 1 and 6).

Every queue, view and service asks here. A registration for a role is decided by an active
holder of one of ``APPROVER_ROLES[role]`` in the request's organization. Roles whose
registration path is not built yet are added with their issue.
"""

from django.db.models import QuerySet

from organizations.models import RoleAssignment
from organizations.roles import Role

from .models import AccessRequest

APPROVER_ROLES: dict[str, frozenset[str]] = {
    Role.BACKUP_SECURITY_OFFICIAL: frozenset({Role.SECURITY_OFFICIAL}),
}


def _is_own_request(*, user, access_request: AccessRequest) -> bool:
    if access_request.applicant_id is not None and access_request.applicant_id == user.pk:
        return True
    return bool(user.email) and user.email.casefold() == access_request.email.casefold()


def _organizations_user_approves_for(*, user, role: str) -> QuerySet:
    return RoleAssignment.objects.filter(
        user=user,
        status=RoleAssignment.Status.ACTIVE,
        role__in=APPROVER_ROLES.get(role, frozenset()),
        organization__isnull=False,
    ).values("organization")


def can_decide(*, user, access_request: AccessRequest) -> bool:
    if not (user.is_authenticated and user.is_active):
        return False
    if access_request.status != AccessRequest.Status.SUBMITTED:
        return False
    if _is_own_request(user=user, access_request=access_request):
        return False
    return (
        access_request.organization_id is not None
        and _organizations_user_approves_for(user=user, role=access_request.role)
        .filter(organization=access_request.organization_id)
        .exists()
    )


def decidable_requests(*, user) -> QuerySet:
    """The submitted requests this user may decide: their Pending Approvals queue."""
    if not (user.is_authenticated and user.is_active):
        return AccessRequest.objects.none()
    pending = AccessRequest.objects.none()
    for role in APPROVER_ROLES:
        pending = pending | AccessRequest.objects.filter(
            role=role, organization__in=_organizations_user_approves_for(user=user, role=role)
        )
    pending = pending.filter(status=AccessRequest.Status.SUBMITTED).exclude(applicant=user)
    if user.email:
        pending = pending.exclude(email__iexact=user.email)
    return pending.select_related("organization").order_by("submitted_at")


def is_approver(*, user) -> bool:
    """Whether the user holds any role that approves something (shows Pending Approvals)."""
    approving_roles = set().union(*APPROVER_ROLES.values())
    return RoleAssignment.objects.filter(
        user=user, status=RoleAssignment.Status.ACTIVE, role__in=approving_roles
    ).exists()


def approver_emails(*, access_request: AccessRequest) -> list[str]:
    """Who to tell that a request entered their queue."""
    return list(
        RoleAssignment.objects.filter(
            status=RoleAssignment.Status.ACTIVE,
            role__in=APPROVER_ROLES.get(access_request.role, frozenset()),
            organization=access_request.organization_id,
            user__is_active=True,
        )
        .exclude(user__email="")
        .values_list("user__email", flat=True)
        .distinct()
    )
