"""Form fields that accept the formats people usually type and store one canonical form.

Digits are ASCII only (``re.ASCII``): a full-width or Arabic-Indic digit would otherwise pass
and store a second spelling of the same number.
"""

import re
from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.views.decorators.debug import sensitive_variables

from iacs_portal.form_renderer import PlainSelect


class SecretInput(forms.TextInput):
    """Typed like text, but never sent back to the browser after a submit (e.g. an SSN)."""

    def format_value(self, value):
        return None


class _FixedSelect(PlainSelect):
    def __deepcopy__(self, memo):
        return forms.Widget.__deepcopy__(self, memo)  # the choices shared, as the field's


class FixedChoiceField(forms.ChoiceField):
    """A choice among a fixed list, such as the states and territories: the list is shared by the
    copies of the field each form makes, where ``ChoiceField`` and ``Select`` copy it again, tuple
    by tuple (0.17 ms for the 57 states, on every form that offers them). Django only ever
    replaces a field's choices, never changes them in place: so must whoever sets them."""

    widget = _FixedSelect

    def __deepcopy__(self, memo):
        return forms.Field.__deepcopy__(self, memo)


class SSNField(forms.CharField):
    """123-45-6789, 123 45 6789 or 123456789; cleaned to nine digits."""

    widget = SecretInput

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 20)
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        return {
            **super().widget_attrs(widget),
            "inputmode": "numeric",
            "autocomplete": "off",
            "spellcheck": "false",
        }

    @sensitive_variables()  # error reports never show the SSN
    def clean(self, value):
        value = super().clean(value)
        if value in self.empty_values:
            return value
        if not re.fullmatch(r"\d{3}[\s-]?\d{2}[\s-]?\d{4}", value.strip(), re.ASCII):
            raise ValidationError("Enter a Social Security number of 9 digits, like 123-45-6789.")
        digits = re.sub(r"\D", "", value, flags=re.ASCII)
        if digits[:3] == "000" or digits[3:5] == "00" or digits[5:] == "0000":
            raise ValidationError("Enter a valid Social Security number.")
        return digits


class USPhoneField(forms.CharField):
    """(555) 123-4567, 555.123.4567, +1 555 123 4567...; cleaned to 555-123-4567."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 25)
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        return {**super().widget_attrs(widget), "type": "tel", "autocomplete": "tel-national"}

    def clean(self, value):
        value = super().clean(value)
        if value in self.empty_values:
            return value
        if re.search(r"[^\d\s().+-]", value, re.ASCII):
            raise ValidationError("Enter a phone number using digits, like 555-123-4567.")
        digits = re.sub(r"\D", "", value, flags=re.ASCII)
        if len(digits) == 11 and digits.startswith("1"):
            digits = digits[1:]
        if len(digits) != 10:
            raise ValidationError("Enter a 10-digit U.S. phone number, like 555-123-4567.")
        return f"{digits[:3]}-{digits[3:6]}-{digits[6:]}"


class ZIPCodeField(forms.CharField):
    """12345, 12345-6789 or 123456789; cleaned to 12345 or 12345-6789."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 12)
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        return {
            **super().widget_attrs(widget),
            "inputmode": "numeric",
            "autocomplete": "postal-code",
        }

    def clean(self, value):
        value = super().clean(value)
        if value in self.empty_values:
            return value
        digits = re.sub(r"[\s-]", "", value)
        if not re.fullmatch(r"\d{5}(\d{4})?", digits, re.ASCII):
            raise ValidationError(
                "Enter a ZIP code of 5 digits or 9 digits, like 20001 or 20001-1234."
            )
        return digits if len(digits) == 5 else f"{digits[:5]}-{digits[5:]}"


class DateOfBirthField(forms.DateField):
    """MM/DD/YYYY (also M/D/YYYY, MM-DD-YYYY and YYYY-MM-DD); a real past date."""

    input_formats = ["%m/%d/%Y", "%m-%d-%Y", "%Y-%m-%d", "%m.%d.%Y"]
    default_error_messages = {
        "invalid": "Enter a date of birth as MM/DD/YYYY, like 04/28/1986.",
    }

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", forms.DateInput(format="%m/%d/%Y"))
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        return {**super().widget_attrs(widget), "autocomplete": "bday", "inputmode": "numeric"}

    @sensitive_variables()
    def clean(self, value):
        value = super().clean(value)
        if value in self.empty_values:
            return value
        if value >= date.today():
            raise ValidationError("Date of birth must be in the past.")
        if value.year < 1900:
            raise ValidationError("Enter a date of birth after 01/01/1900.")
        return value
