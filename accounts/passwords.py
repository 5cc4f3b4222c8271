"""Password validators for the SPEC 9 rules Django does not ship."""

import re
from functools import cache

from django.contrib.auth.hashers import check_password
from django.contrib.auth.password_validation import CommonPasswordValidator
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


@cache
def _common_passwords() -> frozenset[str]:
    return frozenset(CommonPasswordValidator().passwords)


class BlocklistValidator:
    """Refuses long passwords that are still guessable (NIST 800-63B 3.1.1.2).

    Django's list holds mostly short passwords, so a long one is also refused when, reduced to
    its letters, it is a common password, a common password repeated (``passwordpassword``),
    or it contains a word about this service.
    """

    def __init__(self, context_words=("iacs", "medicare", "cmsportal", "cmsapplications")):
        self.context_words = tuple(context_words)

    def validate(self, password, user=None):
        letters = re.sub(r"[^a-z]", "", password.lower())
        common = _common_passwords()
        repeated = any(
            len(letters) % size == 0
            and letters[:size] * (len(letters) // size) == letters
            and letters[:size] in common
            for size in range(3, len(letters) // 2 + 1)
        )
        if letters in common or repeated or any(word in letters for word in self.context_words):
            raise ValidationError(
                "This password is too common or too easy to guess. Choose a passphrase of "
                "unrelated words.",
                code="password_blocklisted",
            )

    def get_help_text(self):
        return "Your password cannot be a common password or contain the name of this service."
