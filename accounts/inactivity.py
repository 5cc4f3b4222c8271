"""Disabling accounts nobody signed in to for ``ACCOUNT_INACTIVITY_LIMIT`` (issue 5, ADR 8).

Inactivity counts from the last sign-in, or from the account's creation (its approval) when
the person never signed in. Staff accounts are disabled too, as CMS does; superusers are not
(they are the operators' break-glass accounts, managed with ``manage.py``). A disabled account
is re-enabled by its owner completing Forgot password, or by the help desk
(``helpdesk.user_enable``): an account enabled by staff counts as active from that moment, so the
person has the whole limit to sign in before it is disabled again.
"""

from django.conf import settings
from django.db import transaction
from django.db.models.functions import Coalesce
from django.utils import timezone

from iacs_portal.audit.models import AuditEvent
from iacs_portal.audit.services import audit_record

from .models import User

# The audit event of ``helpdesk.user_enable``: the account's inactivity counts from it.
ACCOUNT_ENABLED = "account.enabled"


def inactive_users(*, now=None):
    """Active accounts whose last sign-in (or creation) is at least the limit ago."""
    cutoff = (now or timezone.now()) - settings.ACCOUNT_INACTIVITY_LIMIT
    # Few accounts are enabled by staff within the limit: their ids are read once.
    enabled_since = AuditEvent.objects.filter(
        action=ACCOUNT_ENABLED, target_type=User._meta.label_lower, at__gt=cutoff
    ).values_list("target_id", flat=True)
    return (
        User.objects.filter(is_active=True, is_superuser=False)
        .exclude(pk__in=[int(pk) for pk in enabled_since])
        .annotate(last_activity=Coalesce("last_login", "date_joined"))
        .filter(last_activity__lte=cutoff)
    )


def users_disable_inactive(*, now=None) -> list[int]:
    """Disable, audit and email each inactive account; return their ids."""
    from .emails import user_email_enqueue

    disabled = []
    for user_id in inactive_users(now=now).values_list("pk", flat=True):
        with transaction.atomic():
            user = inactive_users(now=now).select_for_update().filter(pk=user_id).first()
            if user is None:  # signed in (or was disabled) since the list was read
                continue
            user.is_active = False
            user.disabled_for_inactivity_at = timezone.now()
            user.save(update_fields=["is_active", "disabled_for_inactivity_at"])
            audit_record(
                action="account.disabled_inactive",
                target=user,
                from_state="active",
                to_state="disabled",
                reason=f"No sign-in for {settings.ACCOUNT_INACTIVITY_LIMIT.days} days.",
            )
            user_email_enqueue(event="account_disabled_inactive", user=user)
        disabled.append(user_id)
    return disabled


def user_reenable(*, user: User) -> None:
    """Forgot password completed: the account works again. Call inside the reset transaction."""
    previous = user.disabled_for_inactivity_at
    user.is_active = True
    user.disabled_for_inactivity_at = None
    user.save(update_fields=["is_active", "disabled_for_inactivity_at"])
    if previous is not None:
        audit_record(
            action="account.reenabled",
            target=user,
            actor=user,
            from_state="disabled",
            to_state="active",
            reason="Forgot password completed.",
        )
