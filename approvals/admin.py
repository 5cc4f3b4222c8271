from django.contrib import admin
from django.template.loader import render_to_string

from .history import request_history
from .models import AccessRequest


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
    # Personal data stays out of the admin (ADR 10): the SSN only masked, the date of birth not
    # at all, and never the digest.
    exclude = ["ssn", "date_of_birth", "ssn_digest", "completed_steps"]
    readonly_fields = ["status", "masked_ssn", "history"]

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False

    @admin.display(description="History (from the audit trail)")
    def history(self, obj):
        return render_to_string(
            "approvals/history_table.html",
            {"history": request_history(obj), "show_client_address": True},
        )
