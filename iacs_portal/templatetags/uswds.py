"""Helpers for the ``uswds`` crispy-forms template pack (templates/uswds/)."""

from django import forms, template
from django.template.defaultfilters import join
from django.template.loader import get_template
from django.utils.html import format_html, format_html_join

register = template.Library()

_CLASS_BY_WIDGET = (
    (forms.Textarea, "usa-textarea"),
    (forms.Select, "usa-select"),
    (forms.CheckboxInput, "usa-checkbox__input"),
    (forms.widgets.Input, "usa-input"),
)


@register.simple_tag
def uswds_widget(field):
    """Render a field's widget with USWDS classes and its hint/error wired to aria-describedby."""
    widget = field.field.widget
    classes = [widget.attrs.get("class", "")]
    for widget_class, css in _CLASS_BY_WIDGET:
        if isinstance(widget, widget_class):
            classes.append(css)
            if field.errors and css in ("usa-input", "usa-select", "usa-textarea"):
                classes.append(f"{css}--error")
            break
    attrs = {"class": " ".join(c for c in classes if c)}
    described_by = describedby_ids(field)
    if described_by:
        attrs["aria-describedby"] = described_by
    if field.errors:
        attrs["aria-invalid"] = "true"
    return field.as_widget(attrs=attrs)


@register.filter
def describedby_ids(field) -> str:
    ids = []
    if field.help_text:
        ids.append(f"{field.auto_id}_hint")
    if field.errors:
        ids.append(f"{field.auto_id}_error")
    return " ".join(ids)


@register.filter
def is_choice_group(field) -> bool:
    return isinstance(field.field.widget, forms.RadioSelect | forms.CheckboxSelectMultiple)


@register.filter
def is_checkbox(field) -> bool:
    return isinstance(field.field.widget, forms.CheckboxInput)


@register.filter
def option_description(choice) -> str:
    return choice.data["attrs"].get("data-description", "")


@register.filter
def error_target(field) -> str:
    """The id the error summary links to: the control, or a radio group's first option."""
    return field.id_for_label or f"{field.auto_id}_0"


def _hint_and_error(field) -> tuple[str, str]:
    hint = error = ""
    if field.help_text:
        hint = format_html(
            '<div class="usa-hint" id="{}_hint">{}</div>', field.auto_id, field.help_text
        )
    if field.errors:
        error = format_html(
            '<span class="usa-error-message" id="{}_error">{}</span>',
            field.auto_id,
            join(field.errors, " ", autoescape=True),
        )
    return hint, error


def _choice(choice, kind: str, name: str) -> str:
    """One radio button or check box of a group, with its label (and description)."""
    data = choice.data
    description = option_description(choice)
    if description:
        description = format_html(
            '<span class="usa-{}__label-description">{}</span>', kind, description
        )
    return format_html(
        '\n      <div class="usa-{}">\n        <input class="usa-{}__input usa-{}__input--tile" '
        'type="{}" id="{}" name="{}" value="{}"{}{}>\n'
        '        <label class="usa-{}__label" for="{}">{}{}</label>\n      </div>\n    ',
        kind, kind, kind, kind, choice.id_for_label, name, data["value"],
        " checked" if data["selected"] else "",
        " disabled" if data["attrs"].get("disabled") else "",
        kind, choice.id_for_label, choice.choice_label, description,
    )  # fmt: skip


def _choice_group(field) -> str:
    """Radio buttons or check boxes in a fieldset (the role step's six roles with their
    descriptions: the template's loop cost about half a millisecond a page)."""
    kind = field.field.widget.input_type
    described_by = describedby_ids(field)
    hint, error = _hint_and_error(field)
    choices = format_html_join("", "{}", ((_choice(c, kind, field.html_name),) for c in field))
    return format_html(
        '\n<div class="usa-form-group{}">\n  <fieldset class="usa-fieldset"{}>\n'
        '    <legend class="usa-legend">{}{}</legend>\n    {}\n    {}\n    \n    {}\n    \n'
        "  </fieldset>\n</div>\n\n",
        " usa-form-group--error" if field.errors else "",
        format_html(' aria-describedby="{}"', described_by) if described_by else "",
        field.label, "" if field.field.required else " (optional)", hint, error, choices,
    )  # fmt: skip


@register.simple_tag
def uswds_field(field):
    """``uswds/field.html`` for one field, byte for byte, written here (the template's some
    twenty lookups a field, each field of a form, and as many again for each choice of a group);
    a hidden field through the template. tests/test_uswds_field.py compares the two."""
    if field.is_hidden:
        return get_template("uswds/field.html").render({"field": field})
    if is_choice_group(field):
        return _choice_group(field)
    errors = field.errors
    group = " usa-form-group--error" if errors else ""
    hint, error = _hint_and_error(field)
    widget = uswds_widget(field)
    if is_checkbox(field):
        return format_html(
            '\n<div class="usa-form-group{}">\n  {}\n  <div class="usa-checkbox">\n    {}\n'
            '    <label class="usa-checkbox__label" for="{}">{}</label>\n  </div>\n  {}\n'
            "</div>\n\n",
            group, error, widget, field.id_for_label, field.label, hint,
        )  # fmt: skip
    return format_html(
        '\n<div class="usa-form-group{}">\n  <label class="usa-label" for="{}">{}{}</label>\n'
        "  {}\n  {}\n  {}\n</div>\n\n",
        group, field.id_for_label, field.label, "" if field.field.required else " (optional)",
        hint, error, widget,
    )  # fmt: skip
