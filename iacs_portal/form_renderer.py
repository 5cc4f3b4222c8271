"""The form renderer: Django's own, with ``<select>`` and ``<input>`` written in Python.

Django renders a select through one template include per option, each with another include for
its attributes: the 57 states and territories took ~5 ms a select, most of a registration
step's time (docs/performance.md). An input is three templates deep (``text.html`` includes
``input.html``, which includes ``attrs.html``): ~0.1 ms each, a millisecond for a form of ten
fields. ``FormRenderer`` writes the same markup, byte for byte, with string operations, as long
as the templates are Django's stock ones; a widget whose templates an app overrides, or a select
whose options use another template, goes through the templates as before. ``PlainSelect`` (the
states, the organizations a search found) also skips the dictionary Django makes of each option
before any renderer writes it. ``tests/test_form_renderer.py`` compares the outputs.
"""

import html
from pathlib import Path

import django.forms
from django.forms.renderers import DjangoTemplates, get_default_renderer
from django.utils.functional import cached_property
from django.utils.html import conditional_escape, escape
from django.utils.safestring import mark_safe

SELECT = "django/forms/widgets/select.html"
OPTION = "django/forms/widgets/select_option.html"
ATTRS = "django/forms/widgets/attrs.html"
INPUT = "django/forms/widgets/input.html"
# The input widgets whose template is only ``{% include "django/forms/widgets/input.html" %}``.
INPUTS = frozenset(
    f"django/forms/widgets/{kind}.html"
    for kind in (
        "text", "number", "email", "url", "password", "hidden", "date", "datetime", "time",
        "search", "tel", "color", "checkbox",
    )
)  # fmt: skip
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


def _text(text) -> str:
    """``conditional_escape(text)``: a plain string escaped by ``html.escape`` itself, as Django's
    ``escape`` does, without the checks for lazy objects around it (half of a select's time,
    two calls an option: 57 for the states)."""
    if text.__class__ is str:
        return html.escape(text)
    return conditional_escape(text)


def _option_markup(value, label, attrs: str) -> str:
    # select_option.html, its file's end included
    return f'<option value="{html.escape(str(value))}"{attrs}>{_text(label)}</option>\n'


def _option(option: dict) -> str:
    attrs = _attrs(option["attrs"]) if option["attrs"] else ""
    return _option_markup(option["value"], option["label"], attrs)


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


class PlainSelect(django.forms.Select):
    """A select of plain choices (no groups) written in Python from the choices themselves:
    Django first makes a dictionary of each option (``optgroups``), half the time of a select
    even written by ``render_select``. The same markup, byte for byte; through ``render`` as
    before for another renderer, templates an app overrides, several choices or a group."""

    def render(self, name, value, attrs=None, renderer=None):
        renderer = renderer or get_default_renderer()
        stock = (
            isinstance(renderer, FormRenderer)
            and renderer.stock_select
            and (self.template_name, self.option_template_name) == (SELECT, OPTION)
        )
        if not stock or self.allow_multiple_selected:
            return super().render(name, value, attrs, renderer)
        values, chosen, options = self.format_value(value), False, []
        for option_value, label in self.choices:
            if isinstance(label, list | tuple):  # a group
                return super().render(name, value, attrs, renderer)
            if option_value is None:
                option_value = ""
            selected = not chosen and str(option_value) in values  # as optgroups chooses
            chosen |= selected
            options.append(
                f"\n  {_option_markup(option_value, label, ' selected' if selected else '')}"
            )
        name, attrs = conditional_escape(name), _attrs(self.build_attrs(self.attrs, attrs))
        # Safe: its name, attributes, values and labels are escaped as the templates escape them.
        markup = f'<select name="{name}"{attrs}>{"".join(options)}\n</select>'
        return mark_safe(markup)  # noqa: S308  # nosec B308 B703


def render_input(widget: dict) -> str:
    """input.html for ``widget`` (a widget's template context), stripped as renderers do."""
    value = widget["value"]
    # ``value|stringformat:'s'``: a safe value as it is, any other escaped.
    value = "" if value is None else f' value="{conditional_escape(value)}"'
    kind, name = conditional_escape(widget["type"]), conditional_escape(widget["name"])
    return f'<input type="{kind}" name="{name}"{value}{_attrs(widget["attrs"])}>'


class FormRenderer(DjangoTemplates):
    """``settings.FORM_RENDERER``: Django's template renderer, selects and inputs in Python."""

    def _stock(self, *names: str) -> bool:
        return all(
            Path(self.get_template(name).origin.name).resolve().is_relative_to(_STOCK_TEMPLATES)
            for name in names
        )

    @cached_property
    def stock_select(self) -> bool:
        """Whether the select templates found are Django's own (no app overrides them)."""
        return self._stock(SELECT, OPTION, ATTRS)

    @cached_property
    def stock_inputs(self) -> frozenset:
        """The input templates (of INPUTS) found to be Django's own, with input and attrs."""
        if not self._stock(INPUT, ATTRS):
            return frozenset()
        return frozenset(name for name in INPUTS if self._stock(name))

    def render(self, template_name, context, request=None):
        widget = context.get("widget")
        if widget and template_name == SELECT:
            if self.stock_select and _stock_options(widget):
                return render_select(widget)
        elif widget and template_name in self.stock_inputs:
            return render_input(widget)
        return super().render(template_name, context, request=request)


def _stock_options(widget: dict) -> bool:
    return all(
        option["template_name"] == OPTION
        for _name, choices, _index in widget["optgroups"]
        for option in choices
    )
