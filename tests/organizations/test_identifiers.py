"""The identifiers organizations and practitioners give: NPI, EIN/TIN, CCN/PTAN."""

import pytest
from django.core.exceptions import ValidationError

from organizations.identifiers import CCNPTANField, EINField, NPIField, npi_is_valid

# CMS's check-digit example: for the nine digits 123456789 exactly one tenth digit, 3, is
# right. 1245319599 is another NPI often given as an example of a valid one.
VALID_NPI = "1234567893"


@pytest.mark.parametrize("last", range(10))
def test_exactly_one_check_digit_completes_an_npi(last):
    assert npi_is_valid(f"123456789{last}") == (last == 3)


@pytest.mark.parametrize("npi", ["0000000006", "9999999995", "1245319599", VALID_NPI])
def test_npis_with_a_right_check_digit_are_valid(npi):
    assert npi_is_valid(npi)


@pytest.mark.parametrize("npi", ["0000000000", "9999999999", "1245319598", "2134567893"])
def test_a_wrong_check_digit_or_swapped_digits_are_caught(npi):
    assert not npi_is_valid(npi)


@pytest.mark.parametrize("npi", ["", "123456789", "12345678930", "123456789A", "1234 567893"])
def test_an_npi_must_be_exactly_ten_digits(npi):
    assert not npi_is_valid(npi)


def clean(field, value):
    return field.clean(value)


@pytest.mark.parametrize("typed", [VALID_NPI, "123-456-7893", " 1234567893 ", "12345 67893"])
def test_npi_field_accepts_spaces_and_dashes_and_keeps_digits(typed):
    assert clean(NPIField(), typed) == VALID_NPI


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("1234567890", "its last digit does not match"),
        ("123456789", "Enter an NPI of 10 digits"),
        ("12345678930", "Enter an NPI of 10 digits"),
        ("12345678a3", "Enter an NPI of 10 digits"),
    ],
)
def test_npi_field_says_what_is_wrong(typed, message):
    with pytest.raises(ValidationError, match=message):
        clean(NPIField(), typed)


def test_npi_field_is_optional_where_the_form_says_so():
    assert clean(NPIField(required=False), "") == ""
    with pytest.raises(ValidationError, match="required"):
        clean(NPIField(), "")


@pytest.mark.parametrize("typed", ["12-3456789", "123456789", " 12 3456789 ", "12-345-6789"])
def test_ein_field_accepts_the_usual_formats(typed):
    assert clean(EINField(), typed) == "123456789"


@pytest.mark.parametrize(
    "typed", ["12-345678", "12-34567890", "AB-CDEFGHI", "12/3456789", "12_3456789"]
)
def test_ein_field_refuses_anything_but_nine_digits(typed):
    with pytest.raises(ValidationError, match="Enter an EIN/TIN of 9 digits"):
        clean(EINField(), typed)


def test_ein_field_refuses_overlong_input_before_reading_it():
    with pytest.raises(ValidationError, match="at most 12 characters"):
        clean(EINField(), "1-2-3-4-5-6-7-8-9")


def test_ein_field_is_optional_where_the_form_says_so():
    assert clean(EINField(required=False), "") == ""


@pytest.mark.parametrize(("typed", "kept"), [("210001", "210001"), ("ab-12 34", "AB1234"),
                                             ("A1B2C3D4E5F6G7H", "A1B2C3D4E5F6G7H")])  # fmt: skip
def test_ccn_ptan_field_keeps_letters_and_digits_upper_case(typed, kept):
    assert clean(CCNPTANField(), typed) == kept


@pytest.mark.parametrize("typed", ["12345", "A1B2C3D4E5F6G7H8", "21000#"])
def test_ccn_ptan_field_refuses_other_lengths_and_symbols(typed):
    with pytest.raises(ValidationError, match="6 to 15 letters and digits"):
        clean(CCNPTANField(), typed)


def test_identifier_inputs_ask_for_a_numeric_keyboard():
    for field in (NPIField(), EINField()):
        attrs = field.widget_attrs(field.widget)
        assert attrs["inputmode"] == "numeric" and attrs["spellcheck"] == "false"
