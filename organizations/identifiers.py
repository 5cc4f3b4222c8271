"""Form fields for the identifiers organizations and practitioners give: EIN/TIN, NPI, CCN/PTAN.

Digits are ASCII only (``re.ASCII``): an EIN typed in full-width digits is not a second EIN.
"""

import re

from django import forms
from django.core.exceptions import ValidationError

# The NPI check digit is the Luhn digit of the nine first digits behind the prefix 80840
# (the card issuer prefix assigned to health applications, ISO 7812).
NPI_PREFIX = "80840"


def npi_is_valid(npi: str) -> bool:
    if not re.fullmatch(r"\d{10}", npi, re.ASCII):
        return False
    total = 0
    for position, char in enumerate(reversed(NPI_PREFIX + npi)):
        digit = int(char)
        if position % 2 == 1:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0


class _DigitsField(forms.CharField):
    def widget_attrs(self, widget):
        return {**super().widget_attrs(widget), "inputmode": "numeric", "spellcheck": "false"}

    @staticmethod
    def digits(value: str) -> str:
        return re.sub(r"[\s-]", "", value)


class EINField(_DigitsField):
    """12-3456789 or 123456789 (an EIN, or an SSN used as a TIN); cleaned to nine digits."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 12)
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        if value in self.empty_values:
            return value
        digits = self.digits(value)
        if not re.fullmatch(r"\d{9}", digits, re.ASCII):
            raise ValidationError("Enter an EIN/TIN of 9 digits, like 12-3456789.")
        return digits


class NPIField(_DigitsField):
    """A National Provider Identifier: ten digits whose last one is its check digit."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 12)
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        if value in self.empty_values:
            return value
        digits = self.digits(value)
        if not re.fullmatch(r"\d{10}", digits, re.ASCII):
            raise ValidationError("Enter an NPI of 10 digits, like 1234567893.")
        if not npi_is_valid(digits):
            raise ValidationError(
                "This is not a valid NPI: its last digit does not match. Check each digit."
            )
        return digits


class CCNPTANField(forms.CharField):
    """A CMS Certification Number or a Provider Transaction Access Number: letters and digits."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 20)
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        if value in self.empty_values:
            return value
        cleaned = re.sub(r"[\s-]", "", value).upper()
        if not re.fullmatch(r"[A-Z0-9]{6,15}", cleaned):
            raise ValidationError("Enter a CCN or PTAN of 6 to 15 letters and digits.")
        return cleaned
