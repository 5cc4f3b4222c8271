"""iacs_portal/templatetags/uswds.py ``uswds_field``: the markup of uswds/field.html, byte for byte."""

import pytest
from django import forms
from django.template.loader import get_template, render_to_string
from django.utils.safestring import mark_safe

from accounts.recovery_forms import EmailCodeForm
from approvals.registration.forms import (
    AcceptTermsForm,
    ContactForm,
    JustificationForm,
    OrganizationSearchForm,
    RoleForm,
    UserInformationForm,
)
from approvals.registration.role_forms import GroupActionForm
from iacs_portal.templatetags.uswds import uswds_field


class Every(forms.Form):
    name = forms.CharField(label='Name <"quoted"> & co', help_text="Hint & <more>")
    optional = forms.CharField(required=False, label=mark_safe("<em>Safe</em> label"))
    notes = forms.CharField(widget=forms.Textarea, help_text=mark_safe("<b>safe</b> hint"))
    choice = forms.ChoiceField(choices=[("", "-"), ("a", "A & B")])
    agree = forms.BooleanField(label="I agree", help_text="Check it")
    maybe = forms.BooleanField(required=False)
    kind = forms.ChoiceField(choices=[("a", "A"), ("b", "B")], widget=forms.RadioSelect)
    numbered = forms.TypedChoiceField(
        choices=[(12345, "Clinic & <Co>"), (7, mark_safe("<b>Seven</b>"))],
        coerce=int,
        required=False,
        help_text="Pick one",
        widget=forms.RadioSelect,
    )
    several = forms.MultipleChoiceField(choices=[("1", "One")], widget=forms.CheckboxSelectMultiple)
    secret = forms.CharField(widget=forms.HiddenInput, required=False)

    def clean(self):
        raise forms.ValidationError("Form-wide")


def template(field) -> str:
    return get_template("uswds/field.html").render({"field": field})


@pytest.mark.parametrize(
    "data",
    [None, {}, {"name": "<x>", "notes": "n", "choice": "zz", "kind": "b", "numbered": "12345"}],
)
@pytest.mark.parametrize("name", list(Every.base_fields))
def test_a_field_is_written_as_the_template_writes_it(name, data):
    form = Every(data) if data is not None else Every(auto_id="my_%s")
    form.is_valid()
    field = form[name]
    field.form.errors  # noqa: B018 - bound forms are validated before they are shown
    if data == {} and field.field.required:
        field.form.add_error(name, 'Another error with "quotes" & <tags>')
    assert uswds_field(field) == template(field)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "form",
    [
        AcceptTermsForm(),
        AcceptTermsForm({}),
        UserInformationForm(),
        UserInformationForm({"first_name": "Pat", "email": "nope"}),
        ContactForm(),
        ContactForm({"zip_code": "1"}),
        OrganizationSearchForm({"name": "a"}),
        JustificationForm({}),
        EmailCodeForm({"code": "x"}),
        GroupActionForm(),
        GroupActionForm({"action": "nope"}),
    ],
    ids=lambda form: f"{type(form).__name__}{'-bound' if form.is_bound else ''}",
)
def test_the_wizards_forms_render_as_before(form):
    form.is_valid()
    for field in form.visible_fields():
        assert uswds_field(field) == template(field)


@pytest.mark.django_db
@pytest.mark.parametrize("data", [None, {}, {"role": "bso"}, {"role": "nope"}])
def test_the_role_choice_with_its_descriptions_renders_as_before(data):
    from organizations.models import Community

    form = RoleForm(data, community=Community.objects.get(slug="provider-supplier"))
    form.is_valid()
    assert "usa-radio__label-description" in uswds_field(form["role"])
    assert uswds_field(form["role"]) == template(form["role"])


@pytest.mark.django_db
def test_a_form_renders_through_the_pack():
    from organizations.models import Community

    form = RoleForm(community=Community.objects.get(slug="provider-supplier"))
    page = render_to_string("uswds/uni_form.html", {"form": form})
    assert page.count('type="radio"') == len(form.fields["role"].choices)
    page = render_to_string("uswds/uni_form.html", {"form": ContactForm()})
    assert page.count('class="usa-form-group"') == len(ContactForm().visible_fields())
