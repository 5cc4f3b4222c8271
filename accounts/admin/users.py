"""The Users page of the help desk: find a person, see their account's state, act on it.

Help Desk and CMS Approver staff have ``view_user`` only, so the page is read-only for them
(Django's view-only change page) and they act through the buttons (``actions.USER_ACTIONS``),
each asking for a reason. Staff fields are shown to superusers only. The SSN shows only as
its last four digits and the date of birth only as its year; the password is not on the page.
"""

import re

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UsernameField
from django.http import Http404, HttpResponseRedirect
from django.utils import timezone

from iacs_portal.admin_actions import StaffActionsMixin

from ..models import User
from .actions import USER_ACTIONS
from .filters import (
    LockedFilter,
    OrganizationFilter,
    RoleFilter,
    StatusFilter,
    TwoFactorFilter,
    has_two_factor,
)
from .state import account_state

# "ssn:1234", "ssn 1234", "***-**-1234", "xxx-xx-1234": the last four digits of the SSN only.
SSN_LAST4_SEARCH = re.compile(r"^(?:ssn\s*:?\s*|[*xX]{3}-?[*xX]{2}-?)(\d{4})$", re.IGNORECASE)
# A whole SSN typed into the search box: searched by its last four digits, and not kept in the
# address or shown back on the page.
FULL_SSN_SEARCH = re.compile(r"^(?:ssn\s*:?\s*)?\d{3}[- ]?\d{2}[- ]?(\d{4})$", re.IGNORECASE)


class UserChangeForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ()  # the fieldsets choose
        field_classes = {"username": UsernameField}


class UserAdmin(StaffActionsMixin, DjangoUserAdmin):
    form = UserChangeForm
    change_form_template = "admin/accounts/user/change_form.html"
    staff_actions = USER_ACTIONS

    list_display = [
        "username",
        "name",
        "email",
        "status",
        "locked",
        "last_sign_in",
        "two_factor",
    ]
    list_filter = [StatusFilter, RoleFilter, OrganizationFilter, LockedFilter, TwoFactorFilter]
    # Counting every filter's choices over every account is slow and of little use here.
    show_facets = admin.ShowFacets.NEVER
    search_fields = [
        "username",
        "first_name",
        "last_name",
        "email",
        "=ssn_last4",
        "=access_requests__tracking_number",
    ]
    search_help_text = (
        "User ID, first or last name, email, tracking number (IR-12345-67890), or the last four "
        "digits of the SSN (1234, ***-**-1234 or ssn:1234; the last two forms search the SSN only)."
    )
    ordering = ["username"]

    fieldsets = [
        (None, {"fields": ["username"]}),
        (
            "Person",
            {
                "fields": [
                    "first_name",
                    "middle_name",
                    "last_name",
                    "suffix",
                    "email",
                    "masked_ssn",
                    "birth_year",
                ]
            },
        ),  # fmt: skip
        ("Professional contact", {"fields": list(User.CONTACT_FIELDS)}),
        ("Dates", {"fields": ["is_active", "last_login", "date_joined"]}),
    ]
    staff_fieldset = (
        "Staff (administrators only)",
        {"fields": ["is_staff", "is_superuser", "groups", "user_permissions"]},
    )
    # The SSN shows only masked and the date of birth only as its year (ADR 10): they are not
    # in the fieldsets, and excluded so that no form built from this admin can carry them. Nor
    # can the password: it is changed only through the actions, and never chosen by staff.
    exclude = ["ssn", "date_of_birth", "ssn_digest", "password"]
    # Every state change goes through an action (audited); these are never edited directly.
    readonly_fields = ["masked_ssn", "birth_year", "is_active", "last_login", "date_joined"]

    # Finding people

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(has_two_factor=has_two_factor())

    def get_search_results(self, request, queryset, search_term):
        last4 = SSN_LAST4_SEARCH.match(search_term.strip())
        if last4:
            return queryset.filter(ssn_last4=last4[1]), False
        return super().get_search_results(request, queryset, search_term)

    def changelist_view(self, request, extra_context=None):
        whole = FULL_SSN_SEARCH.match(request.GET.get("q", "").strip())
        if whole:
            query = request.GET.copy()
            query["q"] = f"***-**-{whole[1]}"
            messages.warning(
                request,
                "Only the last four digits of an SSN are searched: the rest of what you typed "
                "was not kept.",
            )
            return HttpResponseRedirect(f"{request.path}?{query.urlencode()}")
        return super().changelist_view(request, extra_context)

    @admin.display(description="name", ordering="last_name")
    def name(self, user):
        return user.full_name

    @admin.display(description="status")
    def status(self, user):
        if not user.is_active:
            return "Disabled (inactivity)" if user.disabled_for_inactivity_at else "Disabled"
        if user.must_change_password:
            return "Awaiting first sign-in" if user.last_login is None else "Temporary password"
        return "Active"

    @admin.display(description="locked", boolean=True)
    def locked(self, user):
        return user.locked_until is not None and user.locked_until > timezone.now()

    @admin.display(description="last sign-in", ordering="last_login")
    def last_sign_in(self, user):
        return user.last_login

    @admin.display(description="two-factor", boolean=True)
    def two_factor(self, user):
        return user.has_two_factor

    # One account's page

    @admin.display(description="SSN")
    def masked_ssn(self, user):
        return f"***-**-{user.ssn_last4}" if user.ssn_last4 else "-"

    @admin.display(description="date of birth")
    def birth_year(self, user):
        # The year alone helps confirm who is calling; the whole date never shows (ADR 10).
        return f"**/**/{user.date_of_birth.year}" if user.date_of_birth else "-"

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return super().get_fieldsets(request, obj)  # the add form: superusers only
        if request.user.is_superuser:
            return [*self.fieldsets, self.staff_fieldset]
        return self.fieldsets

    def has_add_permission(self, request):
        return request.user.is_superuser

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        # Each permission's label names its content type: read them with it, not one by one
        # (Django's GroupAdmin does the same; its UserAdmin does not).
        if db_field.name == "user_permissions":
            kwargs["queryset"] = db_field.remote_field.model.objects.select_related("content_type")
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def user_change_password(self, request, id, form_url=""):
        # Staff never choose a password: "Reset password" emails a temporary one.
        raise Http404

    def change_view(self, request, object_id, form_url="", extra_context=None):
        user = self.get_object(request, unquote(object_id))
        extra_context = dict(extra_context or {})
        if user is not None and self.has_view_or_change_permission(request, user):
            extra_context["account_state"] = account_state(user, viewer=request.user)
        return super().change_view(request, object_id, form_url, extra_context)
