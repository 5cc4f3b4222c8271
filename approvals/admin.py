from django.contrib import admin

from .models import AccessRequest, AccessRequestEvent


class AccessRequestEventInline(admin.TabularInline):
    model = AccessRequestEvent
    extra = 0
    can_delete = False
    readonly_fields = ["action", "actor", "note", "at"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(AccessRequest)
class AccessRequestAdmin(admin.ModelAdmin):
    """Read-only for now: decisions go through the approval services (help desk issue)."""

    list_display = [
        "tracking_number",
        "applicant_name",
        "role",
        "organization",
        "group",
        "kind",
        "status",
        "submitted_at",
    ]
    list_filter = ["status", "role", "kind"]
    search_fields = ["tracking_number", "last_name", "first_name", "email", "applicant__username"]
    exclude = ["ssn_digest", "completed_steps"]
    readonly_fields = ["status", "masked_ssn"]
    inlines = [AccessRequestEventInline]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False
