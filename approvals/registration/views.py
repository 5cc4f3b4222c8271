"""New User Registration (SPEC 4): the steps every path shares.

The role-specific steps are in ``role_views.py``, review, cancel and acknowledgement in
``submission.py``, the engine in ``engine.py``.
"""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.generic import FormView, TemplateView

from accounts.emails import user_email_enqueue
from accounts.identity import ssn_digest
from accounts.recovery_forms import EmailCodeForm
from accounts.verification import (
    CheckResult,
    attempts_left,
    email_verification_check,
    email_verification_resend,
    email_verification_start,
)
from iacs_portal.ratelimit import rate_limit_response, rate_limited
from iacs_portal.transactions import AtomicUnlessSafe
from organizations.models import Community
from organizations.roles import ROLE_DESCRIPTIONS, Role
from organizations.selectors import active_community, active_roles

from ..summaries import user_information
from . import forms
from . import steps as wizard
from .drafts import draft_for, draft_read, draft_start
from .engine import ENGINE_READS, StepView, step_url
from .identity_checks import known_person
from .steps import Step

HELP_DESK_FOR_USER_ID = (
    "If you have forgotten your User ID, contact the help desk: it can tell you after checking "
    "who you are."
)


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


class TermsView(rate_limited("registration_start"), AtomicUnlessSafe, FormView):
    """Guide step 6: Terms and Conditions with the Privacy Act statement; starts the draft."""

    template_name = "register/terms.html"
    form_class = forms.AcceptTermsForm

    def dispatch(self, request, *args, **kwargs):
        self.community = active_community(slug=kwargs["community"])
        if self.community is None:
            raise Http404("No such community, or it is closed to registrations.")
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


class RoleView(StepView):
    """Guide step 7: choose the role."""

    step = Step.ROLE
    template_name = "register/role.html"
    form_class = forms.RoleForm
    draft_related = ("community",)

    def get_form_kwargs(self):
        held = set()
        if self.draft.applicant_id:
            held = set(active_roles(user=self.draft.applicant).values_list("role", flat=True))
        return {"community": self.draft.community, "held_roles": held, **super().get_form_kwargs()}

    def get_initial(self):
        return {"role": self.draft.role}

    def save(self, form):
        role = form.cleaned_data["role"]
        if role != self.draft.role:
            # Another role means other steps: everything after this one starts again, except
            # what proves who the person is.
            keep = {Step.TERMS, Step.USER_INFO, Step.VERIFY_EMAIL, Step.CONTACT}
            if self.draft.is_registration:
                keep = {Step.TERMS}
            self.draft.completed_steps = [s for s in self.draft.completed_steps if s in keep]
            self.draft.role = role
            self.draft.role_terms_accepted_at = None
            self.draft.organization = None
            self.draft.group = None
            self.draft.group_action = ""
            self.draft.details = {}
        return [
            "role",
            "role_terms_accepted_at",
            "organization",
            "group",
            "group_action",
            "details",
        ]


class RoleTermsView(StepView):
    """Guide step 8: the role's own Terms and Conditions."""

    step = Step.ROLE_TERMS
    template_name = "register/role_terms.html"
    form_class = forms.AcceptTermsForm
    draft_reads = ()

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            role_label=Role(self.draft.role).label,
            role_description=ROLE_DESCRIPTIONS[Role(self.draft.role)],
            **kwargs,
        )

    def save(self, form):
        self.draft.role_terms_accepted_at = timezone.now()
        return ["role_terms_accepted_at"]


