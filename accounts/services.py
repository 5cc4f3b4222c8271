"""Writes on accounts: creating users, temporary passwords, password changes, answers."""

import secrets
import string

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.db import transaction
from django.utils import timezone

from .models import AuthenticationAnswer, AuthenticationQuestion, PasswordHistory, User


def _user_id_candidates(first_name: str, last_name: str):
    letters = "".join(ch for ch in (first_name[:1] + last_name) if ch.isascii() and ch.isalpha())
    stem = (letters.upper() + "XXXX")[:4]
    for _ in range(50):
        yield f"{stem}{secrets.randbelow(100):02d}"
    while True:
        yield f"{stem}{secrets.randbelow(10**6):06d}"


def generate_user_id(*, first_name: str, last_name: str) -> str:
    """An IACS-style User ID: four letters from the name and two digits, unique."""
    for candidate in _user_id_candidates(first_name, last_name):
        if not User.objects.filter(username__iexact=candidate).exists():
            return candidate
    raise AssertionError("unreachable")  # pragma: no cover


def user_create(
    *,
    first_name: str,
    middle_name: str,
    last_name: str,
    suffix: str,
    email: str,
    contact: dict,
    date_of_birth=None,
    ssn: str = "",
    ssn_last4: str = "",
    ssn_digest: str = "",
) -> User:
    user = User(
        username=generate_user_id(first_name=first_name, last_name=last_name),
        first_name=first_name,
        middle_name=middle_name,
        last_name=last_name,
        suffix=suffix,
        email=email,
        date_of_birth=date_of_birth,
        ssn=ssn,
        ssn_last4=ssn_last4,
        ssn_digest=ssn_digest,
        must_change_password=True,
        **contact,
    )
    user.set_unusable_password()
    user.save()
    return user


def _temporary_password() -> str:
    # 20 characters from letters, digits and a few symbols: above the 15 minimum, easy to type.
    alphabet = string.ascii_letters + string.digits + "!#%+-=?@"
    while True:
        password = "".join(secrets.choice(alphabet) for _ in range(20))
        if any(c.isdigit() for c in password) and any(c.isalpha() for c in password):
            return password


TEMPORARY_PASSWORD_FIELDS = [
    "password",
    "must_change_password",
    "temporary_password_expires_at",
    "temporary_password_used_at",
]


def user_issue_temporary_password(*, user_id: int) -> tuple[User, str]:
    """Set a fresh single-use temporary password and return it. Only the mailing task calls this."""
    password = _temporary_password()
    # No savepoint: inside the delivering transaction a failure rolls all of it back anyway.
    with transaction.atomic(savepoint=False):
        user = User.objects.select_for_update().get(pk=user_id)
        user.set_password(password)
        user.must_change_password = True
        user.temporary_password_expires_at = timezone.now() + settings.TEMPORARY_PASSWORD_TTL
        user.temporary_password_used_at = None
        user.save(update_fields=TEMPORARY_PASSWORD_FIELDS)
    return user, password


def temporary_password_refusal(user: User) -> str | None:
    """Why a correct temporary password may not be used to sign in, or None if it may."""
    if not user.must_change_password:
        return None
    if user.temporary_password_used_at is not None:
        return "Your temporary password has already been used. Contact the help desk for a new one."
    expires_at = user.temporary_password_expires_at
    if expires_at is not None and timezone.now() > expires_at:
        return "Your temporary password has expired. Contact the help desk for a new one."
    return None


def user_record_login(*, user: User) -> None:
    if user.must_change_password and user.temporary_password_used_at is None:
        user.temporary_password_used_at = timezone.now()
        user.save(update_fields=["temporary_password_used_at"])


def user_change_password(*, user: User, new_password: str) -> None:
    with transaction.atomic():
        user.set_password(new_password)
        user.must_change_password = False
        user.temporary_password_expires_at = None
        user.temporary_password_used_at = None
        user.save()
        PasswordHistory.objects.create(user=user, password=user.password)
        keep = settings.PASSWORD_HISTORY_COUNT
        stale = user.password_history.values_list("pk", flat=True)[keep:]
        PasswordHistory.objects.filter(pk__in=list(stale)).delete()


def normalise_answer(answer: str) -> str:
    return " ".join(answer.split()).casefold()


def user_set_authentication_answers(
    *, user: User, answers: dict[AuthenticationQuestion, str]
) -> None:
    """Replace the user's answers with these (blank answers are dropped)."""
    with transaction.atomic():
        user.authentication_answers.all().delete()
        AuthenticationAnswer.objects.bulk_create(
            AuthenticationAnswer(
                user=user, question=question, answer_hash=make_password(normalise_answer(text))
            )
            for question, text in answers.items()
            if text.strip()
        )


def authentication_answer_matches(*, answer: AuthenticationAnswer, text: str) -> bool:
    return check_password(normalise_answer(text), answer.answer_hash)
