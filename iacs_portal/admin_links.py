"""Links between admin pages: from a record to the object it is about, where that has a page.

A link is only a convenience: the page it opens checks the staff member's permissions itself.
"""

from django.apps import apps
from django.contrib import admin
from django.db.models import Model
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html


def model_for_label(label: str) -> type[Model] | None:
    """The model of a label such as "approvals.accessrequest", or None if there is none."""
    try:
        return apps.get_model(label)
    except (LookupError, ValueError):
        return None


def _admin_url(model: type[Model] | None, view: str, *args) -> str | None:
    if model is None or not admin.site.is_registered(model):
        return None
    opts = model._meta
    try:
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)
    except NoReverseMatch:
        return None


def admin_change_url(model: type[Model] | None, pk) -> str | None:
    return _admin_url(model, "change", pk)


def admin_change_url_by(model: type[Model] | None, field: str, value: str) -> str | None:
    """The page of the object whose unique ``field`` is ``value`` (a User ID, a tracking number)."""
    if model is None or not admin.site.is_registered(model):
        return None
    pk = model._default_manager.filter(**{field: value}).values_list("pk", flat=True).first()
    return admin_change_url(model, pk) if pk is not None else None


def link(url: str | None, text) -> str:
    return format_html('<a href="{}">{}</a>', url, text) if url else text
