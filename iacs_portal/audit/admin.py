"""The audit trail in the admin: read-only for everyone, superusers too.

The trail is written only by ``services.audit_record``; here it is searched (by the target's id,
User ID or tracking number, the actor's User ID, the reason) and each event links to the page of
the object it is about, where that object has one.
"""

from django.conf import settings
from django.contrib import admin
from django.db.models import Q

from iacs_portal.admin_links import admin_change_url, link, model_for_label
from iacs_portal.admin_records import RecordAdmin

from .models import AuditEvent

# Targets a help desk agent knows by name rather than by id: a search for the name finds them.
NAMED_TARGETS = {
    settings.AUTH_USER_MODEL.lower(): "username",
    "approvals.accessrequest": "tracking_number",
}
NAMED_TARGET_LIMIT = 20
REASON_SHOWN = 80  # characters of the reason in the list; the event's page shows all of it


class TargetTypeFilter(admin.SimpleListFilter):
    title = "target type"
    parameter_name = "target_type"

    def lookups(self, request, model_admin):
        labels = AuditEvent.objects.order_by().values_list("target_type", flat=True).distinct()
        return sorted(((label, _type_name(label)) for label in labels), key=lambda c: c[1])

    def queryset(self, request, queryset):
        return queryset.filter(target_type=self.value()) if self.value() else queryset


def _type_name(label: str) -> str:
    model = model_for_label(label)
    return str(model._meta.verbose_name) if model is not None else label


def _attach_target_names(events) -> None:
    """Each event's ``target_name`` (None if the object is gone): one query per target type on
    the page, not one per row."""
    by_type: dict[str, set[str]] = {}
    for event in events:
        by_type.setdefault(event.target_type, set()).add(event.target_id)
    names = {}
    for label, ids in by_type.items():
        model = model_for_label(label)
        if model is None:
            continue
        try:
            found = model._default_manager.in_bulk(list(ids))
        except (ValueError, TypeError):  # an id that is not a valid key of that model
            continue
        names.update({(label, str(pk)): str(obj) for pk, obj in found.items()})
    for event in events:
        event.target_name = names.get((event.target_type, event.target_id))


@admin.register(AuditEvent)
class AuditEventAdmin(RecordAdmin):
    list_display = [
        "at",
        "action",
        "target",
        "actor_link",
        "short_reason",
        "from_state",
        "to_state",
    ]
    list_filter = ["action", TargetTypeFilter]
    search_fields = ["=target_id", "actor_label", "reason"]
    search_help_text = (
        "Search by the target's id, User ID or tracking number, the actor's User ID, or words "
        "of the reason."
    )
    date_hierarchy = "at"
    ordering = ["-id"]
    fields = [
        "at",
        "action",
        "target",
        "actor_link",
        "client_address",
        "from_state",
        "to_state",
        "reason",
        "previous_hash",
        "hash",
    ]
    readonly_fields = fields

    def get_changelist_instance(self, request):
        changelist = super().get_changelist_instance(request)
        _attach_target_names(changelist.result_list)
        return changelist

    def get_search_results(self, request, queryset, search_term):
        results, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        term = search_term.strip()
        if not term:
            return results, may_have_duplicates
        named = Q(pk__in=[])
        for label, field in NAMED_TARGETS.items():
            model = model_for_label(label)
            if model is None:
                continue
            pks = model._default_manager.filter(**{f"{field}__iexact": term}).values_list(
                "pk", flat=True
            )[:NAMED_TARGET_LIMIT]
            named |= Q(target_type=label, target_id__in=[str(pk) for pk in pks])
        return results | queryset.filter(named), may_have_duplicates

    @admin.display(description="target", ordering="target_type")
    def target(self, event: AuditEvent):
        if not hasattr(event, "target_name"):  # the event's own page: one object, one query
            _attach_target_names([event])
        type_name = _type_name(event.target_type)
        if event.target_name is None:  # deleted since, or of a model that no longer exists
            return f"{type_name} #{event.target_id}"
        url = admin_change_url(model_for_label(event.target_type), event.target_id)
        return link(url, f"{type_name} {event.target_name}")

    @admin.display(description="actor", ordering="actor_label")
    def actor_link(self, event: AuditEvent):
        if not event.actor_label:
            return "system"
        url = admin_change_url(model_for_label(settings.AUTH_USER_MODEL), event.actor_id)
        return link(url if event.actor_id else None, event.actor_label)

    @admin.display(description="reason")
    def short_reason(self, event: AuditEvent) -> str:
        reason = event.reason
        return reason if len(reason) <= REASON_SHOWN else reason[: REASON_SHOWN - 1] + "…"
