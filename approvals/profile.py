"""What My Profile shows of roles and requests (SPEC 5.4), and the links to ask for more."""

from accounts.panels import Panel
from organizations.roles import Role
from organizations.selectors import role_scopes_held, surrogate_groups_administered

from .models import AccessRequest


def roles_and_requests_panel(request) -> Panel:
    user = request.user
    roles = user.role_assignments.select_related("organization", "group").order_by(
        "status", "-granted_at"
    )
    requests = (
        AccessRequest.objects.filter(applicant=user)
        .exclude(status=AccessRequest.Status.DRAFT)
        .select_related("organization", "group", "group__organization")
        .order_by("-submitted_at")
    )
    # Only a User Group Administrator can administer a surrogate group: nobody else is asked.
    administers_a_group = any(
        role == Role.USER_GROUP_ADMINISTRATOR for role, _, _ in role_scopes_held(user=user)
    )
    return Panel(
        "approvals/profile_panel.html",
        {
            "roles": roles,
            "requests": requests,
            "serves_as_surrogate": administers_a_group
            and surrogate_groups_administered(user=user).exists(),
        },
    )
