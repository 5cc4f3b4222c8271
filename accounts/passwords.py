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


class PersonalInformationValidator:
    """Refuses a password that contains the User ID, a name or the email's local part.

    Django's UserAttributeSimilarityValidator compares the whole password with each attribute,
    so a long passphrase that merely contains the person's last name passes it. Here any part
    of ``min_part_length`` or more letters counts, compared case-insensitively. A registration
    has no user yet: then nothing is compared (the account is made later with a temporary
    password, and the person chooses theirs signed in).
    """

    def __init__(self, min_part_length: int = 3):
        self.min_part_length = min_part_length

    def _parts(self, user) -> list[str]:
        def squeezed(value: str) -> str:
            return re.sub(r"[\W_]+", "", value.casefold())

        local_part = (getattr(user, "email", "") or "").partition("@")[0]
        wholes = [getattr(user, "username", "") or "", local_part]
        names = [getattr(user, "first_name", "") or "", getattr(user, "last_name", "") or ""]
        parts = [squeezed(value) for value in wholes + names]
        for name in names:  # "Mary-Jane" or "De la Cruz": each word counts too
            parts += re.split(r"[\W_]+", name.casefold())
        return sorted({p for p in parts if len(p) >= self.min_part_length})

    def validate(self, password, user=None):
        if user is None:
            return
        folded = password.casefold()
        squeezed = re.sub(r"[\W_]+", "", folded)  # "o-k-a-f-o-r" still spells the name
        if any(part in folded or part in squeezed for part in self._parts(user)):
            raise ValidationError(
                "Your password cannot contain your User ID, your first or last name, or the "
                "part of your email address before the @.",
                code="password_contains_personal_information",
            )

    def get_help_text(self):
        return (
            "Your password cannot contain your User ID, your name or the first part of your "
            "email address."
        )


class CompositionValidator:
    """Upper case, lower case and a digit: only where a site's policy demands it.

    Off unless PASSWORD_REQUIRE_COMPOSITION is set: NIST SP 800-63B-4 says verifiers should not
    impose composition rules, which push people to predictable patterns ("Password1").
    """

    def validate(self, password, user=None):
        missing = [
            label
            for label, pattern in (
                ("an upper case letter", r"[A-Z]"),
                ("a lower case letter", r"[a-z]"),
                ("a digit", r"\d"),
            )
            if not re.search(pattern, password)
        ]
        if missing:
            raise ValidationError(
                "Your password must contain " + ", ".join(missing) + ".",
                code="password_composition",
            )

    def get_help_text(self):
        return "Your password must contain an upper case letter, a lower case letter and a digit."
