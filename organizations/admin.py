from django.contrib import admin

from .models import Community, Organization, RoleAssignment, UserGroup


@admin.register(Community)
class CommunityAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "order", "is_active"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["legal_name", "ein", "city", "state", "community", "status"]
    list_filter = ["status", "community", "state"]
    search_fields = ["legal_name", "ein", "npi"]


@admin.register(UserGroup)
class UserGroupAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "organization", "company_name", "status"]
    list_filter = ["kind", "status"]
    search_fields = ["name", "organization__legal_name", "company_name"]
    raw_id_fields = ["organization"]


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(admin.ModelAdmin):
    list_display = ["user", "role", "organization", "group", "status", "granted_at"]
    list_filter = ["role", "status"]
    search_fields = ["user__username", "user__last_name", "organization__legal_name"]
    raw_id_fields = ["user", "organization", "group", "granted_by"]
