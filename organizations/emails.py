"""The emails about organizations and roles: how each is built from its outbox row
(iacs_portal.outbox, ADR 14). Services queue them in their transaction."""

from iacs_portal.outbox.models import OutgoingEmail
from iacs_portal.outbox.registry import Built, EmailCancelled, email_builder
from iacs_portal.outbox.services import email_enqueue

from .models import Organization, RoleAssignment
from .roles import Role


def officials_emails(organization: Organization) -> list[str]:
    """The addresses of the organization's active Security and Backup Security Officials."""
    return sorted(
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


def organization_status_email_enqueue(*, organization: Organization) -> OutgoingEmail | None:
    """Tell its officials that CMS suspended or reinstated the organization (its status then)."""
    recipients = officials_emails(organization)
    if not recipients:
        return None
    return email_enqueue(
        event="organization_status_changed",
        to=recipients,
        params={"organization_id": organization.pk},
    )


def assignment_email_enqueue(*, event: str, assignment: RoleAssignment) -> OutgoingEmail | None:
    """An email to the holder of ``assignment`` (a role removed, a Security Official seated)."""
    if not assignment.user.email:
        return None
    return email_enqueue(
        event=event, to=[assignment.user.email], params={"assignment_id": assignment.pk}
    )


@email_builder("role_removed", "security_official_seated")
def to_role_holder(params: dict) -> Built:
    """An official removed one of the person's roles, or the help desk handed them their
    organization's Security Official role."""
    assignment = RoleAssignment.objects.select_related(
        "user", "revoked_by", "organization", "group", "group__organization"
    ).get(pk=params["assignment_id"])
    if not assignment.user.email:
        raise EmailCancelled("Not sent: the account has no email address.")
    return Built([assignment.user.email], {"assignment": assignment, "user": assignment.user})


@email_builder("organization_status_changed")
def organization_status_changed(params: dict) -> Built:
    organization = Organization.objects.get(pk=params["organization_id"])
    recipients = officials_emails(organization)
    if not recipients:
        raise EmailCancelled("Not sent: the organization has no active officials to tell.")
    return Built(recipients, {"organization": organization})
