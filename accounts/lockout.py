"""SPEC 9 lockout: too many failed sign-ins of one account within a window lock it for a while.

A failure is a wrong password or a wrong one-time code for an existing account (an unknown User
ID has no account to lock). Each failure is one ``LoginFailure`` row, so the window is exact:
``LOGIN_FAILURE_LIMIT`` failures newer than ``LOGIN_FAILURE_WINDOW`` lock the account until
``LOGIN_LOCKOUT_DURATION`` has passed or the help desk unlocks it (``user_unlock``). Locking
uses up the failures that caused it, so an account whose lock ends starts with a clean count.
"""

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from iacs_portal.audit.services import audit_record

from .models import LoginFailure, User


def user_is_locked(*, user: User) -> bool:
    return user.locked_until is not None and timezone.now() < user.locked_until


def login_failure_record(*, user: User) -> bool:
    """Count one failed sign-in of ``user``; True when this failure locked the account."""
    from .emails import user_email_enqueue

    with transaction.atomic():
        # The row lock serialises concurrent failures, so exactly one of them locks.
        locked = User.objects.select_for_update().get(pk=user.pk)
        now = timezone.now()
        if user_is_locked(user=locked):
            return False  # already locked: nothing more to count
        LoginFailure.objects.create(user=locked, at=now)
        recent = locked.login_failures.filter(at__gt=now - settings.LOGIN_FAILURE_WINDOW)
        if recent.count() < settings.LOGIN_FAILURE_LIMIT:
            return False
        locked.locked_until = now + settings.LOGIN_LOCKOUT_DURATION
        locked.save(update_fields=["locked_until"])
        locked.login_failures.all().delete()
        audit_record(
            action="account.locked",
            target=locked,
            to_state="locked",
            reason=f"{settings.LOGIN_FAILURE_LIMIT} failed sign-ins",
        )
        user_email_enqueue(event="account_locked", user=locked)
    user.locked_until = locked.locked_until
    return True


def login_failures_clear(*, user: User) -> None:
    """A complete, successful sign-in forgets the earlier failures."""
    LoginFailure.objects.filter(user=user).delete()


def user_unlock(*, user: User, by: User | None = None, reason: str = "") -> None:
    """End a lock now (the help desk) and forget the failures."""
    with transaction.atomic():
        locked = User.objects.select_for_update().get(pk=user.pk)
        was_locked = user_is_locked(user=locked)
        locked.locked_until = None
        locked.save(update_fields=["locked_until"])
        locked.login_failures.all().delete()
        audit_record(
            action="account.unlocked",
            target=locked,
            actor=by,
            from_state="locked" if was_locked else "",
            to_state="unlocked",
            reason=reason,
        )
    user.locked_until = None
