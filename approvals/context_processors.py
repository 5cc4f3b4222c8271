from . import routing


def pending_approvals(request):
    """The Pending Approvals count for the header; None for people who approve nothing."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not routing.is_approver(user=user):
        return {"pending_approvals_count": None}
    return {"pending_approvals_count": routing.decidable_count(user=user)}
