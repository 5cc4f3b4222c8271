"""A signed-in user asks for more from My Profile: another role, or one more organization served.

One person, one account (SPEC 1): the same wizard runs without the identity and email steps,
and the request goes to the same approver as a new registration of that role.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect
from django.views.generic import FormView, TemplateView

from organizations.models import Community
from organizations.roles import Role
from organizations.selectors import surrogate_groups_administered

from ..models import AccessRequest
from .drafts import draft_start_for_user
from .engine import step_url
from .steps import Step


class CommunityForm(forms.Form):
    community = forms.ModelChoiceField(
        label="Community",
        queryset=Community.objects.filter(is_active=True),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"required": "Select a community.", "invalid_choice": "Select a community."},
    )


class AddRoleView(LoginRequiredMixin, FormView):
    """Request an additional role: choose the community, then the role's steps."""

    template_name = "register/add_role.html"
    form_class = CommunityForm
    extra_context = {"nav_current": "my_profile", "wizard_title": "Request a Role"}

    def get_initial(self):
        return {"community": Community.objects.filter(is_active=True).first()}

    def form_valid(self, form):
        draft_start_for_user(
            self.request,
            community=form.cleaned_data["community"],
            kind=AccessRequest.Kind.ADDITIONAL_ROLE,
        )
        return redirect(step_url(Step.ROLE))


class AssociationView(LoginRequiredMixin, TemplateView):
    """A surrogate UGA asks to serve one more approved provider organization (SPEC 3)."""

    template_name = "register/association.html"
    extra_context = {"nav_current": "my_profile", "wizard_title": "Request a Role"}

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.served = surrogate_groups_administered(user=request.user).order_by("created_at")
            if not self.served.exists():
                messages.info(
                    request,
                    "Only the administrator of a surrogate user group can associate it with "
                    "more provider organizations.",
                )
                return redirect("accounts:my_profile")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return super().get_context_data(served=self.served, **kwargs)

    def post(self, request, *args, **kwargs):
        draft_start_for_user(
            request,
            community=self.served.last().organization.community,
            kind=AccessRequest.Kind.ASSOCIATION,
            role=Role.USER_GROUP_ADMINISTRATOR,
            group_action=AccessRequest.GroupAction.CREATE_SURROGATE,
        )
        return redirect(step_url(Step.ORGANIZATION))
