"""Model fields whose column holds only ciphertext (accounts.crypto, ADR 10).

In Python the attribute is the plain value (a string, a date); in the database it is a Fernet
token, different at every save. Such a column cannot be filtered, ordered or joined on in SQL:
every lookup but ``isnull`` is refused, so nobody writes a query that silently matches nothing.
"""

from datetime import date

from django import forms
from django.db import models

from .crypto import decrypt, encrypt


class EncryptedMixin:
    encrypted = True

    def get_internal_type(self):
        return "TextField"

    def get_lookup(self, lookup_name):
        if lookup_name != "isnull":
            return None
        return super().get_lookup(lookup_name)

    def get_transform(self, name):
        return None

    def _to_text(self, value) -> str:
        raise NotImplementedError

    def _from_text(self, text: str):
        raise NotImplementedError

    def get_prep_value(self, value):
        value = self.to_python(value)
        if value is None or value == "":
            return value
        return encrypt(self._to_text(value))

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return self._from_text(decrypt(value))


class EncryptedTextField(EncryptedMixin, models.TextField):
    """A short secret string, such as an SSN. The empty string is stored as itself."""

    def to_python(self, value):
        if value is None:
            return value
        return str(value)

    def _to_text(self, value) -> str:
        return value

    def _from_text(self, text: str) -> str:
        return text


class EncryptedDateField(EncryptedMixin, models.TextField):
    """A date, such as a date of birth; ``None`` when empty."""

    def to_python(self, value):
        if value in (None, ""):
            return None
        if isinstance(value, date):
            return value
        return date.fromisoformat(str(value))

    def _to_text(self, value) -> str:
        return value.isoformat()

    def _from_text(self, text: str) -> date:
        return date.fromisoformat(text)

    def formfield(self, **kwargs):
        # Skip TextField.formfield, which would impose a textarea.
        return models.Field.formfield(self, **{"form_class": forms.DateField, **kwargs})
