from django.contrib import admin

from .models import Community, Organization, RoleAssignment


@admin.register(Community)
class CommunityAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "order", "is_active"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["legal_name", "ein", "city", "state", "community", "status"]
    list_filter = ["status", "community", "state"]
    search_fields = ["legal_name", "ein", "npi"]


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "organization", "status", "granted_at"]
    list_filter = ["role", "status"]
    search_fields = ["user__username", "user__last_name", "organization__legal_name"]
    raw_id_fields = ["user", "organization", "granted_by"]
