"""What My Profile shows of roles and requests (SPEC 5.4), and the links to ask for more."""

from accounts.panels import Panel
from organizations.selectors import surrogate_groups_administered

from .models import AccessRequest


def roles_and_requests_panel(request) -> Panel:
    user = request.user
    roles = user.role_assignments.select_related(
        "organization", "group", "group__organization"
    ).order_by("status", "-granted_at")
    requests = (
        AccessRequest.objects.filter(applicant=user)
        .exclude(status=AccessRequest.Status.DRAFT)
        .select_related("organization", "group", "group__organization")
        .order_by("-submitted_at")
    )
    return Panel(
        "approvals/profile_panel.html",
        {
            "roles": roles,
            "requests": requests,
            "serves_as_surrogate": surrogate_groups_administered(user=user).exists(),
        },
    )
