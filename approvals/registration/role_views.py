"""The role-specific steps of the wizard (SPEC 4.10).

Security Official: the new organization. BSO, UGA and End User: search and pick an approved
organization. UGA: create a provider or surrogate group, or administer an existing one. End
User: pick a group. Individual Practitioner: the practice. ``steps.ROLE_STEPS`` orders them.
"""

from django.utils.functional import cached_property

from organizations.roles import ORGANIZATION_ROLES, Role
from organizations.selectors import (
    SearchResult,
    joinable_groups,
    organization_search_page,
    surrogate_groups_administered,
    user_holds_role,
)

from ..models import AccessRequest
from . import forms, role_forms
from .engine import StepView
from .steps import Step

SEARCH_RESULT_LIMIT = 50
GroupAction = AccessRequest.GroupAction


def surrogate_refusal(*, applicant, organization) -> str | None:
    """Why this person cannot ask for a surrogate group for this organization, if they cannot.

    One surrogate group per provider organization served (SPEC 3): not a second one beside the
    group they run there, nor beside the one they already asked for.
    """
    if surrogate_groups_administered(user=applicant).filter(organization=organization).exists():
        return f"You already run a surrogate user group for {organization.legal_name}."
    asked = AccessRequest.objects.filter(
        applicant=applicant,
        organization=organization,
        status=AccessRequest.Status.SUBMITTED,
        group_action=GroupAction.CREATE_SURROGATE,
    )
    if asked.exists():
        return (
            f"You already asked to run a surrogate user group for {organization.legal_name}; "
            "that request is waiting for approval."
        )
    return None


class NewOrganizationView(StepView):
    """Security Official: the organization's details, refused if its EIN/TIN is registered."""

    step = Step.NEW_ORGANIZATION
    template_name = "register/new_organization.html"
    form_class = role_forms.NewOrganizationForm

    def get_initial(self):
        draft = self.draft
        if "organization" in draft.details:
            return draft.details["organization"]
        return {
            "legal_name": draft.company_name, "address_line1": draft.address_line1,
            "address_line2": draft.address_line2, "city": draft.city, "country": draft.country,
            "state": draft.state, "zip_code": draft.zip_code,
        }  # fmt: skip

    def save(self, form):
        self.draft.details = {**self.draft.details, "organization": form.details()}
        return ["details"]


class OrganizationView(StepView):
    """Search approved organizations by part of the name, country and state; pick one."""

    step = Step.ORGANIZATION
    template_name = "register/organization.html"
    form_class = forms.OrganizationChoiceForm
    draft_reads = ("community_id", "state", "organization_id", "group_id", "details")

    @cached_property
    def search(self) -> forms.OrganizationSearchForm:
        source = self.request.POST if self.request.method == "POST" else self.request.GET
        # A choice is posted with the search it was made from (hidden fields): a post without
        # one is refused with the search form's own messages, not silently.
        if "name" in source or self.request.method == "POST":
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
    def criteria(self) -> dict | None:
        if not self.search.is_bound or not self.search.is_valid():
            return None
        return {**self.search.cleaned_data, "community": self.draft.community_id}

    @cached_property
    def page(self) -> tuple[list[SearchResult], int, int]:
        """(the approved matches shown, approved matches, pending or suspended ones)."""
        return organization_search_page(**self.criteria, limit=SEARCH_RESULT_LIMIT)

    @cached_property
    def counts(self) -> tuple[int, int] | None:
        """(approved matches, pending or suspended ones), or None before a valid search."""
        return self.page[1:] if self.criteria else None

    def get_form_kwargs(self):
        # A choice is an approved organization matching the search posted with it: checked by
        # its id, one row by primary key, without running the name search (only the first page
        # of matches is listed; it is read on a post only to show it again with an error).
        kwargs = {**super().get_form_kwargs(), "criteria": self.criteria}
        if self.criteria and self.request.method != "POST":
            # The results with their counts in one read; the list is drawn from those rows.
            kwargs["rows"] = self.page[0]
        if self.request.method == "GET" and self.draft.organization_id:
            kwargs["initial"] = {"organization": self.draft.organization_id}
        return kwargs

    def get_context_data(self, **kwargs):
        total, unselectable = self.counts if self.counts is not None else (None, 0)
        return super().get_context_data(
            search_form=self.search,
            result_count=total,
            result_limit=SEARCH_RESULT_LIMIT,
            unselectable_count=unselectable,
            **kwargs,
        )

    def form_invalid(self, form):
        if self.criteria:  # the search's first page, listed again with the error
            form.fields["organization"].show(self.page[0])
        return super().form_invalid(form)

    def form_valid(self, form):
        organization = form.cleaned_data["organization"]
        applicant = self.draft.applicant
        if applicant is not None:
            if self.draft.kind == AccessRequest.Kind.ASSOCIATION:
                refusal = surrogate_refusal(applicant=applicant, organization=organization)
                if refusal:
                    form.add_error("organization", refusal)
                    return self.form_invalid(form)
            elif self.draft.role in ORGANIZATION_ROLES and user_holds_role(
                user=applicant, role=self.draft.role, organization=organization
            ):
                form.add_error(
                    "organization",
                    f"You are already {Role(self.draft.role).label} of {organization.legal_name}.",
                )
                return self.form_invalid(form)
        return super().form_valid(form)

    def save(self, form):
        organization = form.cleaned_data["organization"]
        if organization.pk == self.draft.organization_id:
            return []  # chosen again: the step is done, nothing else changes
        changed = ["organization", *self.undo_dependent_steps()]
        self.draft.organization = organization
        return changed


