"""New User Registration (SPEC 4): one view per wizard step, all enforced on the server.

Every step loads the visitor's draft from the database, refuses to open before the steps it
needs are done, saves what was entered, and sends the visitor to the first step still to do
(which, when editing from the review page, is the review page again).
"""

from django import forms as django_forms
from django.conf import settings
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.views.generic import FormView, TemplateView

from accounts.verification import (
    CheckResult,
    attempts_left,
    email_verification_check,
    email_verification_resend,
    email_verification_start,
)
from organizations.models import Community, Organization
from organizations.roles import ROLE_DESCRIPTIONS, Role
from organizations.selectors import organization_search

from ..models import AccessRequest
from ..services import access_request_submit, ssn_digest
from ..summaries import request_sections, user_information
from . import forms
from . import steps as wizard
from .drafts import (
    DRAFT_SESSION_KEY,
    SUBMITTED_SESSION_KEY,
    draft_discard,
    draft_for,
    draft_start,
    draft_touch,
)
from .steps import Step

SEARCH_RESULT_LIMIT = 50


def step_url(step: Step) -> str:
    return reverse(f"registration:{step.value}")


class CommunityChoiceView(TemplateView):
    """Guide step 5: choose the CMS user community."""

    template_name = "register/community.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            communities=Community.objects.filter(is_active=True),
            has_draft=draft_for(self.request) is not None,
            nav_current="account_management",
            **kwargs,
        )


class TermsView(FormView):
    """Guide step 6: Terms and Conditions with the Privacy Act statement; starts the draft."""

    template_name = "register/terms.html"
    form_class = forms.AcceptTermsForm

    def dispatch(self, request, *args, **kwargs):
        self.community = get_object_or_404(Community, slug=kwargs["community"], is_active=True)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            community=self.community,
            wizard=wizard.progress(Step.TERMS, role="", completed=[]),
            **kwargs,
        )

    def form_valid(self, form):
        draft = draft_start(self.request, community=self.community)
        return redirect(
            step_url(wizard.first_incomplete(role=draft.role, completed=draft.completed_steps))
        )


class StepView(FormView):
    """The engine: every step after the terms is a subclass naming its ``step``."""

    step: Step

    def dispatch(self, request, *args, **kwargs):
        had_draft = DRAFT_SESSION_KEY in request.session
        self.draft = draft_for(request)
        if self.draft is None:
            if request.session.get(SUBMITTED_SESSION_KEY):
                return redirect("registration:acknowledgement")
            if had_draft:
                minutes = int(settings.REGISTRATION_DRAFT_TTL.total_seconds() // 60)
                messages.warning(
                    request,
                    f"Your registration expired after {minutes} minutes without activity, "
                    "and what you entered was deleted. Please start again.",
                )
            return redirect("registration:start")
        completed = self.draft.completed_steps
        if not wizard.is_reachable(self.step, role=self.draft.role, completed=completed):
            return redirect(self.next_url())
        return super().dispatch(request, *args, **kwargs)

    def next_url(self) -> str:
        return step_url(
            wizard.first_incomplete(role=self.draft.role, completed=self.draft.completed_steps)
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            draft=self.draft,
            wizard=wizard.progress(
                self.step, role=self.draft.role, completed=self.draft.completed_steps
            ),
            editing=self.draft_is_complete(),
            **kwargs,
        )

    def draft_is_complete(self) -> bool:
        steps = wizard.sequence(self.draft.role)
        return all(step in self.draft.completed_steps for step in steps if step != Step.REVIEW)

    def save(self, form) -> list[str]:
        """Apply the form to the draft; return the names of the draft fields changed."""
        return []

    def form_valid(self, form):
        changed = self.save(form)
        draft_touch(self.draft, completed=self.step, fields=changed)
        return redirect(self.next_url())


class RoleView(StepView):
    """Guide step 7: choose the role."""

    step = Step.ROLE
    template_name = "register/role.html"
    form_class = forms.RoleForm

    def get_form_kwargs(self):
        return {"community": self.draft.community, **super().get_form_kwargs()}

    def get_initial(self):
        return {"role": self.draft.role}

    def save(self, form):
        role = form.cleaned_data["role"]
        if role != self.draft.role:
            # Another role means other steps: everything after this one starts again.
            self.draft.completed_steps = [Step.TERMS.value]
            self.draft.role = role
            self.draft.role_terms_accepted_at = None
        return ["role", "role_terms_accepted_at"]


class RoleTermsView(StepView):
    """Guide step 8: the role's own Terms and Conditions."""

    step = Step.ROLE_TERMS
    template_name = "register/role_terms.html"
    form_class = forms.AcceptTermsForm

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            role_label=Role(self.draft.role).label,
            role_description=ROLE_DESCRIPTIONS[Role(self.draft.role)],
            **kwargs,
        )

    def save(self, form):
        self.draft.role_terms_accepted_at = timezone.now()
        return ["role_terms_accepted_at"]


