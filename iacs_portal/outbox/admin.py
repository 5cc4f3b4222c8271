"""The sent mail in the admin: a record, read-only for everyone (superusers too), with one
staff action: retry an email that failed.

The help desk answers "I never got the email" here: search the person's address and read
whether the portal sent it, is still trying, gave up (and why), or never decided to send one
(no row).
"""

from django.conf import settings
from django.contrib import admin
from django.utils.html import format_html_join

from iacs_portal.admin_actions import StaffAction, StaffActionsMixin, refusing
from iacs_portal.admin_links import admin_change_url_by, link, model_for_label
from iacs_portal.admin_records import RecordAdmin

from .models import OutgoingEmail
from .services import RetryRefused, outgoing_email_retry, retry_refusal


@refusing(RetryRefused)
def _retry(request, email: OutgoingEmail, data: dict) -> str:
    outgoing_email_retry(email=email, by=request.user, reason=data["reason"])
    return (
        f"Email {email.pk} ({email.event}) is queued again and will be sent in a moment. A "
        "temporary password, code or link in it is a new one."
    )


RETRY = StaffAction(
    name="retry",
    label="Retry",
    permission="outbox.retry_outgoingemail",
    perform=_retry,
    explanation=(
        "The portal builds this email again and sends it, with a fresh set of attempts. An "
        "email with a temporary password, a code or a link gets a new one; the old one no "
        "longer works. Emails waiting for this one (a temporary password after its User ID) "
        "follow it. Correct a wrong address on the account first."
    ),
    not_now=lambda request, email: retry_refusal(email),
)


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(StaffActionsMixin, RecordAdmin):
    staff_actions = (RETRY,)
    list_display = ["created_at", "event", "recipients", "subject", "status", "attempts"]
    list_filter = ["status", "event"]
    search_fields = ["recipients", "subject", "user_label", "tracking_number"]
    search_help_text = (
        "Search by email address, subject, User ID or request tracking number. No email "
        "listed means the portal never decided to send one."
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
        "next_attempt_at",
        "last_attempt_at",
        "sent_at",
        "follows",
        "about_user",
        "about_request",
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
