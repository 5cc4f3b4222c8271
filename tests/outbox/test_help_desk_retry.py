"""The help desk retries an email that failed: a staff action with its permission and a
reason, audited; the email is built again (a new password) and sent, the emails waiting for it
after it. Nothing else about the sent mail can be changed (tests/helpdesk/test_sent_mail.py)."""

import re

import pytest
from django.contrib.auth.hashers import check_password
from django.core import mail

from accounts.emails import user_credentials_enqueue, user_email_enqueue
from accounts.models import User
from iacs_portal.audit.services import audit_events_for
from iacs_portal.outbox.models import OutgoingEmail
from iacs_portal.staff_groups import CMS_APPROVER, HELP_DESK
from tests.factories import UserFactory
from tests.helpdesk.support import action_url, change_url, staff_in_admin

from .support import delivered

pytestmark = pytest.mark.django_db
REASON = "The caller's mail server was down; it works again (ticket 7731)."
PASSWORD = re.compile(r"^\s+(\S{20})\s*$", re.MULTILINE)


@pytest.fixture
def refused(backend, settings):
    """Every message refused, and no second attempt: each email ends failed at once."""
    settings.OUTBOX_MAX_ATTEMPTS = 1
    backend.refuse = "*"
    return backend


@pytest.fixture
def failed_password_email(refused, django_capture_on_commit_callbacks):
    user = UserFactory(must_change_password=True)
    email = delivered(
        django_capture_on_commit_callbacks,
        user_email_enqueue,
        event="account_password",
        user=user,
    )
    refused.refuse = ""  # the mail server works again
    assert email.status == OutgoingEmail.Status.FAILED
    return email


def retry(client, email, capture, reason=REASON):
    with capture(execute=True):
        return client.post(action_url(email, "retry"), {"reason": reason}, follow=True)


@pytest.mark.parametrize("group", [HELP_DESK, CMS_APPROVER])
def test_the_help_desk_retries_a_failed_email_and_it_is_sent(
    client, group, failed_password_email, django_capture_on_commit_callbacks
):
    email = failed_password_email
    agent = staff_in_admin(client, group)
    assert action_url(email, "retry") in client.get(change_url(email)).content.decode()

    response = retry(client, email, django_capture_on_commit_callbacks)

    assert "is queued again" in response.content.decode()
    email.refresh_from_db()
    assert (email.status, email.attempts, email.last_error) == ("sent", 1, "")
    [message] = mail.outbox
    user = User.objects.get(pk=email.params["user_id"])
    assert check_password(PASSWORD.search(message.body).group(1), user.password)
    [event] = audit_events_for(email)
    assert (event.action, event.actor, event.reason) == ("email.retried", agent, REASON)
    assert (event.from_state, event.to_state) == ("failed", "queued")


def test_a_retry_needs_a_reason(client, failed_password_email, django_capture_on_commit_callbacks):
    staff_in_admin(client, HELP_DESK)

    response = retry(client, failed_password_email, django_capture_on_commit_callbacks, reason=" ")

    assert "Enter the reason for this action." in response.content.decode()
    failed_password_email.refresh_from_db()
    assert failed_password_email.status == "failed" and mail.outbox == []


def test_staff_in_no_group_cannot_retry(client, failed_password_email):
    staff_in_admin(client, None)

    assert (
        client.post(action_url(failed_password_email, "retry"), {"reason": REASON}).status_code
        == 403
    )
    failed_password_email.refresh_from_db()
    assert failed_password_email.status == "failed"


def test_an_email_that_did_not_fail_cannot_be_retried(client, django_capture_on_commit_callbacks):
    email = delivered(
        django_capture_on_commit_callbacks,
        user_email_enqueue,
        event="account_id",
        user=UserFactory(),
    )
    staff_in_admin(client, HELP_DESK)
    assert action_url(email, "retry") not in client.get(change_url(email)).content.decode()

    response = retry(client, email, django_capture_on_commit_callbacks)

    assert (
        "Only an email that failed can be retried: this one is sent." in response.content.decode()
    )
    assert len(mail.outbox) == 1 and not audit_events_for(email).exists()


def test_retrying_the_user_id_email_sends_the_password_after_it(
    client, refused, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        password_email = user_credentials_enqueue(user=UserFactory())
    user_id_email = password_email.follows
    refused.refuse = ""
    staff_in_admin(client, HELP_DESK)

    refusal = retry(client, password_email, django_capture_on_commit_callbacks)
    assert f"It is sent after email {user_id_email.pk} (account_id), which failed" in (
        refusal.content.decode()
    )
    assert mail.outbox == []

    retry(client, user_id_email, django_capture_on_commit_callbacks)

    assert [m.subject for m in mail.outbox] == [
        "FYI: User Creation Completed – Account ID Enclosed",
        "FYI: User Creation Completed – Password Enclosed",
    ]
    assert set(OutgoingEmail.objects.values_list("status", flat=True)) == {"sent"}
