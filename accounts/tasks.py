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


@shared_task
def send_temporary_password_email(user_id: int) -> None:
    user, password = user_issue_temporary_password(user_id=user_id)
    hours = int(settings.TEMPORARY_PASSWORD_TTL.total_seconds() // 3600)
    send_templated_email(
        event="account_password",
        to=[user.email],
        context={"user": user, "password": password, "hours": hours},
    )


@shared_task
def send_duplicate_registration_notice(user_id: int) -> None:
    """Someone who passed the SSA check as this person tried to register a second account."""
    user = User.objects.get(pk=user_id)
    send_templated_email(event="duplicate_registration", to=[user.email], context={"user": user})


def schedule_new_account_emails(user_id: int) -> None:
    """The two separate credential emails, User ID first. Call from transaction.on_commit."""
    chain(send_user_id_email.si(user_id), send_temporary_password_email.si(user_id)).delay()


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
}


@shared_task
def send_two_factor_changed_email(user_id: int, change: str) -> None:
    user = User.objects.get(pk=user_id)
    send_templated_email(
        event="two_factor_changed",
        to=[user.email],
        context={"user": user, "change": TWO_FACTOR_CHANGES[change]},
    )
