from datetime import date, timedelta

import pytest
from django import forms
from django.core.exceptions import ValidationError

from accounts.contact_forms import STATE_CHOICES
from accounts.fields import DateOfBirthField, FixedChoiceField, SSNField, USPhoneField, ZIPCodeField


@pytest.mark.parametrize("typed", ["123-45-6789", "123 45 6789", "123456789", " 123-45-6789 "])
def test_ssn_accepts_usual_formats(typed):
    assert SSNField().clean(typed) == "123456789"


@pytest.mark.parametrize("typed", ["12345678", "1234567890", "abc-de-fghi", "000-12-3456",
                                   "123-00-4567", "123-45-0000", "123--45-6789"])  # fmt: skip
def test_ssn_refuses_malformed(typed):
    with pytest.raises(ValidationError):
        SSNField().clean(typed)


def test_ssn_is_never_rendered_back():
    field = SSNField()
    assert 'value="' not in field.widget.render("ssn", "123456789")


@pytest.mark.parametrize("typed", ["(410) 555-0100", "410.555.0100", "4105550100", "+1 410 555 0100",
                                   "1-410-555-0100"])  # fmt: skip
def test_phone_accepts_usual_formats(typed):
    assert USPhoneField().clean(typed) == "410-555-0100"


@pytest.mark.parametrize("typed", ["555-0100", "410-555-01000", "call me", "41O-555-0100"])
def test_phone_refuses_malformed(typed):
    with pytest.raises(ValidationError):
        USPhoneField().clean(typed)


@pytest.mark.parametrize(("typed", "clean"), [("21201", "21201"), ("21201-1234", "21201-1234"),
                                              ("212011234", "21201-1234"), (" 21201 ", "21201")])  # fmt: skip
def test_zip_accepts_usual_formats(typed, clean):
    assert ZIPCodeField().clean(typed) == clean


@pytest.mark.parametrize("typed", ["2120", "21201-12", "ABCDE", "212011"])
def test_zip_refuses_malformed(typed):
    with pytest.raises(ValidationError):
        ZIPCodeField().clean(typed)


@pytest.mark.parametrize("typed", ["03/12/1984", "3/12/1984", "03-12-1984", "1984-03-12"])
def test_date_of_birth_accepts_usual_formats(typed):
    assert DateOfBirthField().clean(typed) == date(1984, 3, 12)


@pytest.mark.parametrize("typed", ["13/12/1984", "02/30/1984", "yesterday", "12/31/1899",
                                   (date.today() + timedelta(days=1)).strftime("%m/%d/%Y")])  # fmt: skip
def test_date_of_birth_refuses_impossible_dates(typed):
    with pytest.raises(ValidationError):
        DateOfBirthField().clean(typed)


class Address(forms.Form):
    state = FixedChoiceField(choices=STATE_CHOICES)


class StockAddress(forms.Form):
    state = forms.ChoiceField(choices=STATE_CHOICES)


@pytest.mark.parametrize("data", [None, {"state": "MD"}, {"state": "ZZ"}, {}])
def test_a_fixed_choice_is_checked_and_shown_as_a_choice_field_does(data):
    fixed, stock = Address(data), StockAddress(data)
    assert fixed.is_valid() == stock.is_valid()
    assert fixed.errors == stock.errors
    assert str(fixed["state"]) == str(stock["state"])


def test_fixed_choices_are_shared_by_the_forms_and_replaced_in_one_form_alone():
    first, second = Address(), Address()
    assert first.fields["state"].choices is second.fields["state"].choices  # not copied
    assert first.fields["state"].widget.choices is second.fields["state"].widget.choices
    assert first.fields["state"].widget.attrs is not second.fields["state"].widget.attrs
    first.fields["state"].choices = [("MD", "Maryland")]
    assert second.fields["state"].choices == STATE_CHOICES
    assert second.fields["state"].widget.choices == STATE_CHOICES
    assert Address().fields["state"].widget.choices == STATE_CHOICES
