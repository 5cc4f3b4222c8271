"""The end of the wizard: review and submit, cancel, and the acknowledgement (SPEC 4.12-13)."""

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.db.models import Exists, F, OuterRef
from django.shortcuts import redirect
from django.views.generic import TemplateView

from iacs_portal.compiled_reads import CompiledRead
from iacs_portal.transactions import AtomicUnlessSafe
from organizations.models import Organization

from ..models import AccessRequest
from ..routing import approver_description
from ..submitting import SubmissionError, access_request_submit
from ..summaries import request_sections
from .drafts import DRAFT_SESSION_KEY, SUBMITTED_SESSION_KEY, draft_discard, draft_for, draft_touch
from .engine import StepView, step_url, wizard_title
from .steps import Step
from .views import HELP_DESK_FOR_USER_ID

# What submitting reads of the draft: the wizard's position, what the checks and the submit
# use, the applicant's address for the acknowledgement. Not the encrypted SSN and date of
# birth, the name and the contact details: loading all 45 columns cost about 0.5 ms more a
# submit. A field read that is not here costs a statement
# (tests/performance_queries/test_registration_submit.py counts them).
SUBMIT_READS = (
    *("kind", "role", "status", "completed_steps", "last_activity_at", "applicant_id"),
    *("community_id", "organization_id", "group_id", "group_action", "details"),
    *("ssn_digest", "email", "tracking_number", "submitted_at"),
)

# The draft as submitting reads it, locked (a second submit of the same draft, a double click,
# waits here until the first is done, then finds it submitted), with the two facts the checks
# need: the organization's status (is it still approved?) and whether the person has an account
# already. One statement, compiled once per process (iacs_portal.compiled_reads), where the
# ORM compiled the join and the lock on every submit and asked for the account in a statement
# of its own.
_draft_to_submit = CompiledRead(
    lambda draft_id: (
        AccessRequest.objects.filter(pk=draft_id)
        .only(*SUBMIT_READS)
        .annotate(
            organization_status=F("organization__status"),
            has_account=Exists(
                get_user_model()
                .objects.filter(ssn_digest=OuterRef("ssn_digest"))
                .exclude(ssn_digest="")
            ),
        )
        .select_for_update(of=("self",))
        .order_by()[:1]
    ),
    draft_id=-7_000_000_002,
)


class ReviewView(StepView):
    """Guide step 17: Review Registration Details, with Submit, Edit and Cancel."""

    step = Step.REVIEW
    template_name = "register/review.html"
    draft_related = ("community", "organization", "group")

    form_class = django_forms.Form

    def load_draft(self, request):
        if request.method == "POST":
            return draft_for(request, read=_draft_to_submit)
        return super().load_draft(request)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            sections=request_sections(self.draft, editable=True), **kwargs
        )

    @staticmethod
    def asks_again(draft: AccessRequest) -> bool:
        """A signed-in user's second request for the same role in the same place, still pending."""
        if draft.applicant_id is None or "group" in draft.details:
            return False  # a new group is a new place; its name is checked on its own
        return (
            AccessRequest.objects.filter(
                applicant=draft.applicant_id,
                role=draft.role,
                organization=draft.organization_id,
                group=draft.group_id,
                status=AccessRequest.Status.SUBMITTED,
            )
            .exclude(pk=draft.pk)
            .exists()
        )

    def send_back(self, step: Step, message: str):
        messages.error(self.request, message)
        self.draft.completed_steps = [s for s in self.draft.completed_steps if s != step]
        draft_touch(self.draft)
        return redirect(step_url(step))

    def form_valid(self, form):
        draft = self.draft  # locked (load_draft)
        if draft.status != AccessRequest.Status.DRAFT:
            return self.submitted_meanwhile()
        status = draft.organization_status  # None: no organization chosen (_draft_to_submit)
        if status is not None and status != Organization.Status.APPROVED:
            return self.send_back(
                Step.ORGANIZATION,
                "The organization you chose can no longer be selected. Choose again.",
            )
        if draft.is_registration and draft.has_account:
            messages.error(
                self.request,
                "An IACS account was created for you while you were registering. Sign in and "
                "request the role from My Profile. " + HELP_DESK_FOR_USER_ID,
            )
            draft_discard(self.request)
            return redirect("accounts:login")
        if self.asks_again(draft):
            messages.error(
                self.request,
                f"You already asked for the role {draft.summary}; that request is waiting for "
                "approval. My Profile lists your requests.",
            )
            return redirect(step_url(Step.REVIEW))
        try:
            access_request_submit(access_request=draft)
        except SubmissionError as error:
            return self.send_back(Step(error.step), str(error))
        self.request.session.pop(DRAFT_SESSION_KEY, None)
        self.request.session[SUBMITTED_SESSION_KEY] = draft.pk
        return redirect("registration:acknowledgement")

    def submitted_meanwhile(self):
        self.request.session.pop(DRAFT_SESSION_KEY, None)
        self.request.session[SUBMITTED_SESSION_KEY] = self.draft.pk
        return redirect("registration:acknowledgement")


class CancelView(TemplateView):
    """Cancel asks first; confirming deletes the draft and everything entered."""

    template_name = "register/cancel.html"

    def dispatch(self, request, *args, **kwargs):
        self.draft = draft_for(request)
        if self.draft is None:
            return redirect("registration:start")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            draft=self.draft, wizard_title=wizard_title(self.draft), **kwargs
        )

    def post(self, request, *args, **kwargs):
        registering = self.draft.is_registration
        draft_discard(request)
        messages.info(request, "Your request was cancelled and what you entered was deleted.")
        if not registering:
            return redirect("accounts:my_profile")
        return redirect("accounts:account_management")


# What the acknowledgement shows of the request (and the words for who decides it): not the
# encrypted SSN and date of birth nor the 40 other columns, which cost about 0.4 ms to load.
ACKNOWLEDGEMENT_READS = (
    *("kind", "status", "tracking_number", "email", "role", "organization_id", "group_id"),
    *("organization__legal_name", "group__name", "group__organization_id"),
)

# The submitted request with its organization and group, by id: compiled once per process
# (iacs_portal.compiled_reads), where compiling its join cost about 0.3 ms of every visit.
_submitted_request = CompiledRead(
    lambda request_id: (
        AccessRequest.objects.select_related("organization", "group")
        .only(*ACKNOWLEDGEMENT_READS)
        .filter(pk=request_id)
        .exclude(status=AccessRequest.Status.DRAFT)
        .order_by()[:1]  # one row by id: no ORDER BY to compile and run
    ),
    request_id=-7_000_000_003,
)


class AcknowledgementView(AtomicUnlessSafe, TemplateView):
    """Guide step 18: the tracking number, Print and OK."""

    template_name = "register/acknowledgement.html"

    def dispatch(self, request, *args, **kwargs):
        submitted_id = request.session.get(SUBMITTED_SESSION_KEY)
        found = _submitted_request(request_id=submitted_id) if submitted_id else ()
        self.access_request = next(iter(found), None)
        if self.access_request is None:
            return redirect("registration:start")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            access_request=self.access_request,
            approver_description=approver_description(access_request=self.access_request),
            wizard_title=wizard_title(self.access_request),
            **kwargs,
        )

    def post(self, request, *args, **kwargs):
        request.session.pop(SUBMITTED_SESSION_KEY, None)
        if not self.access_request.is_registration:
            return redirect("accounts:my_profile")
        return redirect("accounts:account_management")
