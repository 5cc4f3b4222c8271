"""Helpers for the ``uswds`` crispy-forms template pack (templates/uswds/)."""

from django import forms, template

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
