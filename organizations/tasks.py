"""Mail tasks of organizations. Arguments are ids only."""

from celery import shared_task

from accounts.mail import send_templated_email

from .models import Organization, RoleAssignment
from .roles import Role


@shared_task
def send_role_removed(assignment_id: int) -> None:
    """Tell a person that an official of their organization or group removed one of their roles."""
    assignment = RoleAssignment.objects.select_related(
        "user", "revoked_by", "organization", "group", "group__organization"
    ).get(pk=assignment_id)
    if not assignment.user.email:
        return
    send_templated_email(
        event="role_removed",
        to=[assignment.user.email],
        context={"assignment": assignment, "user": assignment.user},
    )


@shared_task
def send_security_official_seated(assignment_id: int) -> None:
    """Tell a person that the help desk handed them their organization's Security Official role."""
    assignment = RoleAssignment.objects.select_related("user", "organization").get(pk=assignment_id)
    if not assignment.user.email:
        return
    send_templated_email(
        event="security_official_seated",
        to=[assignment.user.email],
        context={"assignment": assignment, "user": assignment.user},
    )


@shared_task
def send_organization_status_changed(organization_id: int) -> None:
    """Tell an organization's officials that CMS suspended or reinstated it (its status now)."""
    organization = Organization.objects.get(pk=organization_id)
    recipients = sorted(
        set(
            RoleAssignment.objects.filter(
                organization=organization,
                group__isnull=True,
                role__in=[Role.SECURITY_OFFICIAL, Role.BACKUP_SECURITY_OFFICIAL],
                status=RoleAssignment.Status.ACTIVE,
                user__is_active=True,
            )
            .exclude(user__email="")
            .values_list("user__email", flat=True)
        )
    )
    if recipients:
        send_templated_email(
            event="organization_status_changed",
            to=recipients,
            context={"organization": organization},
        )
