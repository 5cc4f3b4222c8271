"""Requests in the help desk's admin: find one, read it and its history, see who decides it.

Nothing here edits a request: its status is a protected state machine field, and the
decisions and resends are staff actions (``staff_actions.py``) calling the services.
"""

from django.conf import settings
from django.contrib import admin
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format

from iacs_portal.admin_actions import StaffActionsMixin

from . import routing
from .history import request_history
from .models import AccessRequest
from .staff_actions import REQUEST_ACTIONS
from .summaries import request_sections

Status = AccessRequest.Status


class StatusFilter(admin.SimpleListFilter):
    """Drafts (registrations in progress, no tracking number yet) only when asked for."""

    title = "status"
    parameter_name = "status"
    ALL = "all"

    def lookups(self, request, model_admin):
        return [*Status.choices, (self.ALL, "Any, drafts included")]

    def queryset(self, request, queryset):
        if self.value() is None:
            return queryset.exclude(status=Status.DRAFT)
        if self.value() in Status.values:
            return queryset.filter(status=self.value())
        return queryset

    def choices(self, changelist):
        choices = list(super().choices(changelist))
        choices[0]["display"] = "Any but drafts"
        return choices


class EscalatedFilter(admin.SimpleListFilter):
    title = "escalated"
    parameter_name = "escalated"

    def lookups(self, request, model_admin):
        return [("yes", "Yes: the Backup Security Officials may decide it too"), ("no", "No")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(routing.escalated_requests())
        if self.value() == "no":
            return queryset.exclude(routing.escalated_requests())
        return queryset


@admin.register(AccessRequest)
class AccessRequestAdmin(StaffActionsMixin, admin.ModelAdmin):
    staff_actions = REQUEST_ACTIONS
    list_display = [
        "tracking",
        "applicant_name",
        "role",
        "where",
        "kind",
        "status",
        "submitted_at",
        "waiting_days",
    ]
    list_filter = [StatusFilter, "role", "kind", EscalatedFilter]
    list_select_related = ["organization", "group", "group__organization"]
    # The last four digits of the SSN are searched exactly; a full SSN is never asked for.
    search_fields = [
        "tracking_number",
        "first_name",
        "last_name",
        "email",
        "applicant__username",
        "=ssn_last4",
    ]
    search_help_text = (
        "Tracking number, first or last name, email address, User ID, or the last four digits "
        "of the SSN. Drafts show only with the status filter “Draft”."
    )
    # Personal data stays out of the admin (ADR 10): the SSN only masked, the date of birth not
    # at all, and never the digest.
    exclude = ["ssn", "date_of_birth", "ssn_digest", "completed_steps", "details"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "tracking_number", "kind", "status", "role", "community", "organization",
                    "group", "submitted_at", "expires", "waiting_days",
                ]
            },
        ),
        ("Who decides this request", {"fields": ["who_decides"]}),
        (
            "Applicant",
            {"fields": ["applicant", "applicant_name", "masked_ssn", "email", "email_verified"]},
        ),
        ("What the request says", {"fields": ["request_as_submitted"]}),
        (
            "Decision",
            {"fields": ["decided_at", "decided_by", "denial_reason", "decision_note"]},
        ),
        ("History", {"fields": ["history"]}),
    ]  # fmt: skip
    readonly_fields = [
        "status",
        "expires",
        "waiting_days",
        "who_decides",
        "applicant_name",
        "masked_ssn",
        "email_verified",
        "request_as_submitted",
        "history",
    ]

    def get_queryset(self, request):
        # The changelist skips ``list_select_related`` once the queryset selects related rows
        # (ChangeList.get_queryset): name them here too, or each row reads its own.
        return (
            super()
            .get_queryset(request)
            .select_related("email_verification", "decided_by", *self.list_select_related)
        )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_fieldsets(self, request, obj=None):
        decided = obj is not None and obj.status not in (Status.DRAFT, Status.SUBMITTED)
        return [fs for fs in super().get_fieldsets(request, obj) if decided or fs[0] != "Decision"]

    @admin.display(description="Tracking number", ordering="tracking_number")
    def tracking(self, obj):
        return str(obj)

    @admin.display(description="Expires undecided on")
    def expires(self, obj):
        if obj.status != Status.SUBMITTED or obj.expires_at is None:
            return "—"
        return date_format(timezone.localtime(obj.expires_at), "DATETIME_FORMAT")

    @admin.display(description="Organization or user group")
    def where(self, obj):
        if obj.group_id:
            return f"{obj.group.name} ({obj.group.organization})"
        return obj.organization or "—"

    @admin.display(description="Waiting (days)")
    def waiting_days(self, obj):
        if obj.status != Status.SUBMITTED or obj.submitted_at is None:
            return "—"
        return (timezone.now() - obj.submitted_at).days

    @admin.display(description="SSN")
    def masked_ssn(self, obj):
        return obj.masked_ssn or "—"

    @admin.display(description="Email address verified")
    def email_verified(self, obj):
        verification = obj.email_verification
        if verification is None:
            return "Not yet sent a code" if obj.status == Status.DRAFT else "—"
        if verification.is_verified:
            return f"Yes, {verification.email}"
        return f"Not yet: a code was sent to {verification.email}"

    @admin.display(description="Who decides this request")
    def who_decides(self, obj):
        return render_to_string("admin/approvals/who_decides.html", who_decides(obj))

    @admin.display(description="As the applicant entered it")
    def request_as_submitted(self, obj):
        return render_to_string(
            "admin/approvals/request_sections.html", {"sections": staff_sections(obj)}
        )

    @admin.display(description="History (from the audit trail)")
    def history(self, obj):
        return render_to_string(
            "approvals/history_table.html",
            {"history": request_history(obj), "show_client_address": True},
        )


def who_decides(access_request: AccessRequest) -> dict:
    """The "who approves my request?" answer: routing's words, the people, the escalation."""
    context = {
        "request": access_request,
        "reminder_days": settings.PENDING_REQUEST_REMINDER_INTERVAL.days,
    }
    if access_request.status != Status.SUBMITTED or not access_request.role:
        return context
    rule = routing.RULES[access_request.role]
    context.update(
        description=routing.approver_description(access_request=access_request),
        approvers=routing.approvers(access_request=access_request).order_by(
            "last_name", "first_name", "username"
        ),
        escalates=bool(rule.escalation_roles),
        escalated=routing.is_escalated(access_request),
        escalates_at=access_request.submitted_at + routing.escalation_delay(),
    )
    return context


def staff_sections(access_request: AccessRequest) -> list:
    """The request as its approver reads it, without the User Information (the date of birth)
    and with a practice's TIN masked: a practitioner's TIN may be their SSN."""
    sections = [s for s in request_sections(access_request) if s.slug != "user-information"]
    for section in sections:
        for item in section.items:
            if item["label"] == "TIN" and len(item["value"]) >= 4 and item["value"][-4:].isdigit():
                item["value"] = f"*****{item['value'][-4:]}"
    return sections
