"""The accounts app's emails: how each is built from its outbox row (iacs_portal.outbox, ADR 14).

Services decide to send with ``email_enqueue(event=..., params=...)`` in their transaction;
the builders below run in the delivering Celery task and return the recipients and the
template context. A secret (a verification code, a temporary password, a reset link's token)
is made here, inside that task, in the transaction that marks the email sent (ADR 3): it is
never stored in clear nor passed through the broker.
"""

from django.conf import settings
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from iacs_portal.outbox.models import OutgoingEmail
from iacs_portal.outbox.registry import Built, EmailCancelled, email_builder
from iacs_portal.outbox.services import email_enqueue

from .models import EmailVerification, User
from .services import user_issue_temporary_password
from .verification import email_verification_issue_code


def _minutes(delta) -> int:
    return int(delta.total_seconds() // 60)


def _person(params: dict) -> User:
    user = User.objects.get(pk=params["user_id"])
    if not user.email:
        raise EmailCancelled("Not sent: the account has no email address.")
    return user


def user_email_enqueue(*, event: str, user: User, **params) -> OutgoingEmail:
    """An email to the account holder whose builder needs only the account (and ``params``)."""
    return email_enqueue(event=event, to=[user.email], params={"user_id": user.pk, **params})


def user_credentials_enqueue(
    *,
    user: User,
    user_id_event: str | None = "account_id",
    password_event: str = "account_password",  # noqa: S107 (an event name)
) -> OutgoingEmail:
    """The two separate credential emails: the User ID first (unless ``user_id_event`` is None),
    then a new temporary password, sent only once the first one is."""
    first = user_email_enqueue(event=user_id_event, user=user) if user_id_event else None
    return email_enqueue(
        event=password_event, to=[user.email], params={"user_id": user.pk}, follows=first
    )


# Registration and first sign-in


@email_builder("email_verification")
def email_verification(params: dict) -> Built:
    verification, code = email_verification_issue_code(verification_id=params["verification_id"])
    minutes = _minutes(settings.EMAIL_VERIFICATION_CODE_TTL)
    return Built([verification.email], {"code": code, "minutes": minutes})


@email_builder("account_password", "help_desk_temporary_password")
def temporary_password(params: dict) -> Built:
    if not _person(params).is_active:
        raise EmailCancelled("Not sent: the account was disabled; nobody could use the password.")
    user, password = user_issue_temporary_password(user_id=params["user_id"])
    hours = int(settings.TEMPORARY_PASSWORD_TTL.total_seconds() // 3600)
    return Built([user.email], {"user": user, "password": password, "hours": hours})


# Emails whose only context is the person.
ACCOUNT_NOTICES = (
    "account_id",
    "duplicate_registration",  # someone who passed the SSA check as this person registered again
    "password_reset_unavailable",  # Forgot password before the first login was finished
    "password_changed",
    "answers_changed",
    "help_desk_user_id",
    "account_unlocked",
    "account_disabled",
    "account_enabled",
)


@email_builder(*ACCOUNT_NOTICES)
def account_notice(params: dict) -> Built:
    user = _person(params)
    return Built([user.email], {"user": user})


# Recovery, My Profile and inactivity (issue 5)


@email_builder("forgot_user_id")
def forgot_user_id(params: dict) -> Built:
    users = list(User.objects.filter(pk__in=params["user_ids"]).order_by("pk"))
    if not users:
        raise EmailCancelled("Not sent: the accounts no longer exist.")
    return Built([users[0].email], {"users": users})


@email_builder("password_reset")
def password_reset(params: dict) -> Built:
    from .recovery import recovery_tokens

    user = _person(params)
    path = reverse(
        "accounts:password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": recovery_tokens.make_token(user),
        },
    )
    return Built(
        [user.email],
        {
            "user": user,
            "link": settings.PORTAL_BASE_URL.rstrip("/") + path,
            "minutes": _minutes(settings.PASSWORD_RESET_LINK_TTL),
        },
    )


@email_builder("email_changed")
def email_changed(params: dict) -> Built:
    """To the old address (``to_old``) or the new one: the account's email changed."""
    change = EmailVerification.objects.select_related("user").get(pk=params["verification_id"])
    address = change.replaces_email if params["to_old"] else change.email
    context = {"user": change.user, "old_email": change.replaces_email, "new_email": change.email}
    return Built([address] if address else [], {**context, "to_old": params["to_old"]})


@email_builder("account_disabled_inactive")
def account_disabled_inactive(params: dict) -> Built:
    user = _person(params)
    return Built([user.email], {"user": user, "days": settings.ACCOUNT_INACTIVITY_LIMIT.days})


@email_builder("account_locked")
def account_locked(params: dict) -> Built:
    user = _person(params)
    context = {
        "user": user,
        "minutes": _minutes(settings.LOGIN_LOCKOUT_DURATION),
        "failures": settings.LOGIN_FAILURE_LIMIT,
    }
    return Built([user.email], context)


TWO_FACTOR_CHANGES = {
    "enrolled": "An authenticator app was set up for two-factor sign-in",
    "replaced": "Your authenticator app for two-factor sign-in was replaced",
    "removed": "Two-factor sign-in was turned off",
    "backup_codes": "New backup codes were made; the earlier ones no longer work",
    "help_desk_reset": "The help desk reset two-factor sign-in",
}


@email_builder("two_factor_changed")
def two_factor_changed(params: dict) -> Built:
    user = _person(params)
    change = params["change"]
    context = {
        "user": user,
        "change": TWO_FACTOR_CHANGES[change],
        "by_help_desk": change == "help_desk_reset",
    }
    return Built([user.email], context)
