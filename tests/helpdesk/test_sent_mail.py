"""Every email the portal sends is recorded, without its body, and the help desk reads the record.

"I never got the email": the agent searches the person's address under Mail > Sent mail and
sees whether it was sent, is still being tried, failed (and why), or never decided (no row).
The outbox's own behaviour (retries, ordering, redispatch) is tested in tests/outbox.
"""

import re
from pathlib import Path
from smtplib import SMTPDataError

import pytest
from django.core import mail
from django.urls import reverse

import accounts.emails
from accounts.emails import user_email_enqueue
from accounts.models import EmailVerification
from accounts.profile import user_email_change_confirm
from accounts.verification import email_verification_start
from approvals.emails import request_email_enqueue
from iacs_portal.outbox.models import OutgoingEmail
from iacs_portal.staff_groups import CMS_APPROVER, HELP_DESK
from organizations.emails import organization_status_email_enqueue
from organizations.roles import Role
from tests.factories import (
    OrganizationFactory,
    UserFactory,
    backup_security_official,
    security_official,
    submitted_request,
)
from tests.outbox.support import delivered
from tests.pii import database_rows, leaks

from .read_only import admin_url, assert_read_only_in_the_admin
from .support import staff_in_admin

pytestmark = pytest.mark.django_db

REFUSING = "tests.helpdesk.mail_support.RefusingBackend"
CHANGELIST = reverse("admin:outbox_outgoingemail_changelist")
PROJECT = Path(__file__).resolve().parents[2]


def mail_rows() -> list[tuple[str, str]]:
    """The mail record's rows as stored, through raw SQL."""
    return [row for row in database_rows() if row[0] == OutgoingEmail._meta.db_table]


@pytest.fixture
def send(django_capture_on_commit_callbacks):
    """Email ``user`` the ``event`` as a service does; the row once delivered."""

    def send(event: str, user, **params) -> OutgoingEmail:
        return delivered(
            django_capture_on_commit_callbacks, user_email_enqueue, event=event, user=user, **params
        )

    return send


# What is recorded ----------------------------------------------------------------------------


def test_an_email_is_recorded_with_event_recipient_subject_status_and_attempts(send):
    user = UserFactory()

    email = send("account_id", user)

    [message] = mail.outbox
    assert email.event == "account_id"
    assert email.recipients == user.email
    assert email.subject == message.subject
    assert email.status == OutgoingEmail.Status.SENT
    assert email.attempts == 1
    assert email.sent_at is not None and email.last_error == ""
    assert email.user_label == user.username
    assert email.params == {"user_id": user.pk}


def test_a_request_email_is_recorded_with_its_tracking_number(django_capture_on_commit_callbacks):
    access_request = submitted_request(Role.SECURITY_OFFICIAL)

    email = delivered(
        django_capture_on_commit_callbacks,
        request_email_enqueue,
        event="request_submitted",
        access_request=access_request,
    )

    assert email.event == "request_submitted"
    assert email.tracking_number == access_request.tracking_number
    assert email.recipients == "pat.applicant@example.org"


def test_an_email_to_several_people_lists_them_all(django_capture_on_commit_callbacks):
    organization = OrganizationFactory()
    first = security_official(organization)
    second = backup_security_official(organization)

    email = delivered(
        django_capture_on_commit_callbacks,
        organization_status_email_enqueue,
        organization=organization,
    )

    assert email.recipients == ", ".join(sorted([first.email, second.email]))
    assert email.status == OutgoingEmail.Status.SENT


def test_each_address_of_a_change_of_email_has_its_own_row(django_capture_on_commit_callbacks):
    user = UserFactory(email="old@example.org")
    change = EmailVerification.objects.create(
        user=user, email="new@example.org", verified_at="2026-01-01T00:00Z"
    )

    with django_capture_on_commit_callbacks(execute=True):
        user_email_change_confirm(user=user, verification=change)

    assert sorted(OutgoingEmail.objects.values_list("recipients", "status", "attempts")) == [
        ("new@example.org", "sent", 1),
        ("old@example.org", "sent", 1),
    ]