class UserInformationView(StepView):
    """Guide step 9: name, date of birth, SSN and email, checked against SSA."""

    step = Step.USER_INFO
    template_name = "register/user_information.html"
    form_class = forms.UserInformationForm

    def get_initial(self):
        draft = self.draft
        return {
            "first_name": draft.first_name, "middle_name": draft.middle_name,
            "last_name": draft.last_name, "suffix": draft.suffix,
            "date_of_birth": draft.date_of_birth, "email": draft.email,
            "email_confirmation": draft.email,
        }  # fmt: skip

    def save(self, form):
        data = form.cleaned_data
        draft = self.draft
        for name in ("first_name", "middle_name", "last_name", "suffix", "date_of_birth", "email"):
            setattr(draft, name, data[name])
        draft.ssn_last4 = data["ssn"][-4:]
        draft.ssn_digest = ssn_digest(data["ssn"])
        draft.ssa_verified_at = timezone.now()
        draft.email_verification = email_verification_start(email=data["email"])
        draft.completed_steps = [s for s in draft.completed_steps if s != Step.VERIFY_EMAIL]
        return [
            "first_name", "middle_name", "last_name", "suffix", "date_of_birth", "email",
            "ssn_last4", "ssn_digest", "ssa_verified_at", "email_verification",
        ]  # fmt: skip


class VerifyEmailView(StepView):
    """Guide steps 10-12: enter the emailed code; resend replaces it."""

    step = Step.VERIFY_EMAIL
    template_name = "register/verify_email.html"
    form_class = forms.VerificationCodeForm

    def post(self, request, *args, **kwargs):
        if "resend" in request.POST:
            email_verification_resend(verification=self.draft.email_verification)
            messages.success(
                request, f"A new code was sent to {self.draft.email}. The old code no longer works."
            )
            return redirect(step_url(self.step))
        return super().post(request, *args, **kwargs)

    def form_valid(self, form):
        verification = self.draft.email_verification
        result = email_verification_check(verification=verification, code=form.cleaned_data["code"])
        if result is CheckResult.VERIFIED:
            return super().form_valid(form)
        error = {
            CheckResult.WRONG: "That code is not correct. You have {left} more "
            "{tries} before you must request a new code.",
            CheckResult.EXPIRED: "That code has expired. Select \u201cSend a new code\u201d to get a new one.",
            CheckResult.LOCKED: "Too many wrong codes were entered. Select \u201cSend a new code\u201d "
            "to get a new one.",
        }[result]
        left = attempts_left(verification)
        form.add_error("code", error.format(left=left, tries="try" if left == 1 else "tries"))
        return self.form_invalid(form)


class ContactView(StepView):
    """Guide step 13: Professional Contact Information; the User Information is read-only."""

    step = Step.CONTACT
    template_name = "register/contact.html"
    form_class = forms.ContactForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.draft}

    def get_initial(self):
        return {"work_email": self.draft.work_email or self.draft.email}

    def get_context_data(self, **kwargs):
        return super().get_context_data(user_information=user_information(self.draft), **kwargs)

    def save(self, form):
        form.save(commit=False)
        return list(forms.ContactForm.Meta.fields)


