"""The sent mail in the admin: read-only for everyone, superusers too (it is a record).

The help desk answers "I never got the email" here: search the person's address and read
whether the portal sent it, failed to (and why), or never tried (no row).
"""

from django.conf import settings
from django.contrib import admin
from django.utils.html import format_html_join

from iacs_portal.admin_links import admin_change_url_by, link, model_for_label
from iacs_portal.admin_records import RecordAdmin

from .models import OutgoingEmail


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(RecordAdmin):
    list_display = ["created_at", "event", "recipients", "subject", "status", "attempts"]
    list_filter = ["status", "event"]
    search_fields = ["recipients", "subject", "user_label", "tracking_number"]
    search_help_text = (
        "Search by email address, subject, User ID or request tracking number. No email "
        "listed means the portal never tried to send one."
    )
    date_hierarchy = "created_at"
    ordering = ["-created_at", "-id"]
    fields = [
        "event",
        "recipients",
        "subject",
        "status",
        "attempts",
        "last_error",
        "created_at",
        "last_attempt_at",
        "sent_at",
        "about_user",
        "about_request",
        "task_id",
    ]
    readonly_fields = fields

    @admin.display(description="about User ID")
    def about_user(self, email: OutgoingEmail):
        user_model = model_for_label(settings.AUTH_USER_MODEL)
        field = user_model.USERNAME_FIELD
        labels = [label for label in email.user_label.split(", ") if label]
        links = [(link(admin_change_url_by(user_model, field, label), label),) for label in labels]
        return format_html_join(", ", "{}", links) or "-"

    @admin.display(description="about request")
    def about_request(self, email: OutgoingEmail):
        if not email.tracking_number:
            return "-"
        model = model_for_label("approvals.accessrequest")
        url = admin_change_url_by(model, "tracking_number", email.tracking_number)
        return link(url, email.tracking_number)
