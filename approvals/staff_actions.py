"""The help desk's actions on a request (iacs_portal.admin_actions): decide, resend an email.

A decision goes through the approval services the web queue uses, under the same routing
rules: a CMS approver decides Security Official and Individual Practitioner requests only, and
nobody decides a request of their own. The admin only asks and reports.
"""

from django import forms

from iacs_portal.admin_actions import ReasonForm, StaffAction, refusing

from . import routing
from .forms import DecisionForm
from .helpdesk import (
    ResendError,
    access_request_resend_acknowledgement,
    access_request_resend_verification_code,
    verification_resend_refusal,
)
from .models import AccessRequest
from .services import DecisionError, access_request_approve, access_request_deny

DECIDE = "approvals.decide_staff_requests"
RESEND = "approvals.resend_request_email"


class ApproveForm(ReasonForm):
    reason = forms.CharField(
        label="Reason",
        help_text="Why you approve it, in a sentence: for example the documents you checked. "
        "It is kept in the request's history; the applicant does not see it.",
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        error_messages={"required": "Enter the reason for this action."},
    )


class DenyForm(DecisionForm):
    """The web queue's denial fields and rules (a reason from the list and an explanation)."""

    decision = None  # the action is the decision

    def clean(self):
        self.cleaned_data["decision"] = "deny"
        return super().clean()


def decision_refusal(request, access_request: AccessRequest) -> str:
    """Why this staff member may not decide the request now ("" if they may): routing says."""
    if access_request.status != AccessRequest.Status.SUBMITTED:
        return (
            f"Request {access_request} is {access_request.get_status_display().lower()}, not "
            "pending approval: no decision can be recorded."
        )
    if routing.can_decide(user=request.user, access_request=access_request):
        return ""
    if routing.RULES[access_request.role].scope != "staff":
        return (
            f"A {access_request.get_role_display()} request is decided by "
            f"{routing.approver_description(access_request=access_request)}, not by CMS: "
            "see “Who decides this request”."
        )
    return "You cannot decide this request: it is your own."


@refusing(DecisionError)
def _approve(request, access_request: AccessRequest, data: dict) -> str:
    access_request_approve(
        access_request_id=access_request.pk, approver=request.user, note=data["reason"]
    )
    outcome = (
        "receives a User ID and a temporary password by email"
        if access_request.is_registration
        else "is told by email that the role was added to their account"
    )
    return f"Request {access_request} was approved. {access_request.applicant_name} {outcome}."


@refusing(DecisionError)
def _deny(request, access_request: AccessRequest, data: dict) -> str:
    access_request_deny(
        access_request_id=access_request.pk,
        approver=request.user,
        reason=data["reason"],
        note=data["note"].strip(),
    )
    return f"Request {access_request} was denied. The applicant receives the reason by email."


@refusing(ResendError)
def _resend_acknowledgement(request, access_request: AccessRequest, data: dict) -> str:
    access_request_resend_acknowledgement(
        access_request=access_request, by=request.user, reason=data["reason"]
    )
    return (
        f"The acknowledgement of request {access_request}, with its tracking number, was sent "
        f"again to {access_request.email}."
    )


@refusing(ResendError)
def _resend_verification_code(request, access_request: AccessRequest, data: dict) -> str:
    access_request_resend_verification_code(
        access_request=access_request, by=request.user, reason=data["reason"]
    )
    return (
        f"A new code was sent to {access_request.email_verification.email}; the old one no "
        "longer works. The applicant enters it on the page they have open."
    )


REQUEST_ACTIONS = (
    StaffAction(
        name="approve",
        label="Approve",
        permission=DECIDE,
        perform=_approve,
        explanation="Approving grants the role asked for, through the same service as the web "
        "queue: a new registrant's account is created and their User ID and temporary password "
        "are emailed separately; a Security Official's organization is approved with it.",
        not_now=decision_refusal,
        form_class=ApproveForm,
    ),
    StaffAction(
        name="deny",
        label="Deny",
        permission=DECIDE,
        perform=_deny,
        explanation="Denying ends the request: the applicant receives the reason and your "
        "explanation by email, and an organization or user group it proposed is not approved.",
        not_now=decision_refusal,
        form_class=DenyForm,
    ),
    StaffAction(
        name="resend-acknowledgement",
        label="Resend acknowledgement",
        permission=RESEND,
        perform=_resend_acknowledgement,
        explanation="Sends the “request received” email, with the tracking number, again to "
        "the email address the applicant gave in the request.",
        not_now=lambda request, obj: (
            ""
            if obj.status == AccessRequest.Status.SUBMITTED
            else "Only a request waiting for a decision has an acknowledgement to resend."
        ),
    ),
    StaffAction(
        name="resend-verification-code",
        label="Resend verification code",
        permission=RESEND,
        perform=_resend_verification_code,
        explanation="For a registration waiting at “Verify your email”: a new code is emailed "
        "to the address the applicant entered, and the old code stops working. The applicant "
        "types it into the page they have open. If the address is wrong, they go back and "
        "correct it instead.",
        not_now=lambda request, obj: verification_resend_refusal(obj),
    ),
)
