"""Helpers for the Users admin tests: the list, a person's account, an action with a reason."""

from datetime import date, timedelta

from django.core import mail
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from iacs_portal.audit.models import AuditEvent
from tests.factories import UserFactory, set_up
from tests.helpdesk.support import action_url

REASON = "Caller verified by User ID and email, ticket 4711."
SSN = "987-65-4321"
DATE_OF_BIRTH = date(1980, 7, 4)


def users_list(client, **params):
    """The Users list with these query parameters; the people it shows."""
    response = client.get(reverse("admin:accounts_user_changelist"), params)
    assert response.status_code == 200, response
    return response, list(response.context["cl"].result_list)


def found(client, **params) -> set[str]:
    return {user.username for user in users_list(client, **params)[1]}


def person(**fields):
    """A signed-up person (own password, questions answered) with an SSN and a date of birth."""
    from accounts.identity import ssn_digest

    digits = fields.pop("ssn", SSN).replace("-", "")
    fields = {
        "ssn": digits,
        "ssn_last4": digits[-4:],
        "ssn_digest": ssn_digest(digits),
        "date_of_birth": DATE_OF_BIRTH,
        **fields,
    }
    return set_up(UserFactory(**fields))


def lock(user):
    user.locked_until = timezone.now() + timedelta(minutes=30)
    user.save(update_fields=["locked_until"])
    return user


def act(client, user, action: str, reason: str = REASON):
    """Post the action with a reason; what it schedules after commit (its email) runs too."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(action_url(user, action), {"reason": reason})


def after_commit():
    """For a service called directly: run what it schedules after commit."""
    return TestCase.captureOnCommitCallbacks(execute=True)


def signed_in(client) -> bool:
    """Does this browser still have a signed-in session? (My Profile opens only then.)"""
    return client.get(reverse("accounts:my_profile")).status_code == 200


def events(user, action: str) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(
            target_type="accounts.user", target_id=str(user.pk), action=action
        ).order_by("id")
    )


def audited_once(user, action: str, by) -> AuditEvent:
    """The one event ``action`` about ``user``, by ``by`` with the test's reason."""
    [event] = events(user, action)
    assert event.actor == by
    assert event.reason == REASON
    return event


def mail_to(user) -> list:
    return [message for message in mail.outbox if user.email in message.to]


def subjects_to(user) -> list[str]:
    return [message.subject for message in mail_to(user)]