class GroupActionView(StepView):
    """UGA: create a provider group, create a surrogate group, or administer an existing one."""

    step = Step.GROUP_ACTION
    template_name = "register/group_action.html"
    draft_related = ("organization",)
    form_class = role_forms.GroupActionForm

    def get_initial(self):
        return {"action": self.draft.group_action}

    def get_context_data(self, **kwargs):
        return super().get_context_data(organization=self.draft.organization, **kwargs)

    def form_valid(self, form):
        applicant = self.draft.applicant
        if applicant is not None and form.cleaned_data["action"] == GroupAction.CREATE_SURROGATE:
            refusal = surrogate_refusal(applicant=applicant, organization=self.draft.organization)
            if refusal:
                form.add_error("action", refusal)
                return self.form_invalid(form)
        return super().form_valid(form)

    def save(self, form):
        changed = ["group_action"]
        action = form.cleaned_data["action"]
        if action != self.draft.group_action:
            changed += self.undo_dependent_steps()
        self.draft.group_action = action
        return changed


class UserGroupView(StepView):
    """Pick a group to join or administer, or describe the group to create."""

    step = Step.USER_GROUP
    template_name = "register/user_group.html"
    draft_related = ("organization",)

    @property
    def creates_group(self) -> bool:
        return self.draft.role == Role.USER_GROUP_ADMINISTRATOR and self.draft.group_action in (
            GroupAction.CREATE_PROVIDER,
            GroupAction.CREATE_SURROGATE,
        )

    def get_form_class(self):
        if not self.creates_group:
            return role_forms.GroupChoiceForm
        if self.draft.group_action == GroupAction.CREATE_SURROGATE:
            return role_forms.SurrogateGroupForm
        return role_forms.ProviderGroupForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        if self.creates_group:
            return {**kwargs, "organization": self.draft.organization}
        return {**kwargs, "groups": joinable_groups(organization=self.draft.organization)}

    def get_initial(self):
        if not self.creates_group:
            return {"group": self.draft.group_id}
        if "group" in self.draft.details:
            return self.draft.details["group"]
        if self.draft.group_action == GroupAction.CREATE_SURROGATE and self.draft.applicant:
            # A surrogate UGA serving one more organization: the same company as before.
            earlier = (
                surrogate_groups_administered(user=self.draft.applicant)
                .order_by("created_at")
                .last()
            )
            if earlier is not None:
                return {"name": earlier.name, **earlier.company_values()}
        draft = self.draft  # the applicant's company, from the contact step
        return {
            "company_name": draft.company_name, "company_address_line1": draft.address_line1,
            "company_city": draft.city, "company_state": draft.state,
            "company_zip_code": draft.zip_code, "company_phone": draft.work_phone,
        }  # fmt: skip

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            organization=self.draft.organization,
            creates_group=self.creates_group,
            surrogate=self.draft.group_action == GroupAction.CREATE_SURROGATE,
            **kwargs,
        )

    def form_valid(self, form):
        group = form.cleaned_data.get("group")
        applicant = self.draft.applicant
        if (
            group is not None
            and applicant is not None
            and user_holds_role(user=applicant, role=self.draft.role, group=group)
        ):
            form.add_error(
                "group", f"You are already {Role(self.draft.role).label} of {group.name}."
            )
            return self.form_invalid(form)
        return super().form_valid(form)

    def save(self, form):
        if self.creates_group:
            self.draft.details = {**self.draft.details, "group": form.details()}
            self.draft.group = None
        else:
            self.draft.details.pop("group", None)
            self.draft.group = form.cleaned_data["group"]
        return ["details", "group"]


class PracticeView(StepView):
    """Individual Practitioner: the practice, with its NPI; no organization."""

    step = Step.PRACTICE
    template_name = "register/practice.html"
    form_class = role_forms.PracticeForm

    def get_initial(self):
        draft = self.draft
        if "practice" in draft.details:
            return draft.details["practice"]
        return {
            "practice_name": draft.company_name, "address_line1": draft.address_line1,
            "address_line2": draft.address_line2, "city": draft.city, "state": draft.state,
            "zip_code": draft.zip_code,
        }  # fmt: skip

    def save(self, form):
        self.draft.details = {**self.draft.details, "practice": form.details()}
        return ["details"]
