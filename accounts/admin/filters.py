"""The Users list's filters: status, role, organization, locked, two-factor.

accounts never imports organizations: roles and organizations are reached through the reverse
relation ``role_assignments`` (its model is looked up from the relation, not imported).
"""

import re

from django.contrib import admin
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from accounts.models import AuthenticatorApp, User

ACTIVE_ROLE = "active"  # RoleAssignment.Status.ACTIVE


def role_assignment_model():
    return User._meta.get_field("role_assignments").related_model


def organization_model():
    return role_assignment_model()._meta.get_field("organization").related_model


def has_two_factor():
    """True for each user with a confirmed authenticator app (an annotation or a filter)."""
    return Exists(AuthenticatorApp.objects.filter(user=OuterRef("pk"), confirmed=True))


class StatusFilter(admin.SimpleListFilter):
    title = "status"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [
            ("active", "Active"),
            ("awaiting", "Awaiting sign-in with a temporary password"),
            ("disabled", "Disabled"),
            ("inactivity", "Disabled for inactivity"),
        ]

    def queryset(self, request, queryset):
        match self.value():
            case "active":
                return queryset.filter(is_active=True, must_change_password=False)
            case "awaiting":
                return queryset.filter(is_active=True, must_change_password=True)
            case "disabled":
                return queryset.filter(is_active=False)
            case "inactivity":
                return queryset.filter(is_active=False, disabled_for_inactivity_at__isnull=False)
        return queryset


class RoleFilter(admin.SimpleListFilter):
    """People holding the role now (an active role assignment), wherever they hold it."""

    title = "role"
    parameter_name = "role"

    def lookups(self, request, model_admin):
        return role_assignment_model()._meta.get_field("role").choices

    def queryset(self, request, queryset):
        if self.value() is None:
            return queryset
        holders = role_assignment_model().objects.filter(
            user=OuterRef("pk"), role=self.value(), status=ACTIVE_ROLE
        )
        return queryset.filter(Exists(holders))


class YesNoFilter(admin.SimpleListFilter):
    def lookups(self, request, model_admin):
        return [("yes", "Yes"), ("no", "No")]

    def condition(self) -> Q:
        raise NotImplementedError

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(self.condition())
        if self.value() == "no":
            return queryset.exclude(self.condition())
        return queryset


class LockedFilter(YesNoFilter):
    title = "locked now"
    parameter_name = "locked"

    def condition(self) -> Q:
        return Q(locked_until__gt=timezone.now())


class TwoFactorFilter(YesNoFilter):
    title = "two-factor set up"
    parameter_name = "two_factor"

    def condition(self) -> Q:
        return Q(has_two_factor())


EIN_PATTERN = re.compile(r"^\d{2}-?\d{7}$")


class OrganizationFilter(admin.ListFilter):
    """People with an active role in one organization or in one of its user groups.

    With 100,000 organizations a list of links cannot work, so this filter is a text box for
    the organization's EIN/TIN (what a caller can read out), and it also answers the link
    ``?organization=<id>`` that a page about an organization can give. Bad input shows a
    message in the filter and no people, never an error page.
    """

    title = "organization"
    template = "admin/accounts/user/organization_filter.html"
    ein_parameter = "ein"
    id_parameter = "organization"

    def __init__(self, request, params, model, model_admin):
        super().__init__(request, params, model, model_admin)
        for name in self.expected_parameters():
            if name in params:
                self.used_parameters[name] = params.pop(name)[-1].strip()
        self.error = ""
        self.organizations = None  # None: not filtering
        self._resolve()

    def _resolve(self) -> None:
        ein = self.used_parameters.get(self.ein_parameter)
        pk = self.used_parameters.get(self.id_parameter)
        organizations = organization_model().objects.order_by("legal_name")
        if pk is not None:
            if not pk.isdigit():
                self.error = "An organization link needs the organization's number."
                self.organizations = []
                return
            self.organizations = list(organizations.filter(pk=int(pk)))
            if not self.organizations:
                self.error = f"There is no organization number {pk}."
        elif ein is not None and ein != "":
            if not EIN_PATTERN.match(ein):
                self.error = "Enter the nine digits of the EIN/TIN, for example 12-3456789."
                self.organizations = []
                return
            self.organizations = list(organizations.filter(ein=ein.replace("-", "")))
            if not self.organizations:
                self.error = f"No organization has the EIN/TIN {ein}."

    def has_output(self) -> bool:
        return True

    def expected_parameters(self) -> list[str]:
        return [self.ein_parameter, self.id_parameter]

    def choices(self, changelist):
        mine = set(self.expected_parameters())
        yield {
            "selected": self.organizations is None,
            "query_string": changelist.get_query_string(remove=list(mine)),
            "display": "All",
            "ein": self.used_parameters.get(self.ein_parameter, ""),
            "organizations": self.organizations or [],
            "error": self.error,
            "hidden": [
                (name, value)
                for name, values in changelist.filter_params.items()
                if name not in mine
                for value in values
            ],
        }

    def queryset(self, request, queryset):
        if self.organizations is None:
            return queryset
        holders = role_assignment_model().objects.filter(
            Q(organization__in=self.organizations) | Q(group__organization__in=self.organizations),
            user=OuterRef("pk"),
            status=ACTIVE_ROLE,
        )
        return queryset.filter(Exists(holders))
