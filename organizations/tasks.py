"""Mail tasks of organizations. Arguments are ids only."""

from celery import shared_task

from accounts.mail import send_templated_email

from .models import RoleAssignment


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
