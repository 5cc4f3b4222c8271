"""Reads on organizations and roles."""

from django.db.models import QuerySet

from .models import Organization, RoleAssignment


def organization_search(*, name: str, country: str, state: str, community=None) -> QuerySet:
    """SPEC 4.10: all or part of the business name plus country and state; approved only."""
    matches = Organization.objects.filter(
        status=Organization.Status.APPROVED,
        country=country,
        state=state,
        legal_name__icontains=name.strip(),
    )
    if community is not None:
        matches = matches.filter(community=community)
    return matches.order_by("legal_name")


def organization_is_selectable(*, organization_id: int) -> bool:
    return Organization.objects.filter(
        pk=organization_id, status=Organization.Status.APPROVED
    ).exists()


def active_roles(*, user) -> QuerySet:
    return RoleAssignment.objects.filter(user=user, status=RoleAssignment.Status.ACTIVE)


def user_holds_role(*, user, role: str, organization: Organization | None) -> bool:
    return active_roles(user=user).filter(role=role, organization=organization).exists()
