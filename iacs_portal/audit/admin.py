from django.contrib import admin

from .models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: the trail is written only by ``services.audit_record``."""

    list_display = [
        "at",
        "action",
        "target_type",
        "target_id",
        "actor_label",
        "from_state",
        "to_state",
    ]
    list_filter = ["action", "target_type"]
    search_fields = ["target_id", "actor_label", "reason"]
    date_hierarchy = "at"
    ordering = ["-id"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