def test_sending_again_is_a_new_email(send):
    user = UserFactory()

    send("account_id", user)
    send("account_id", user)  # e.g. the help desk resent it

    assert list(OutgoingEmail.objects.values_list("attempts", flat=True)) == [1, 1]
    assert len(mail.outbox) == 2


# Never a secret -------------------------------------------------------------------------------


def spy(monkeypatch, name: str, found: list) -> None:
    """Wrap the builders' ``name`` so the secret it returns is kept for the test."""
    real = getattr(accounts.emails, name)

    def wrapper(**kwargs):
        result = real(**kwargs)
        found.append(result[1])
        return result

    monkeypatch.setattr(accounts.emails, name, wrapper)


def temporary_password(monkeypatch, send, capture) -> str:
    found = []
    spy(monkeypatch, "user_issue_temporary_password", found)
    send("account_password", UserFactory())
    return found[0]


def verification_code(monkeypatch, send, capture) -> str:
    found = []
    spy(monkeypatch, "email_verification_issue_code", found)
    with capture(execute=True):
        email_verification_start(email="applicant@example.org")
    return found[0]


def reset_link(monkeypatch, send, capture) -> str:
    send("password_reset", UserFactory())
    return re.search(r"https?://\S+", mail.outbox[-1].body).group(0)


@pytest.mark.parametrize("secret_of", [temporary_password, verification_code, reset_link])
def test_the_record_never_holds_the_secret_an_email_carries(
    secret_of, monkeypatch, send, django_capture_on_commit_callbacks
):
    secret = secret_of(monkeypatch, send, django_capture_on_commit_callbacks)

    assert secret in mail.outbox[-1].body  # it was mailed...
    assert OutgoingEmail.objects.get().status == OutgoingEmail.Status.SENT
    assert leaks([secret], mail_rows()) == []  # ...and is not in the record


def test_a_failed_send_is_recorded_with_its_error_but_without_the_body(settings, monkeypatch, send):
    settings.EMAIL_BACKEND = REFUSING  # its error quotes the message, password included
    settings.OUTBOX_MAX_ATTEMPTS = 1
    found = []
    spy(monkeypatch, "user_issue_temporary_password", found)

    email = send("account_password", UserFactory())

    assert email.status == OutgoingEmail.Status.FAILED
    assert email.sent_at is None
    assert email.subject == "FYI: User Creation Completed – Password Enclosed"
    assert email.last_error.startswith("SMTPDataError: (554, 'Message refused:")
    assert "[removed]" in email.last_error
    assert found and leaks(found, mail_rows()) == []


def test_all_mail_goes_through_the_recorded_seam():
    """Only the outbox's rendering builds messages; anything else would send without a record."""
    senders = re.compile(
        r"\b(send_mail|send_mass_mail|mail_admins|mail_managers|EmailMessage|EmailMultiAlternatives|get_connection)\b"
    )
    outbox = PROJECT / "iacs_portal" / "outbox"
    allowed = {outbox / "rendering.py", outbox / "views.py"}
    found = []
    for folder in ("accounts", "approvals", "organizations", "iacs_portal"):
        for path in (PROJECT / folder).rglob("*.py"):
            if path not in allowed and senders.search(path.read_text()):
                found.append(str(path.relative_to(PROJECT)))
    assert found == []
    assert senders.search((outbox / "rendering.py").read_text())


# In the admin ----------------------------------------------------------------------------------


