"""The public request status lookup: tracking number plus email, no sign-in (SPEC 6).

It says only what the applicant already knows or is owed: the status, the role asked for, the
dates, and who acts next in general terms. A wrong email and an unknown number get the same
answer, and each client address has a limited number of attempts, so the page cannot be used
to find out which tracking numbers exist or whose they are.
"""

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.views.generic import FormView

from iacs_portal.audit.middleware import client_address_of
from iacs_portal.ratelimit import RateLimitDecision, rate_limit_hit

from . import routing
from .forms import StatusLookupForm
from .models import AccessRequest
from .selectors import access_request_status_lookup

NO_MATCH = "No request matches that tracking number and email address."

_DONE = {
    AccessRequest.Status.APPROVED: "Nobody needs to act. The decision was sent to you by email.",
    AccessRequest.Status.DENIED: "Nobody needs to act. The decision and its reason were sent "
    "to you by email. You may submit a new request.",
    AccessRequest.Status.CANCELLED: "Nobody needs to act: you cancelled this request. You may "
    "submit a new request.",
    AccessRequest.Status.EXPIRED: "Nobody needs to act: nobody decided this request in time, "
    "so it expired. You may submit a new request.",
}


@dataclass(frozen=True)
class RequestStatus:
    tracking_number: str
    status: str
    role: str
    kind: str
    submitted_at: datetime | None
    decided_at: datetime | None
    next_step: str


def request_status(access_request: AccessRequest) -> RequestStatus:
    if access_request.status == AccessRequest.Status.SUBMITTED:
        approver = routing.approver_description(access_request=access_request)
        next_step = f"Waiting for a decision by {approver}."
    else:
        next_step = _DONE.get(access_request.status, "Nobody needs to act.")
    return RequestStatus(
        tracking_number=access_request.tracking_number,
        status=access_request.get_status_display(),
        role=access_request.get_role_display(),
        kind=access_request.get_kind_display(),
        submitted_at=access_request.submitted_at,
        decided_at=access_request.decided_at,
        next_step=next_step,
    )


def status_lookup_attempt(*, client: str) -> RateLimitDecision:
    """Count one attempt by this client: STATUS_LOOKUP_RATE per STATUS_LOOKUP_WINDOW."""
    return rate_limit_hit(
        action="status_lookup",
        client=client,
        rate=settings.STATUS_LOOKUP_RATE,
        window=settings.STATUS_LOOKUP_WINDOW,
    )


class StatusLookupView(FormView):
    template_name = "approvals/status.html"
    form_class = StatusLookupForm

    def post(self, request, *args, **kwargs):
        decision = status_lookup_attempt(client=client_address_of(request) or "unknown")
        if not decision.allowed:
            response = self.render_to_response(
                self.get_context_data(
                    form=self.get_form_class()(),
                    rate_limited=True,
                    retry_after_minutes=decision.retry_after_minutes,
                ),
                status=429,
            )
            response["Retry-After"] = str(decision.retry_after)
            return response
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        access_request = access_request_status_lookup(
            tracking_number=form.cleaned_data["tracking_number"],
            email=form.cleaned_data["email"],
        )
        if access_request is None:
            form.add_error(None, NO_MATCH)
            return self.form_invalid(form)
        return self.render_to_response(
            self.get_context_data(
                form=self.get_form_class()(), result=request_status(access_request)
            )
        )
