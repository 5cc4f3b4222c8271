"""What the help desk may do to an account, and the services that do it (issue 6).

Each action is a service named ``user_<action>``, keyword-only, taking the staff member
(``by``) and the reason. A service checks, in this order: that ``by`` may take the action on
this account (``actor_refusal``: a ``PermissionDenied``), that the account is in a state the
action applies to (``state_refusal``: an ``AccountActionRefused`` whose message says why), then
changes the account, writes the audit event with ``by`` and the reason in the same
transaction, and emails the person after commit. The admin (``accounts/admin``) only calls
these. What each action does for the caller: docs/help-desk/users.md.
"""

from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice

from iacs_portal.audit.services import audit_record

from .inactivity import ACCOUNT_ENABLED
from .lockout import user_is_locked, user_unlock
from .models import AuthenticatorApp, User
from .sessions import user_sessions_end
from .two_factor import two_factor_remove

UNLOCK = "unlock"
RESET_PASSWORD = "reset_password"  # nosec B105 # an action name, not a password
RESEND_CREDENTIALS = "resend_credentials"
RESEND_USER_ID = "resend_user_id"
DISABLE = "disable"
ENABLE = "enable"
RESET_TWO_FACTOR = "reset_two_factor"

PERMISSIONS = {
    UNLOCK: "accounts.unlock_user",
    RESET_PASSWORD: "accounts.reset_user_password",
    RESEND_CREDENTIALS: "accounts.resend_user_email",
    RESEND_USER_ID: "accounts.resend_user_email",
    DISABLE: "accounts.disable_user",
    ENABLE: "accounts.disable_user",
    RESET_TWO_FACTOR: "accounts.reset_two_factor",
}

# Actions that let someone into an account. On a staff or administrator account only an
# administrator (superuser) may take them: otherwise a help desk agent could have a colleague's
# or an administrator's password or second factor replaced and take over more permissions.
# Unlocking and resending the User ID give nobody anything they did not have.
GIVES_ACCESS = frozenset({RESET_PASSWORD, RESEND_CREDENTIALS, RESET_TWO_FACTOR, ENABLE})


class AccountActionRefused(Exception):
    """The account is not in a state the action applies to; the message says why, to staff."""


def _is_staff_account(user: User) -> bool:
    return user.is_staff or user.is_superuser


def actor_refusal(*, by: User, user: User, action: str) -> str | None:
    """Why ``by`` may not take ``action`` on ``user``'s account at all, or None if they may."""
    if isinstance(by, AnonymousUser) or not by.has_perm(PERMISSIONS[action]):
        return "You do not have permission to do this."
    if action in GIVES_ACCESS and _is_staff_account(user) and not by.is_superuser:
        return "Only an administrator may do this to a staff account."
    if action == DISABLE:
        if user.pk == by.pk:
            return "You cannot disable your own account."
        if user.is_superuser and not by.is_superuser:
            return "Only an administrator may disable an administrator's account."
    return None


def _two_factor_devices(user: User) -> bool:
    return (
        AuthenticatorApp.objects.filter(user=user).exists()
        or StaticDevice.objects.filter(user=user).exists()
    )


def state_refusal(*, user: User, action: str) -> str | None:
    """Why ``action`` does not apply to the account as it is now, or None if it does."""
    disabled = "The account is disabled. It must be enabled first (by a CMS Approver)" + (
        ", or the person can use Forgot password, which enables it again."
        if user.disabled_for_inactivity_at
        else "."
    )
    no_email = "The account has no email address to send to."
    if action == UNLOCK:
        return None if user_is_locked(user=user) else "The account is not locked."
    if action == RESET_PASSWORD:
        if not user.is_active:
            return disabled
        return None if user.email else no_email
    if action == RESEND_CREDENTIALS:
        if not user.is_active:
            return disabled
        if not user.must_change_password:
            return (
                "The person has already signed in and chosen a password: use Reset password, "
                "or Resend User ID."
            )
        return None if user.email else no_email
    if action == RESEND_USER_ID:
        return None if user.email else no_email
    if action == DISABLE:
        return None if user.is_active else "The account is already disabled."
    if action == ENABLE:
        return None if not user.is_active else "The account is already active."
    if action == RESET_TWO_FACTOR:
        return None if _two_factor_devices(user) else "No two-factor sign-in is set up."
    raise ValueError(f"unknown action {action!r}")


def _checked(*, user: User, by: User, action: str, reason: str) -> User:
    """The account, locked for the rest of the transaction, once ``by`` may act on it now."""
    current = User.objects.select_for_update().get(pk=user.pk)
    if refusal := actor_refusal(by=by, user=current, action=action):
        raise PermissionDenied(refusal)
    if not reason.strip():
        raise AccountActionRefused("Enter the reason for this action.")
    if refusal := state_refusal(user=current, action=action):
        raise AccountActionRefused(refusal)
    return current


