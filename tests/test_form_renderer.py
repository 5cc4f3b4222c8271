"""iacs_portal/form_renderer.py: selects and inputs written in Python are Django's own markup,
byte for byte."""

from unittest import mock

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy

from accounts.contact_forms import STATE_CHOICES
from iacs_portal.form_renderer import FormRenderer, PlainSelect

FAST, STOCK = FormRenderer(), DjangoTemplates()


class Every(forms.Form):
    state = forms.ChoiceField(choices=STATE_CHOICES)
    grouped = forms.ChoiceField(
        choices=[
            ("", "- Select -"),
            ("Fruit", [("a", "Apple"), ("b", 'B & "quoted" <b>')]),
            ("c", mark_safe("<em>Safe</em>")),
        ],  # fmt: skip
    )
    several = forms.MultipleChoiceField(choices=[(1, "One"), (2, "Two"), (3, "Three")])
    maybe = forms.NullBooleanField()
    disabled = forms.ChoiceField(choices=[("x", "X")], disabled=True, required=False)
    # A value and labels that need escaping, a lazy label (not a plain string) and a number.
    escaped = forms.ChoiceField(
        choices=[('q"&<', gettext_lazy("Lazy & <label>")), (3, "Three's <3>"), ("", "")]
    )


BOUND = {"state": "MD", "grouped": "b", "several": ["1", "3"], "maybe": "true", "escaped": 'q"&<'}


@pytest.mark.parametrize("data", [None, BOUND, {"state": "nowhere"}])
@pytest.mark.parametrize("name", ["state", "grouped", "several", "maybe", "disabled", "escaped"])
def test_a_select_is_written_as_the_templates_write_it(name, data):
    form = Every(data) if data is not None else Every()
    form.is_valid()
    attrs = {"class": "usa-select usa-select--error", "aria-describedby": "x_hint x_error"}
    field = form[name]
    fast = field.field.widget.render(field.html_name, field.value(), attrs, renderer=FAST)
    stock = field.field.widget.render(field.html_name, field.value(), attrs, renderer=STOCK)
    assert fast == stock
    assert "<option" in fast


class Inputs(forms.Form):
    text = forms.CharField(widget=forms.TextInput(attrs={"autocomplete": "given-name"}))
    number = forms.IntegerField()
    email = forms.EmailField()
    url = forms.URLField(assume_scheme="https")
    password = forms.CharField(widget=forms.PasswordInput(render_value=True))
    hidden = forms.CharField(widget=forms.HiddenInput)
    date = forms.DateField(widget=forms.DateInput(format="%m/%d/%Y"))
    when = forms.DateTimeField()
    time = forms.TimeField()
    search = forms.CharField(widget=forms.SearchInput)
    tel = forms.CharField(widget=forms.TelInput)
    color = forms.CharField(widget=forms.ColorInput)
    checkbox = forms.BooleanField()
    unchecked = forms.BooleanField(required=False)
    disabled = forms.CharField(disabled=True, initial='a "quoted" <b> & value')
    safe = forms.CharField(initial=mark_safe("<em>Safe</em>"))


INPUTS_BOUND = {
    "text": 'Pat "P" <O\'Neil> & Co', "number": "12", "email": "a@b.org", "url": "x",
    "password": "s3cret<", "hidden": "h&", "date": "04/28/1986", "when": "2026-01-02 03:04",
    "time": "nope", "search": "Lak", "tel": "(410) 555-0100", "color": "#ff0000",
    "checkbox": "on",
}  # fmt: skip


@pytest.mark.parametrize("data", [None, INPUTS_BOUND, {"number": "x"}])
@pytest.mark.parametrize("name", list(Inputs.base_fields))
def test_an_input_is_written_as_the_templates_write_it(name, data):
    form = Inputs(data) if data is not None else Inputs()
    form.is_valid()
    field = form[name]
    attrs = {"class": "usa-input", "aria-describedby": "x_hint", "required": True, "off": False}
    fast = field.field.widget.render(field.html_name, field.value(), attrs, renderer=FAST)
    stock = field.field.widget.render(field.html_name, field.value(), attrs, renderer=STOCK)
    assert fast == stock
    assert fast.startswith("<input")


