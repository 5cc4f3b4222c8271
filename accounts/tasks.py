"""Mail tasks. Arguments are ids only: secrets are generated inside the task that mails them."""

from celery import chain, shared_task
from django.conf import settings

from .mail import send_templated_email
from .models import User
from .services import user_issue_temporary_password
from .verification import email_verification_issue_code


@shared_task
def send_email_verification_code(verification_id: int) -> None:
    verification, code = email_verification_issue_code(verification_id=verification_id)
    minutes = int(settings.EMAIL_VERIFICATION_CODE_TTL.total_seconds() // 60)
    send_templated_email(
        event="email_verification",
        to=[verification.email],
        context={"code": code, "minutes": minutes},
    )


@shared_task
def send_user_id_email(user_id: int) -> None:
    user = User.objects.get(pk=user_id)
    send_templated_email(event="account_id", to=[user.email], context={"user": user})


def _mail_temporary_password(user_id: int, event: str) -> None:
    user, password = user_issue_temporary_password(user_id=user_id)
    hours = int(settings.TEMPORARY_PASSWORD_TTL.total_seconds() // 3600)
    send_templated_email(
        event=event,
        to=[user.email],
        context={"user": user, "password": password, "hours": hours},
    )


@shared_task
def send_temporary_password_email(user_id: int) -> None:
    _mail_temporary_password(user_id, "account_password")


@shared_task
def send_duplicate_registration_notice(user_id: int) -> None:
    """Someone who passed the SSA check as this person tried to register a second account."""
    user = User.objects.get(pk=user_id)
    send_templated_email(event="duplicate_registration", to=[user.email], context={"user": user})


def schedule_new_account_emails(user_id: int) -> None:
    """The two separate credential emails, User ID first. Call from transaction.on_commit."""
    chain(send_user_id_email.si(user_id), send_temporary_password_email.si(user_id)).delay()


# Issue 5: recovery, My Profile and inactivity. Each email is a notice to the person; a reset
# link's token is made here, inside the task that mails it.


def _minutes(delta) -> int:
    return int(delta.total_seconds() // 60)


@shared_task
def send_forgot_user_id(user_ids: list[int]) -> None:
    users = list(User.objects.filter(pk__in=user_ids).order_by("pk"))
    if users:
        send_templated_email(event="forgot_user_id", to=[users[0].email], context={"users": users})


@shared_task
def send_password_reset_link(user_id: int) -> None:
    from django.urls import reverse
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    from .recovery import recovery_tokens

    user = User.objects.get(pk=user_id)
    path = reverse(
        "accounts:password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": recovery_tokens.make_token(user),
        },
    )
    send_templated_email(
        event="password_reset",
        to=[user.email],
        context={
            "user": user,
            "link": settings.PORTAL_BASE_URL.rstrip("/") + path,
            "minutes": _minutes(settings.PASSWORD_RESET_LINK_TTL),
        },
    )


@shared_task
def send_password_reset_unavailable(user_id: int) -> None:
    """Forgot password asked for an account whose first login is not finished."""
    user = User.objects.get(pk=user_id)
    send_templated_email(
        event="password_reset_unavailable", to=[user.email], context={"user": user}
    )


@shared_task
def send_password_changed(user_id: int) -> None:
    user = User.objects.get(pk=user_id)
    send_templated_email(event="password_changed", to=[user.email], context={"user": user})


@shared_task
def send_answers_changed(user_id: int) -> None:
    user = User.objects.get(pk=user_id)
    send_templated_email(event="answers_changed", to=[user.email], context={"user": user})


@shared_task
def send_email_changed(verification_id: int) -> None:
    """Tell the old address (and confirm to the new one) that the account's email changed."""
    from .models import EmailVerification

    change = EmailVerification.objects.select_related("user").get(pk=verification_id)
    context = {"user": change.user, "old_email": change.replaces_email, "new_email": change.email}
    for address, to_old in ((change.replaces_email, True), (change.email, False)):
        if address:
            send_templated_email(
                event="email_changed", to=[address], context={**context, "to_old": to_old}
            )


@shared_task
def disable_inactive_accounts() -> int:
    """Daily (CELERY_BEAT_SCHEDULE): disable accounts without a sign-in for the limit."""
    from .inactivity import users_disable_inactive

    return len(users_disable_inactive())


@shared_task
def send_inactivity_notice(user_id: int) -> None:
    user = User.objects.get(pk=user_id)
    send_templated_email(
        event="account_disabled_inactive",
        to=[user.email],
        context={"user": user, "days": settings.ACCOUNT_INACTIVITY_LIMIT.days},
    )


@shared_task
def send_account_locked_email(user_id: int) -> None:
    user = User.objects.get(pk=user_id)
    minutes = int(settings.LOGIN_LOCKOUT_DURATION.total_seconds() // 60)
    send_templated_email(
        event="account_locked",
        to=[user.email],
        context={"user": user, "minutes": minutes, "failures": settings.LOGIN_FAILURE_LIMIT},
    )


TWO_FACTOR_CHANGES = {
    "enrolled": "An authenticator app was set up for two-factor sign-in",
    "replaced": "Your authenticator app for two-factor sign-in was replaced",
    "removed": "Two-factor sign-in was turned off",
    "backup_codes": "New backup codes were made; the earlier ones no longer work",
    "help_desk_reset": "The help desk reset two-factor sign-in",
}


@shared_task
def send_two_factor_changed_email(user_id: int, change: str) -> None:
    user = User.objects.get(pk=user_id)
    send_templated_email(
        event="two_factor_changed",
        to=[user.email],
        context={
            "user": user,
            "change": TWO_FACTOR_CHANGES[change],
            "by_help_desk": change == "help_desk_reset",
        },
    )


# Issue 6: the help desk's actions (accounts/helpdesk.py): notices whose only context is the
# person, and a new temporary password, made here, inside the task that mails it (staff never
# see it).
ACCOUNT_NOTICES = frozenset(
    {"help_desk_user_id", "account_unlocked", "account_disabled", "account_enabled"}
)


@shared_task
def send_account_notice(user_id: int, event: str) -> None:
    if event not in ACCOUNT_NOTICES:
        raise ValueError(f"{event!r} is not an account notice")
    user = User.objects.get(pk=user_id)
    send_templated_email(event=event, to=[user.email], context={"user": user})


@shared_task
def send_help_desk_temporary_password(user_id: int) -> None:
    if not User.objects.filter(pk=user_id, is_active=True).exists():
        return  # disabled since the reset was asked for: nobody could use the password
    _mail_temporary_password(user_id, "help_desk_temporary_password")
