"""Forgot User ID and Forgot password (issue 5, ADR 8).

Forgot password is three steps: an emailed one-time link (``PASSWORD_RESET_LINK_TTL``), then
answers to ``RECOVERY_QUESTIONS_ASKED`` of the person's own authentication questions (at most
``RECOVERY_ANSWER_MAX_ATTEMPTS`` wrong tries, then every outstanding link is spent), then a new
password. The answers are a second factor of recovery only: they open nothing without the link.
"""

import enum
import hashlib
import random

from django.conf import settings
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.db import transaction
from django.db.models import F
from django.utils.crypto import constant_time_compare
from django.utils.http import base36_to_int

from iacs_portal.outbox.services import email_enqueue

from .models import AuthenticationAnswer, User
from .services import authentication_answer_matches, user_change_password


class RecoveryTokenGenerator(PasswordResetTokenGenerator):
    """Django's reset token, valid for ``PASSWORD_RESET_LINK_TTL`` whatever the global setting.

    The hash covers the password hash and the last sign-in (Django's), the email address, and
    ``recovery_generation``: a new password, a sign-in, an email change or too many wrong answers
    each spend every link issued before.
    """

    key_salt = "accounts.recovery.RecoveryTokenGenerator"

    def _make_hash_value(self, user, timestamp):
        return f"{super()._make_hash_value(user, timestamp)}|{user.recovery_generation}"

    def check_token(self, user, token) -> bool:
        if not (user and token):
            return False
        try:
            ts_b36, _ = token.split("-")
            ts = base36_to_int(ts_b36)
        except ValueError:
            return False
        for secret in [self.secret, *self.secret_fallbacks]:
            if constant_time_compare(self._make_token_with_timestamp(user, ts, secret), token):
                break
        else:
            return False
        age = self._num_seconds(self._now()) - ts
        return 0 <= age <= settings.PASSWORD_RESET_LINK_TTL.total_seconds()


recovery_tokens = RecoveryTokenGenerator()


# Forgot User ID


def forgot_user_id_request(*, email: str) -> None:
    """Mail the User IDs on file for this address, if any. The caller says the same either way."""
    users = list(User.objects.filter(email__iexact=email.strip()).order_by("pk"))
    if users:
        email_enqueue(
            event="forgot_user_id",
            to=[users[0].email],
            params={"user_ids": [user.pk for user in users]},
        )


# Forgot password


def recovery_user(user: User) -> bool:
    """May this account use Forgot password? Active, or disabled for inactivity only."""
    return user.is_active or user.disabled_for_inactivity_at is not None


def recovery_ready(user: User) -> bool:
    """Has the person finished first login (own password, answers), so recovery can work?"""
    return user.has_usable_password() and not user.needs_first_login_setup()


def password_reset_request(*, username: str, email: str) -> None:
    """Mail a reset link if the User ID and email match an account. Same answer either way."""
    from .emails import user_email_enqueue

    user = User.objects.filter(
        username__iexact=username.strip(), email__iexact=email.strip()
    ).first()
    if user is None or not recovery_user(user):
        return
    event = "password_reset" if recovery_ready(user) else "password_reset_unavailable"
    user_email_enqueue(event=event, user=user)  # the link's token is made when it is sent


def recovery_user_for_token(*, user_id, token: str) -> User | None:
    user = User.objects.filter(pk=user_id).first()
    if user is None or not recovery_user(user) or not recovery_ready(user):
        return None
    return user if recovery_tokens.check_token(user, token) else None


def recovery_questions(user: User) -> list[AuthenticationAnswer]:
    """The questions asked: a stable pick among the person's answers, new after a spent link.

    Stable, so that opening the link again does not offer a choice of easier questions.
    """
    answers = list(user.authentication_answers.select_related("question").order_by("question"))
    seed = hashlib.sha256(
        f"{settings.SECRET_KEY}|{user.pk}|{user.recovery_generation}".encode()
    ).hexdigest()
    count = min(settings.RECOVERY_QUESTIONS_ASKED, len(answers))
    # Not a secret: a repeatable pick, keyed by SECRET_KEY so that it cannot be predicted.
    picked = random.Random(seed).sample(answers, count)  # nosec B311 # repeatable on purpose
    return sorted(picked, key=lambda a: a.question.order)


class AnswersResult(enum.Enum):
    CORRECT = "correct"
    WRONG = "wrong"
    SPENT = "spent"


def recovery_check_answers(*, user: User, texts: dict[int, str]) -> AnswersResult:
    """``texts`` maps AuthenticationAnswer pk to what the person typed."""
    asked = recovery_questions(user)
    if asked and all(
        authentication_answer_matches(answer=answer, text=texts.get(answer.pk, ""))
        for answer in asked
    ):
        return AnswersResult.CORRECT
    with transaction.atomic():
        current = User.objects.select_for_update().get(pk=user.pk)
        current.recovery_failed_attempts += 1
        if current.recovery_failed_attempts >= settings.RECOVERY_ANSWER_MAX_ATTEMPTS:
            current.recovery_failed_attempts = 0
            current.recovery_generation = F("recovery_generation") + 1
            current.save(update_fields=["recovery_failed_attempts", "recovery_generation"])
            return AnswersResult.SPENT
        current.save(update_fields=["recovery_failed_attempts"])
        user.recovery_failed_attempts = current.recovery_failed_attempts
        return AnswersResult.WRONG


def recovery_attempts_left(user: User) -> int:
    return max(settings.RECOVERY_ANSWER_MAX_ATTEMPTS - user.recovery_failed_attempts, 0)


def recovery_set_password(*, user: User, new_password: str) -> None:
    """The new password; re-enables an account disabled for inactivity; emails the person.

    Other sessions end because their stored auth hash no longer matches the new password hash.
    """
    from .notifications import notify_password_changed

    with transaction.atomic():
        user_change_password(user=user, new_password=new_password)
        User.objects.filter(pk=user.pk).update(recovery_failed_attempts=0)
        if user.disabled_for_inactivity_at is not None:
            from .inactivity import user_reenable

            user_reenable(user=user)
        notify_password_changed(user=user)
