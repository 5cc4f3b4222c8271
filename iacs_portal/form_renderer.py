"""The form renderer: Django's own, with ``<select>`` written in Python.

Django renders a select through one template include per option, each with another include for
its attributes: the 57 states and territories took ~5 ms a select, most of a registration
step's time (docs/performance.md). ``FormRenderer`` writes the same markup, byte for byte, with
string operations, as long as the three templates are Django's stock ones; a select whose
templates an app overrides, or whose options use another template, goes through the templates
as before. ``tests/test_form_renderer.py`` compares the two outputs.
"""

from pathlib import Path

import django.forms
from django.forms.renderers import DjangoTemplates
from django.utils.functional import cached_property
from django.utils.html import conditional_escape, escape

SELECT = "django/forms/widgets/select.html"
OPTION = "django/forms/widgets/select_option.html"
ATTRS = "django/forms/widgets/attrs.html"
_STOCK_TEMPLATES = Path(django.forms.__file__).resolve().parent / "templates"


def _attrs(attrs: dict) -> str:
    """What attrs.html writes: `` name="value"``, a bare `` name`` for True, nothing for False."""
    out = []
    for name, value in attrs.items():
        if value is False:
            continue
        out.append(f" {conditional_escape(name)}")
        if value is not True:
            out.append(f'="{escape(str(value))}"')
    return "".join(out)


def _option(option: dict) -> str:
    value, label = escape(str(option["value"])), conditional_escape(option["label"])
    return f'<option value="{value}"{_attrs(option["attrs"])}>{label}</option>\n'  # file's end


def render_select(widget: dict) -> str:
    """select.html for ``widget`` (a widget's template context), stripped as renderers do."""
    out = [f'<select name="{conditional_escape(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            out.append(f'\n  <optgroup label="{conditional_escape(group_name)}">')
        out.extend(f"\n  {_option(option)}" for option in group_choices)
        if group_name:
            out.append("\n  </optgroup>")
    out.append("\n</select>")
    return "".join(out)


class FormRenderer(DjangoTemplates):
    """``settings.FORM_RENDERER``: Django's template renderer, selects written in Python."""

    @cached_property
    def stock_select(self) -> bool:
        """Whether the select templates found are Django's own (no app overrides them)."""
        return all(
            Path(self.get_template(name).origin.name).resolve().is_relative_to(_STOCK_TEMPLATES)
            for name in (SELECT, OPTION, ATTRS)
        )

    def render(self, template_name, context, request=None):
        widget = context.get("widget") if template_name == SELECT else None
        if widget and self.stock_select and _stock_options(widget):
            return render_select(widget)
        return super().render(template_name, context, request=request)


def _stock_options(widget: dict) -> bool:
    return all(
        option["template_name"] == OPTION
        for _name, choices, _index in widget["optgroups"]
        for option in choices
    )