def _notice(user: User, event: str) -> None:
    """Email the person (``emails.ACCOUNT_NOTICES``), in the action's transaction."""
    from .emails import user_email_enqueue

    user_email_enqueue(event=event, user=user)


def user_help_desk_unlock(*, user: User, by: User, reason: str) -> None:
    """End the lock now (``lockout.user_unlock`` audits it) and tell the person."""
    with transaction.atomic():
        current = _checked(user=user, by=by, action=UNLOCK, reason=reason)
        user_unlock(user=current, by=by, reason=reason)
        _notice(current, "account_unlocked")
    user.refresh_from_db()


# The audit event of each, and whether the User ID email goes first.
_REISSUES = {
    RESET_PASSWORD: ("account.password_reset", False),
    RESEND_CREDENTIALS: ("account.credentials_resent", True),
}


def _temporary_password_reissue(*, user: User, by: User, reason: str, action: str) -> None:
    """Stop the current password now; the email's builder sets and sends a temporary one.

    Changing the password hash ends every signed-in session (as a new password does in
    Forgot password). The person proves themselves by reading their email, so a lock is lifted
    too: otherwise the new password could not be used until the lock ran out.
    """
    from .emails import user_credentials_enqueue

    event, with_user_id = _REISSUES[action]
    with transaction.atomic():
        current = _checked(user=user, by=by, action=action, reason=reason)
        current.set_unusable_password()
        current.must_change_password = True
        current.temporary_password_expires_at = None
        current.temporary_password_used_at = None
        current.save()
        if user_is_locked(user=current):
            user_unlock(user=current, by=by, reason=reason)
        audit_record(
            action=event, target=current, actor=by, to_state="temporary_password", reason=reason
        )
        user_credentials_enqueue(  # the User ID first, as at approval: two separate emails
            user=current,
            user_id_event="help_desk_user_id" if with_user_id else None,
            password_event="help_desk_temporary_password",  # nosec B106 # an email event name
        )
    user.refresh_from_db()


def user_password_reset(*, user: User, by: User, reason: str) -> None:
    """A new single-use temporary password, made when it is emailed: staff never see it."""
    _temporary_password_reissue(user=user, by=by, reason=reason, action=RESET_PASSWORD)


def user_credentials_resend(*, user: User, by: User, reason: str) -> None:
    """Before first sign-in: the User ID email again, then a new temporary password.

    The first temporary password was never stored, so it cannot be sent again; a new one
    replaces it.
    """
    _temporary_password_reissue(user=user, by=by, reason=reason, action=RESEND_CREDENTIALS)


def user_id_resend(*, user: User, by: User, reason: str) -> None:
    """The User ID email only: nothing about the account changes."""
    with transaction.atomic():
        current = _checked(user=user, by=by, action=RESEND_USER_ID, reason=reason)
        audit_record(action="account.user_id_resent", target=current, actor=by, reason=reason)
        _notice(current, "help_desk_user_id")


def _active_set(*, user: User, by: User, reason: str, active: bool) -> None:
    with transaction.atomic():
        current = _checked(user=user, by=by, action=ENABLE if active else DISABLE, reason=reason)
        current.is_active = active
        current.disabled_for_inactivity_at = None
        current.save(update_fields=["is_active", "disabled_for_inactivity_at"])
        if not active:
            user_sessions_end(user=current)
        states = ("active", "disabled") if not active else ("disabled", "active")
        audit_record(
            action=ACCOUNT_ENABLED if active else "account.disabled",
            target=current,
            actor=by,
            from_state=states[0],
            to_state=states[1],
            reason=reason,
        )
        _notice(current, "account_enabled" if active else "account_disabled")
    user.refresh_from_db()


def user_disable(*, user: User, by: User, reason: str) -> None:
    """The account can no longer sign in, and every session signed in as it ends now."""
    _active_set(user=user, by=by, reason=reason, active=False)


def user_enable(*, user: User, by: User, reason: str) -> None:
    """The account can sign in again, whether staff or the inactivity rule disabled it.

    The daily inactivity task leaves it alone for a full ``ACCOUNT_INACTIVITY_LIMIT`` from
    now (``inactivity.inactive_users`` counts this event), so the person has time to sign in.
    """
    _active_set(user=user, by=by, reason=reason, active=True)


def user_two_factor_reset(*, user: User, by: User, reason: str) -> None:
    """Remove the authenticator app and backup codes; the person's sessions end.

    Someone who must use two-factor sign-in sets up an app again at their next sign-in (the
    two-factor gate sends them there); the sessions end so that nobody already signed in
    can be the one to set it up.
    """
    with transaction.atomic():
        current = _checked(user=user, by=by, action=RESET_TWO_FACTOR, reason=reason)
        two_factor_remove(user=current, by=by, reason=reason)
        user_sessions_end(user=current)
