"""Organizations, user groups, roles and communities in the help desk's admin.

Statuses are never edited here: they change through the staff actions (``staff_actions.py``),
which call the services with a reason. Role assignments are read-only for staff (a role is
granted by an approved request and removed by an official, or handed over at the help desk);
communities are reference data for administrators (superusers) only.
"""

import re

from django.contrib import admin
from django.template.loader import render_to_string

from iacs_portal.admin_actions import StaffActionsMixin
from iacs_portal.admin_records import SuperuserOnlyAdmin, SuperuserWritesAdmin
from iacs_portal.admin_widgets import LabelledDateTimeAdmin

from .models import Community, Organization, RoleAssignment, UserGroup
from .roles import Role
from .selectors import active_officials, pending_requests
from .staff_actions import GROUP_ACTIONS, ORGANIZATION_STATUS_ACTIONS, RESEAT_ACTION

EIN_AS_WRITTEN = re.compile(r"\b(\d{2})-(\d{7})\b")


@admin.register(Community)
class CommunityAdmin(SuperuserOnlyAdmin):
    list_display = ["name", "slug", "order", "is_active"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Organization)
class OrganizationAdmin(StaffActionsMixin, admin.ModelAdmin):
    staff_actions = (*ORGANIZATION_STATUS_ACTIONS, RESEAT_ACTION)
    list_display = ["legal_name", "ein", "npi", "city", "state", "community", "status"]
    list_filter = ["status", "community", "state"]
    search_fields = ["legal_name", "=ein", "=npi"]
    search_help_text = "Part of the legal business name, or the whole EIN/TIN or NPI."
    readonly_fields = ["status", "created_at", "approved_at", "people"]

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if obj is None:
            return fieldsets
        return [*fieldsets, ("People and requests", {"fields": ["people"]})]

    def get_fields(self, request, obj=None):
        return [name for name in super().get_fields(request, obj) if name != "people"]

    def get_search_results(self, request, queryset, search_term):
        # An EIN is often read out as 12-3456789; it is stored as nine digits.
        return super().get_search_results(
            request, queryset, EIN_AS_WRITTEN.sub(r"\1\2", search_term)
        )

    @admin.display(description="Officials, groups and requests")
    def people(self, obj):
        return render_to_string(
            "admin/organizations/people.html",
            {
                "organization": obj,
                "security_officials": active_officials(
                    organization=obj, role=Role.SECURITY_OFFICIAL
                ),
                "backup_security_officials": active_officials(
                    organization=obj, role=Role.BACKUP_SECURITY_OFFICIAL
                ),
                "groups": obj.user_groups.order_by("name"),
                "pending_requests": pending_requests(organization=obj).count(),
            },
        )


@admin.register(UserGroup)
class UserGroupAdmin(StaffActionsMixin, admin.ModelAdmin):
    staff_actions = GROUP_ACTIONS
    list_display = ["name", "kind", "organization", "company_name", "status"]
    list_filter = ["kind", "status"]
    search_fields = ["name", "organization__legal_name", "company_name"]
    raw_id_fields = ["organization"]
    readonly_fields = ["status", "created_at", "approved_at"]


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(LabelledDateTimeAdmin, SuperuserWritesAdmin):
    """Read-only for staff: roles change through requests, officials and the hand-over."""

    list_display = ["user", "role", "organization", "group", "status", "granted_at"]
    list_filter = ["role", "status"]
    search_fields = ["user__username", "user__last_name", "organization__legal_name"]
    list_select_related = ["user", "organization", "group", "group__organization"]
    raw_id_fields = ["user", "organization", "group", "granted_by", "revoked_by"]