class OrganizationView(StepView):
    """Guide steps 14-15: search approved organizations, then pick one from the results."""

    step = Step.ORGANIZATION
    template_name = "register/organization.html"
    form_class = forms.OrganizationChoiceForm

    @cached_property
    def search(self) -> forms.OrganizationSearchForm:
        source = self.request.POST if self.request.method == "POST" else self.request.GET
        if "name" in source:
            return forms.OrganizationSearchForm(source)
        chosen = self.draft.organization
        if chosen:
            return forms.OrganizationSearchForm(
                initial={
                    "name": chosen.legal_name,
                    "country": chosen.country,
                    "state": chosen.state,
                }
            )
        return forms.OrganizationSearchForm(initial={"state": self.draft.state})

    @cached_property
    def matches(self):
        """All approved organizations matching the search, or None before a valid search."""
        if not self.search.is_bound or not self.search.is_valid():
            return None
        data = self.search.cleaned_data
        return organization_search(
            name=data["name"],
            country=data["country"],
            state=data["state"],
            community=self.draft.community,
        )

    def get_form_kwargs(self):
        shown = Organization.objects.none()
        if self.matches is not None:
            first_ids = list(self.matches.values_list("pk", flat=True)[:SEARCH_RESULT_LIMIT])
            shown = self.matches.filter(pk__in=first_ids)
        kwargs = {**super().get_form_kwargs(), "results": shown}
        if self.request.method == "GET" and self.draft.organization_id:
            kwargs["initial"] = {"organization": self.draft.organization_id}
        return kwargs

    def get_context_data(self, **kwargs):
        total = self.matches.count() if self.matches is not None else None
        return super().get_context_data(
            search_form=self.search, result_count=total, result_limit=SEARCH_RESULT_LIMIT, **kwargs
        )

    def save(self, form):
        self.draft.organization = form.cleaned_data["organization"]
        return ["organization"]


class JustificationView(StepView):
    """Guide step 16: Justification for Action."""

    step = Step.JUSTIFICATION
    template_name = "register/justification.html"
    form_class = forms.JustificationForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.draft}

    def save(self, form):
        form.save(commit=False)
        return ["justification"]


class ReviewView(StepView):
    """Guide step 17: Review Registration Details, with Submit, Edit and Cancel."""

    step = Step.REVIEW
    template_name = "register/review.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            sections=request_sections(self.draft, editable=True), **kwargs
        )

    form_class = django_forms.Form

    def form_valid(self, form):
        draft = self.draft
        if (
            draft.organization is not None
            and draft.organization.status != Organization.Status.APPROVED
        ):
            messages.error(
                self.request, "The organization you chose can no longer be selected. Choose again."
            )
            draft.completed_steps = [s for s in draft.completed_steps if s != Step.ORGANIZATION]
            draft_touch(draft)
            return redirect(step_url(Step.ORGANIZATION))
        access_request_submit(access_request=draft)
        self.request.session.pop(DRAFT_SESSION_KEY, None)
        self.request.session[SUBMITTED_SESSION_KEY] = draft.pk
        return redirect("registration:acknowledgement")


class CancelView(TemplateView):
    """Cancel asks first; confirming deletes the draft and everything entered."""

    template_name = "register/cancel.html"

    def dispatch(self, request, *args, **kwargs):
        if draft_for(request) is None:
            return redirect("registration:start")
        return super().dispatch(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        draft_discard(request)
        messages.info(request, "Your registration was cancelled and what you entered was deleted.")
        return redirect("accounts:account_management")


class AcknowledgementView(TemplateView):
    """Guide step 18: the tracking number, Print and OK."""

    template_name = "register/acknowledgement.html"

    def dispatch(self, request, *args, **kwargs):
        submitted_id = request.session.get(SUBMITTED_SESSION_KEY)
        self.access_request = (
            AccessRequest.objects.select_related("organization")
            .filter(pk=submitted_id)
            .exclude(status=AccessRequest.Status.DRAFT)
            .first()
            if submitted_id
            else None
        )
        if self.access_request is None:
            return redirect("registration:start")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(access_request=self.access_request, **kwargs)

    def post(self, request, *args, **kwargs):
        request.session.pop(SUBMITTED_SESSION_KEY, None)
        return redirect("accounts:account_management")