# Error reports (the admins' email of a 500) show POST data: never the SSN or date of birth.
@method_decorator(sensitive_post_parameters("ssn", "date_of_birth"), name="dispatch")
class UserInformationView(rate_limited("registration_user_info"), StepView):
    """Guide step 9: name, date of birth, SSN and email, checked against SSA."""

    step = Step.USER_INFO
    template_name = "register/user_information.html"
    form_class = forms.UserInformationForm

    def load_draft(self, request):
        # The page fills the form with what the draft holds (the date of birth decrypted); the
        # POST replaces it without reading it: the wizard's fields only.
        if request.method == "POST":
            return draft_for(request, read=draft_read(fields=ENGINE_READS))
        return super().load_draft(request)

    def get_initial(self):
        if self.request.method == "POST":
            return {}  # the form is bound: what was posted is shown again, not the draft
        draft = self.draft
        return {
            "first_name": draft.first_name, "middle_name": draft.middle_name,
            "last_name": draft.last_name, "suffix": draft.suffix,
            "date_of_birth": draft.date_of_birth, "email": draft.email,
            "email_confirmation": draft.email,
        }  # fmt: skip

    @method_decorator(sensitive_variables())
    def form_valid(self, form):
        digest = ssn_digest(form.cleaned_data["ssn"])
        existing, registration_pending = known_person(digest)  # of an account, whom to tell
        if existing is not None:
            # Only someone who passed the SSA check as this person gets here: tell the holder.
            user_email_enqueue(event="duplicate_registration", user=existing)
            form.add_error(
                None,
                "You already have an IACS account: each person has one account and one User ID. "
                "Sign in with your User ID and request the role you need from My Profile. "
                + HELP_DESK_FOR_USER_ID,
            )
            return self.form_invalid(form)
        if registration_pending:
            form.add_error(
                None,
                "A registration for you is already waiting for approval. You will receive an "
                "email when it is decided; the email you received when you submitted it has its "
                "tracking number. Each person registers once.",
            )
            return self.form_invalid(form)
        self.digest = digest
        return super().form_valid(form)

    @method_decorator(sensitive_variables())
    def save(self, form):
        data = form.cleaned_data
        draft = self.draft
        for name in ("first_name", "middle_name", "last_name", "suffix", "date_of_birth", "email"):
            setattr(draft, name, data[name])
        draft.ssn = data["ssn"]
        draft.ssn_last4 = data["ssn"][-4:]
        draft.ssn_digest = self.digest
        draft.ssa_verified_at = timezone.now()
        draft.email_verification = email_verification_start(email=data["email"])
        draft.completed_steps = [s for s in draft.completed_steps if s != Step.VERIFY_EMAIL]
        return [
            "first_name", "middle_name", "last_name", "suffix", "date_of_birth", "email",
            "ssn", "ssn_last4", "ssn_digest", "ssa_verified_at", "email_verification",
        ]  # fmt: skip


@method_decorator(sensitive_post_parameters("code"), name="dispatch")
class VerifyEmailView(StepView):
    """Guide steps 10-12: enter the emailed code; resend replaces it."""

    step = Step.VERIFY_EMAIL
    template_name = "register/verify_email.html"
    form_class = EmailCodeForm

    def load_draft(self, request):
        # Only the POST (the check, the resend) reads the verification; the page shows the
        # address. Neither loads the encrypted SSN and date of birth (each a decryption).
        related = ("email_verification",) if request.method == "POST" else ()
        fields = (*ENGINE_READS, "email", "email_verification")
        return draft_for(request, read=draft_read(related, fields))

    def post(self, request, *args, **kwargs):
        action = "email_code_resend" if "resend" in request.POST else "email_code_entry"
        refused = rate_limit_response(request, action)
        if refused is not None:
            return refused
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
    # The contact fields, and the User Information shown read-only (the SSN's last four only).
    draft_reads = (
        *forms.ContactForm.Meta.fields,
        *("first_name", "middle_name", "last_name", "suffix", "date_of_birth"),
        *("ssn_last4", "email"),
    )

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.draft}

    def get_initial(self):
        return {"work_email": self.draft.work_email or self.draft.email}

    def get_context_data(self, **kwargs):
        return super().get_context_data(user_information=user_information(self.draft), **kwargs)

    def save(self, form):
        form.save(commit=False)
        return list(forms.ContactForm.Meta.fields)


class JustificationView(StepView):
    """Guide step 16: Justification for Action."""

    step = Step.JUSTIFICATION
    template_name = "register/justification.html"
    form_class = forms.JustificationForm
    draft_reads = ("justification",)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.draft}

    def save(self, form):
        form.save(commit=False)
        return ["justification"]
