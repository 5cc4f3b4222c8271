"""Shared by the hostile-input tests: each example rolled back, and what a refusal must show."""

from contextlib import contextmanager

from django.core.cache import cache
from django.db import transaction
from django.forms.forms import NON_FIELD_ERRORS
from django.utils.html import escape


@contextmanager
def example():
    """One hypothesis example: a fresh rate-limit count, and nothing it wrote kept after it."""
    cache.clear()
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def assert_errors_attached(form) -> None:
    """Every error belongs to a field of the form, or is the form's own, and says something."""
    for name, errors in form.errors.items():
        assert name == NON_FIELD_ERRORS or name in form.fields, (
            f"{type(form).__name__}: error on {name!r}, which is not one of its fields"
        )
        assert errors, f"{type(form).__name__}: {name!r} has an empty error list"
        for message in errors:
            assert str(message).strip(), f"{type(form).__name__}: an empty message on {name!r}"


def assert_no_nul_accepted(form) -> None:
    """PostgreSQL refuses NUL in text: a form that accepted one would fail when saving it."""
    if not form.is_valid():
        return
    for name, value in form.cleaned_data.items():
        assert not (isinstance(value, str) and "\x00" in value), (
            f"{type(form).__name__}.{name} accepted a NUL character"
        )


def assert_refusal_shown(response, *, admin: bool = False, shown=None) -> None:
    """A post re-rendered with errors shows each message, next to its field, and a summary.

    ``shown(context)`` -> (the form the page shows the errors of, a text the page shows
    instead of errors or None); by default the context's form.
    """
    context = response.context
    if response.status_code != 200 or context is None:
        return
    form, instead = shown(context) if shown else (context.get("form"), None)
    page = response.content.decode()
    if instead is not None:
        assert instead in page, f"the page does not say {instead!r}"
        return
    if form is None or not form.is_bound or not form.errors:
        return
    for name, errors in form.errors.items():
        for message in errors:
            assert escape(str(message)) in page, f"the error {message!r} on {name!r} is not shown"
        if name == NON_FIELD_ERRORS or admin:
            continue
        field = form[name]
        if field.is_hidden:
            continue
        assert f'id="{field.auto_id}_error"' in page, f"no error message next to {name!r}"
    if admin:
        assert 'class="errornote"' in page or "errorlist" in page, "no error note"
    else:
        assert 'id="error-summary"' in page and "There is a problem" in page, "no error summary"
