"""Password validators for the SPEC 9 rules Django does not ship."""

from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils.translation import ngettext


class MaximumLengthValidator:
    def __init__(self, max_length: int = 64):
        self.max_length = max_length

    def validate(self, password, user=None):
        if len(password) > self.max_length:
            raise ValidationError(
                ngettext(
                    "This password is too long. It must contain at most %(max)d character.",
                    "This password is too long. It must contain at most %(max)d characters.",
                    self.max_length,
                ),
                code="password_too_long",
                params={"max": self.max_length},
            )

    def get_help_text(self):
        return f"Your password must contain at most {self.max_length} characters."


class PasswordHistoryValidator:
    """Refuses the current password and the ``history_count`` before it."""

    def __init__(self, history_count: int = 6):
        self.history_count = history_count

    def validate(self, password, user=None):
        if user is None or user.pk is None:
            return
        recent = user.password_history.values_list("password", flat=True)[: self.history_count]
        if any(check_password(password, old) for old in recent):
            raise ValidationError(
                f"You cannot reuse any of your last {self.history_count} passwords.",
                code="password_reused",
            )

    def get_help_text(self):
        return f"Your password cannot be one of your last {self.history_count} passwords."
