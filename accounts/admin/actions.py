"""The help desk's actions on an account, as buttons on its admin page.

Each calls one service of ``accounts.helpdesk``, which checks who may act and on what, changes
the account, audits it with the staff member and the reason, and emails the person. The rules
are there, not here: this file only names the buttons and says what each will do.
"""

from collections.abc import Callable

from django.conf import settings

from iacs_portal.admin_actions import StaffAction, StaffActionRefused

from .. import helpdesk
from ..models import User


def _perform(service: Callable[..., None], done: str):
    def perform(request, user: User, cleaned_data: dict) -> str:
        try:
            service(user=user, by=request.user, reason=cleaned_data["reason"])
        except helpdesk.AccountActionRefused as refusal:
            raise StaffActionRefused(str(refusal)) from refusal
        return done.format(user=user)

    return perform


def _action(name: str, action: str, label: str, service, done: str, explanation: str):
    return StaffAction(
        name=name,
        label=label,
        permission=helpdesk.PERMISSIONS[action],
        perform=_perform(service, done),
        explanation=explanation,
        forbidden=lambda request, user: (
            helpdesk.actor_refusal(by=request.user, user=user, action=action) or ""
        ),
        not_now=lambda request, user: helpdesk.state_refusal(user=user, action=action) or "",
    )


_HOURS = int(settings.TEMPORARY_PASSWORD_TTL.total_seconds() // 3600)


USER_ACTIONS = (
    _action(
        "unlock",
        helpdesk.UNLOCK,
        "Unlock",
        helpdesk.user_help_desk_unlock,
        "{user} is unlocked and can log in with their password now. They were emailed.",
        "The lock ends now and the failed sign-ins are forgotten: the person can log in with "
        "their own password at once. They are emailed that the help desk unlocked the account.",
    ),
    _action(
        "reset-password",
        helpdesk.RESET_PASSWORD,
        "Reset password",
        helpdesk.user_password_reset,
        "{user}'s password was reset: a new temporary password is being emailed to them.",
        "The current password stops working now and the person is signed out everywhere. A new "
        f"temporary password, which nobody at the help desk sees, is emailed to the address on "
        f"the account; it works once, within {_HOURS} hours, and must be changed at sign-in. "
        "If the account is locked, it is unlocked too.",
    ),
    _action(
        "resend-credentials",
        helpdesk.RESEND_CREDENTIALS,
        "Resend User ID and temporary password",
        helpdesk.user_credentials_resend,
        "{user}'s User ID and a new temporary password are being emailed to them, in two emails.",
        "For someone who has not finished their first sign-in. Two emails go to the address on "
        "the account: the User ID, then a new temporary password (the first one was never "
        f"kept, so it cannot be sent again; it stops working now). The new one works once, "
        f"within {_HOURS} hours. If the account is locked, it is unlocked too.",
    ),
    _action(
        "resend-user-id",
        helpdesk.RESEND_USER_ID,
        "Resend User ID",
        helpdesk.user_id_resend,
        "{user}'s User ID is being emailed to them.",
        "An email with the User ID goes to the address on the account. Nothing else changes.",
    ),
    _action(
        "disable",
        helpdesk.DISABLE,
        "Disable account",
        helpdesk.user_disable,
        "{user} is disabled and was signed out everywhere. They were emailed.",
        "The person can no longer log in, and every session they have open ends now. Their "
        "roles and requests stay as they are. They are emailed that the account was disabled.",
    ),
    _action(
        "enable",
        helpdesk.ENABLE,
        "Enable account",
        helpdesk.user_enable,
        "{user} is enabled and can log in again. They were emailed.",
        "The person can log in again with their password (or use Forgot password). An account "
        "disabled for inactivity is given the full inactivity period from now to sign in. They "
        "are emailed that the account was enabled.",
    ),
    _action(
        "reset-two-factor",
        helpdesk.RESET_TWO_FACTOR,
        "Reset two-factor sign-in",
        helpdesk.user_two_factor_reset,
        "{user}'s authenticator app and backup codes were removed and they were signed out. "
        "They were emailed.",
        "For someone who lost their phone or authenticator app. Their authenticator app and "
        "backup codes are removed, and every session they have open ends. If their role "
        "requires two-factor sign-in they set up a new app after their password at the next "
        "sign-in. They are emailed that the help desk reset it.",
    ),
)