def test_the_help_desk_tells_sent_from_failed_from_never_sent(client, settings, send):
    sent_to, failed_to = UserFactory(), UserFactory()
    send("account_id", sent_to)
    settings.EMAIL_BACKEND = REFUSING
    settings.OUTBOX_MAX_ATTEMPTS = 1
    send("account_id", failed_to)
    staff_in_admin(client, HELP_DESK)

    sent = client.get(CHANGELIST, {"q": sent_to.email})
    failed = client.get(CHANGELIST, {"q": failed_to.email})
    never = client.get(CHANGELIST, {"q": "nobody@example.org"})

    assert [e.status for e in sent.context["cl"].result_list] == ["sent"]
    assert [e.status for e in failed.context["cl"].result_list] == ["failed"]
    assert never.context["cl"].result_count == 0
    email = OutgoingEmail.objects.get(status="failed")
    page = client.get(admin_url(OutgoingEmail, "change", email.pk)).content.decode()
    assert "SMTPDataError" in page and "Failed" in page


@pytest.mark.parametrize("term", ["USER-ID", "TRACKING", "Account ID Enclosed"])
def test_the_list_is_searched_by_user_id_tracking_number_and_subject(
    client, term, send, django_capture_on_commit_callbacks
):
    user = UserFactory()
    access_request = submitted_request(Role.SECURITY_OFFICIAL)
    send("account_id", user)
    delivered(
        django_capture_on_commit_callbacks,
        request_email_enqueue,
        event="request_submitted",
        access_request=access_request,
    )
    expected = {"USER-ID": "account_id", "TRACKING": "request_submitted"}.get(term, "account_id")
    term = {"USER-ID": user.username, "TRACKING": access_request.tracking_number}.get(term, term)
    staff_in_admin(client, CMS_APPROVER)

    found = client.get(CHANGELIST, {"q": term}).context["cl"].result_list

    assert [email.event for email in found] == [expected]


def test_the_list_is_filtered_by_status_and_event(client, settings, send):
    users = UserFactory.create_batch(2)
    send("account_id", users[0])
    send("password_changed", users[0])
    settings.EMAIL_BACKEND = REFUSING
    settings.OUTBOX_MAX_ATTEMPTS = 1
    send("account_id", users[1])
    staff_in_admin(client, HELP_DESK)

    def events(**query):
        return sorted(e.event for e in client.get(CHANGELIST, query).context["cl"].result_list)

    assert events(status__exact="failed") == ["account_id"]
    assert events(status__exact="sent") == ["account_id", "password_changed"]
    assert events(event="password_changed") == ["password_changed"]


def test_the_page_of_an_email_links_to_the_person_it_is_about(client, send):
    user = UserFactory()
    email = send("account_id", user)
    staff_in_admin(client, HELP_DESK)

    page = client.get(admin_url(OutgoingEmail, "change", email.pk))

    assert f'href="{admin_url(type(user), "change", user.pk)}"' in page.content.decode()


@pytest.mark.parametrize("group", [HELP_DESK, CMS_APPROVER, "superuser"])
def test_the_sent_mail_is_read_only_for_everyone(client, group, send):
    send("account_id", UserFactory())
    if group == "superuser":
        staff_in_admin(client, None, is_superuser=True)
    else:
        staff_in_admin(client, group)

    assert client.get(CHANGELIST).status_code == 200
    assert_read_only_in_the_admin(client, OutgoingEmail.objects.get())
    assert OutgoingEmail.objects.get().status == "sent"


def test_staff_in_no_group_see_no_sent_mail(client, send):
    send("account_id", UserFactory())
    staff_in_admin(client, None)

    assert client.get(CHANGELIST).status_code == 403
    email = OutgoingEmail.objects.get()
    assert client.get(admin_url(OutgoingEmail, "change", email.pk)).status_code == 403


def test_a_refused_message_is_not_raised_to_the_caller(settings, send):
    """The failure is the row's, not the page's: the service that queued it never sees it."""
    settings.EMAIL_BACKEND = REFUSING

    email = send("account_id", UserFactory())

    assert (email.status, email.attempts) == ("queued", 1)
    assert email.last_error.startswith(SMTPDataError.__name__)
