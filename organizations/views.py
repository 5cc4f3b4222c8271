"""Manage Roles: SOs, BSOs and UGAs remove roles in their organization or groups.

Who may remove what is ``permissions``' answer alone; an assignment outside it is a 404.
"""

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.shortcuts import redirect
from django.views.generic import FormView, ListView

from .forms import RoleFilterForm, RoleRemovalForm
from .permissions import removable_assignments
from .services import RoleRemovalError, role_revoke


class ManageRolesView(LoginRequiredMixin, ListView):
    template_name = "organizations/manage_roles.html"
    context_object_name = "assignments"
    paginate_by = 25
    extra_context = {"nav_current": "my_profile"}

    def get_queryset(self):
        removable = removable_assignments(user=self.request.user)
        chosen = {"organization", "group"} & {k for k, v in self.request.GET.items() if v}
        self.filter_form = RoleFilterForm(
            self.request.GET if chosen else None, assignments=removable
        )
        self.any_removable = removable.exists()
        return self.filter_form.filter(removable)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            filter_form=self.filter_form,
            filtered=self.filter_form.is_bound,
            any_removable=self.any_removable,
            **kwargs,
        )


class RemoveRoleView(LoginRequiredMixin, FormView):
    """Who and what is removed, and the reason (required); POST removes."""

    template_name = "organizations/remove_role.html"
    form_class = RoleRemovalForm
    extra_context = {"nav_current": "my_profile"}

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_no_permission()
        self.assignment = removable_assignments(user=request.user).filter(pk=kwargs["pk"]).first()
        if self.assignment is None:
            raise Http404("No such role among those you may remove.")
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        assignment = self.assignment
        group = assignment.group
        items = [
            {"label": "Name", "value": assignment.user.full_name},
            {"label": "User ID", "value": assignment.user.username},
            {"label": "Email", "value": assignment.user.email},
            {"label": "Role", "value": assignment.get_role_display()},
            {"label": "Organization", "value": assignment.organization},
            {
                "label": "User group",
                "value": f"{group.name} ({group.get_kind_display().lower()})" if group else "None",
            },
            {"label": "Holds the role since", "value": assignment.granted_at.strftime("%m/%d/%Y")},
        ]
        return super().get_context_data(assignment=assignment, items=items, **kwargs)

    def form_valid(self, form):
        assignment = self.assignment
        try:
            role_revoke(
                assignment=assignment, by=self.request.user, reason=form.cleaned_data["reason"]
            )
        except RoleRemovalError as error:
            form.add_error(None, str(error))
            return self.form_invalid(form)
        messages.success(
            self.request,
            f"The role {assignment.get_role_display()} of {assignment.user.full_name} "
            f"(User ID {assignment.user.username}) was removed. "
            "They will be told by email, with your reason.",
        )
        return redirect("organizations:manage-roles")
