"""Help desk actions on one object in the admin, each behind its own permission and a reason.

A ``ModelAdmin`` with ``StaffActionsMixin`` lists its ``staff_actions``; the change page shows a
button for each one the signed-in staff member may use on that object, which opens a page
saying what will happen and asking why. The action's ``perform`` calls a service with
``by=request.user`` and the reason; the service records the audit event (every staff action is
audited, and ``tests/helpdesk`` checks each one). Nothing here edits a status directly.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import wraps

from django import forms
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Model
from django.http import Http404, HttpRequest
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

REASON_MAX_LENGTH = 1000


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label="Reason",
        help_text="Why, in a sentence: for example the call or ticket it answers. It is kept "
        "in the audit trail.",
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        error_messages={"required": "Enter the reason for this action."},
    )

    def clean_reason(self) -> str:
        reason = " ".join(self.cleaned_data["reason"].split())
        if not reason:
            raise forms.ValidationError("Enter the reason for this action.")
        return reason


class StaffActionRefused(Exception):
    """The action cannot be done to this object now; the message says why, to the staff member."""


@dataclass(frozen=True)
class StaffAction:
    name: str  # the URL segment: letters, digits, hyphens
    label: str  # the button, and the title of its page
    permission: str  # "app_label.codename"
    # (request, obj, cleaned_data) -> the success message; raises StaffActionRefused
    perform: Callable[[HttpRequest, Model, dict], str]
    explanation: str = ""  # what will happen, shown before the staff member confirms
    form_class: type[forms.Form] = ReasonForm
    # (request, obj) -> extra keyword arguments for form_class (choices that depend on obj)
    form_kwargs: Callable[[HttpRequest, Model], dict] = field(default=lambda request, obj: {})
    # (request, obj) -> why this staff member may never take the action on this object ("" if
    # they may), beyond the permission: for example an agent on an administrator's account. 403.
    forbidden: Callable[[HttpRequest, Model], str] = field(default=lambda request, obj: "")
    # (request, obj) -> why the action does not apply now ("" if it does): the object's state,
    # or a rule that depends on who asks (the routing of a request). The button is hidden and
    # its address answers with this message on the object's page.
    not_now: Callable[[HttpRequest, Model], str] = field(default=lambda request, obj: "")


class StaffActionsMixin:
    staff_actions: tuple[StaffAction, ...] = ()
    change_form_template = "admin/staff_actions/change_form.html"

    def get_urls(self):
        name = f"{self.opts.app_label}_{self.opts.model_name}_staff_action"
        view = self.admin_site.admin_view(self.staff_action_view)
        return [path("<path:object_id>/do/<slug:action>/", view, name=name), *super().get_urls()]

    def staff_actions_for(self, request: HttpRequest, obj: Model) -> list[StaffAction]:
        """The actions this staff member may take on ``obj`` as it is now."""
        return [
            action
            for action in self.staff_actions
            if request.user.has_perm(action.permission)
            and not action.forbidden(request, obj)
            and not action.not_now(request, obj)
        ]

    def staff_action_url(self, obj: Model, action: StaffAction) -> str:
        name = f"admin:{self.opts.app_label}_{self.opts.model_name}_staff_action"
        return reverse(name, args=[obj.pk, action.name], current_app=self.admin_site.name)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, unquote(object_id))
        buttons = [
            (action.label, self.staff_action_url(obj, action))
            for action in (self.staff_actions_for(request, obj) if obj else [])
        ]
        extra_context = {"staff_action_buttons": buttons, **(extra_context or {})}
        return super().change_view(request, object_id, form_url, extra_context)

    def _change_url(self, obj: Model) -> str:
        name = f"admin:{self.opts.app_label}_{self.opts.model_name}_change"
        return reverse(name, args=[obj.pk], current_app=self.admin_site.name)

    def staff_action_view(self, request: HttpRequest, object_id: str, action: str):
        # As Django's own change page answers: 403 before looking the object up, so that staff
        # who may not see these objects do not learn which ids exist either.
        if not self.has_view_or_change_permission(request):
            raise PermissionDenied
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404
        if not self.has_view_or_change_permission(request, obj):
            raise PermissionDenied
        staff_action = next((a for a in self.staff_actions if a.name == action), None)
        if staff_action is None:
            raise Http404
        if not request.user.has_perm(staff_action.permission):
            raise PermissionDenied
        if forbidden := staff_action.forbidden(request, obj):
            raise PermissionDenied(forbidden)
        if not_now := staff_action.not_now(request, obj):
            self.message_user(request, not_now, messages.WARNING)
            return redirect(self._change_url(obj))
        form = staff_action.form_class(
            request.POST if request.method == "POST" else None,
            **staff_action.form_kwargs(request, obj),
        )
        if request.method == "POST" and form.is_valid():
            try:
                with transaction.atomic():
                    done = staff_action.perform(request, obj, form.cleaned_data)
            except StaffActionRefused as refusal:
                form.add_error(None, str(refusal))
            else:
                self.message_user(request, done, messages.SUCCESS)
                return redirect(self._change_url(obj))
        context = {
            **self.admin_site.each_context(request),
            "title": f"{staff_action.label}: {obj}",
            "opts": self.opts,
            "original": obj,
            "staff_action": staff_action,
            "form": form,
            "change_url": self._change_url(obj),
        }
        return TemplateResponse(request, "admin/staff_actions/confirm.html", context)


def refusing(*errors: type[Exception]):
    """Decorate a ``perform``: a service's refusal (one of ``errors``) becomes the message the
    staff member reads on the action's page, instead of an error page.

    The action runs in a savepoint of its own: a service that takes none (a decision,
    approvals.services) leaves the admin's transaction usable after its refusal, for the page
    that shows it.
    """

    def decorate(perform):
        @wraps(perform)
        def perform_or_refuse(request, obj, cleaned_data):
            try:
                with transaction.atomic():
                    return perform(request, obj, cleaned_data)
            except errors as error:
                raise StaffActionRefused(str(error)) from None

        return perform_or_refuse

    return decorate