def test_an_input_template_overridden_by_an_app_is_used():
    renderer = FormRenderer()
    overridden = mock.Mock()
    overridden.origin.name = "/somewhere/app/templates/django/forms/widgets/input.html"
    with mock.patch.object(FormRenderer, "get_template", return_value=overridden):
        assert renderer.stock_inputs == frozenset()
    assert "django/forms/widgets/text.html" in FormRenderer().stock_inputs


@pytest.mark.parametrize("field", [Every(BOUND)["state"], Inputs(INPUTS_BOUND)["text"]])
def test_the_templates_are_not_used_for_a_stock_select_or_input(field):
    with mock.patch.object(DjangoTemplates, "render", side_effect=AssertionError) as render:
        field.field.widget.render(field.html_name, field.value(), {}, renderer=FormRenderer())
    render.assert_not_called()


def test_options_with_their_own_template_go_through_the_templates():
    class Custom(forms.Select):
        option_template_name = "django/forms/widgets/input_option.html"

    widget = Custom(choices=[("a", "Apple")])
    assert widget.render("f", "a", renderer=FAST) == widget.render("f", "a", renderer=STOCK)
    assert "<option" not in widget.render("f", "a", renderer=FAST)


def test_a_select_template_overridden_by_an_app_is_used():
    renderer = FormRenderer()
    overridden = mock.Mock()
    overridden.origin.name = "/somewhere/app/templates/django/forms/widgets/select.html"
    with mock.patch.object(FormRenderer, "get_template", return_value=overridden):
        assert renderer.stock_select is False
    assert FormRenderer().stock_select is True


def test_it_is_the_projects_renderer():
    from django.forms.renderers import get_default_renderer

    assert isinstance(get_default_renderer(), FormRenderer)


PLAIN_CHOICES = {
    "states": STATE_CHOICES,
    "escaped": [('q"&<', gettext_lazy("Lazy & <label>")), (3, "Three's <3>"), (None, "None")],
    "safe": [("", "- Select -"), ("a", mark_safe("<em>Safe</em>"))],
    "twice": [("a", "First"), ("a", "Again"), ("b", "B")],  # only the first is selected
    "grouped": [("", "-"), ("Fruit", [("a", "Apple")])],  # a group: through the templates
    "none": [],
}


@pytest.mark.parametrize("value", [None, "", "MD", 'q"&<', "3", 3, "a", ["a", "b"], "nowhere"])
@pytest.mark.parametrize("choices", list(PLAIN_CHOICES))
def test_a_plain_select_is_written_as_the_templates_write_a_select(choices, value):
    attrs = {"class": "usa-select", "id": "id_x", "required": True, "disabled": False}
    plain = PlainSelect(attrs={"data-x": "<y>"}, choices=PLAIN_CHOICES[choices])
    stock = forms.Select(attrs={"data-x": "<y>"}, choices=PLAIN_CHOICES[choices])
    written = plain.render("x&y", value, attrs, renderer=FAST)
    assert written == stock.render("x&y", value, attrs, renderer=STOCK)
    assert plain.render("x&y", value, attrs, renderer=STOCK) == written


def test_a_plain_select_makes_no_option_dictionaries_nor_uses_the_templates():
    widget = PlainSelect(choices=STATE_CHOICES)
    with (
        mock.patch.object(forms.Select, "optgroups", side_effect=AssertionError) as optgroups,
        mock.patch.object(DjangoTemplates, "render", side_effect=AssertionError) as render,
    ):
        assert 'value="MD" selected' in widget.render("state", "MD", renderer=FAST)
    optgroups.assert_not_called()
    render.assert_not_called()
