"""Every email the portal sends is recorded, without its body, and the help desk reads the record.

"I never got the email": the agent searches the person's address under Mail > Sent mail and
sees whether it was sent, failed (and why), or never tried (no row).
"""

import re
import time
from pathlib import Path
from smtplib import SMTPDataError, SMTPException, SMTPServerDisconnected

import pytest
from celery.contrib.testing.worker import start_worker
from django.core import mail
from django.template import TemplateDoesNotExist
from django.urls import reverse

from accounts import tasks
from accounts.mail import send_templated_email
from accounts.models import EmailVerification
from accounts.verification import email_verification_start
from approvals.tasks import send_request_acknowledgement
from iacs_portal.celery import app
from iacs_portal.outbox.models import OutgoingEmail
from iacs_portal.staff_groups import CMS_APPROVER, HELP_DESK
from organizations.roles import Role
from tests.accounts.test_celery_worker import worker_app  # noqa: F401 (a fixture)
from tests.factories import UserFactory, submitted_request
from tests.pii import database_rows, leaks

from .mail_support import FlakyBackend
from .read_only import admin_url, assert_read_only_in_the_admin
from .support import staff_in_admin

pytestmark = pytest.mark.django_db

REFUSING = "tests.helpdesk.mail_support.RefusingBackend"
FLAKY = "tests.helpdesk.mail_support.FlakyBackend"
CHANGELIST = reverse("admin:outbox_outgoingemail_changelist")
PROJECT = Path(__file__).resolve().parents[2]


def mail_rows() -> list[tuple[str, str]]:
    """The mail record's rows as stored, through raw SQL."""
    return [row for row in database_rows() if row[0] == OutgoingEmail._meta.db_table]


# What is recorded ----------------------------------------------------------------------------


def test_an_email_is_recorded_with_event_recipient_subject_status_and_attempts():
    user = UserFactory()

    tasks.send_user_id_email.delay(user.pk)

    [message] = mail.outbox
    [email] = OutgoingEmail.objects.all()
    assert email.event == "account_id"
    assert email.recipients == user.email
    assert email.subject == message.subject
    assert email.status == OutgoingEmail.Status.SENT
    assert email.attempts == 1
    assert email.sent_at is not None and email.last_error == ""
    assert email.user_label == user.username
    assert email.task_id  # the Celery task that sent it


def test_a_request_email_is_recorded_with_its_tracking_number():
    access_request = submitted_request(Role.SECURITY_OFFICIAL)

    send_request_acknowledgement.delay(access_request.pk)

    [email] = OutgoingEmail.objects.all()
    assert email.event == "request_submitted"
    assert email.tracking_number == access_request.tracking_number
    assert email.recipients == "pat.applicant@example.org"


def test_an_email_to_several_people_lists_them_all():
    send_templated_email(
        event="request_reminder",
        to=["first.approver@example.org", "second.approver@example.org"],
        context={"request": submitted_request(Role.SECURITY_OFFICIAL), "queue_path": "/q/"},
    )

    [email] = OutgoingEmail.objects.all()
    assert email.recipients == "first.approver@example.org, second.approver@example.org"
    assert email.task_id == ""  # sent outside a task: nothing retries it


def test_each_email_of_one_task_has_its_own_row():
    user = UserFactory(email="new@example.org")
    change = EmailVerification.objects.create(
        user=user, email="new@example.org", replaces_email="old@example.org"
    )

    tasks.send_email_changed.delay(change.pk)

    assert sorted(OutgoingEmail.objects.values_list("recipients", "attempts")) == [
        ("new@example.org", 1),
        ("old@example.org", 1),
    ]


# Never a secret -------------------------------------------------------------------------------


def spy(monkeypatch, name: str, found: list) -> None:
    """Wrap the task module's ``name`` so the secret it returns is kept for the test."""
    real = getattr(tasks, name)

    def wrapper(**kwargs):
        result = real(**kwargs)
        found.append(result[1])
        return result

    monkeypatch.setattr(tasks, name, wrapper)


def temporary_password(monkeypatch, django_capture_on_commit_callbacks) -> str:
    found = []
    spy(monkeypatch, "user_issue_temporary_password", found)
    tasks.send_temporary_password_email.delay(UserFactory().pk)
    return found[0]


def verification_code(monkeypatch, django_capture_on_commit_callbacks) -> str:
    found = []
    spy(monkeypatch, "email_verification_issue_code", found)
    with django_capture_on_commit_callbacks(execute=True):
        email_verification_start(email="applicant@example.org")
    return found[0]


def reset_link(monkeypatch, django_capture_on_commit_callbacks) -> str:
    tasks.send_password_reset_link.delay(UserFactory().pk)
    return re.search(r"https?://\S+", mail.outbox[-1].body).group(0)


@pytest.mark.parametrize("secret_of", [temporary_password, verification_code, reset_link])
def test_the_record_never_holds_the_secret_an_email_carries(
    secret_of, monkeypatch, django_capture_on_commit_callbacks
):
    secret = secret_of(monkeypatch, django_capture_on_commit_callbacks)

    assert secret in mail.outbox[-1].body  # it was mailed...
    assert OutgoingEmail.objects.get().status == OutgoingEmail.Status.SENT
    assert leaks([secret], mail_rows()) == []  # ...and is not in the record


def test_a_failed_send_is_recorded_with_its_error_but_without_the_body(settings, monkeypatch):
    settings.EMAIL_BACKEND = REFUSING  # its error quotes the message, password included
    found = []
    spy(monkeypatch, "user_issue_temporary_password", found)

    with pytest.raises(SMTPDataError):  # the task fails, so Celery can retry it
        tasks.send_temporary_password_email.delay(UserFactory().pk)

    email = OutgoingEmail.objects.get()
    assert email.status == OutgoingEmail.Status.FAILED
    assert email.sent_at is None
    assert email.subject == "FYI: User Creation Completed – Password Enclosed"
    assert email.last_error.startswith("SMTPDataError: (554, 'Message refused:")
    assert "[removed]" in email.last_error
    assert leaks(found, mail_rows()) == []


def test_an_email_whose_template_is_missing_is_recorded_as_failed():
    with pytest.raises(TemplateDoesNotExist):
        send_templated_email(event="no_such_event", to=["a@example.org"], context={})

    email = OutgoingEmail.objects.get()
    assert (email.event, email.status, email.subject) == ("no_such_event", "failed", "")
    assert email.last_error == "TemplateDoesNotExist: emails/no_such_event/subject.txt"


# Retries ---------------------------------------------------------------------------------------


def test_a_retry_of_the_same_task_adds_an_attempt_to_the_same_row(settings, monkeypatch):
    settings.EMAIL_BACKEND = FLAKY
    monkeypatch.setattr(FlakyBackend, "failures_left", 1)
    user = UserFactory()

    with pytest.raises(SMTPServerDisconnected):
        tasks.send_user_id_email.apply(args=[user.pk], task_id="retried-task")
    failed = OutgoingEmail.objects.get()
    assert (failed.status, failed.attempts) == ("failed", 1)
    assert failed.last_error == "SMTPServerDisconnected: Connection unexpectedly closed"

    tasks.send_user_id_email.apply(args=[user.pk], task_id="retried-task")  # Celery's retry

    sent = OutgoingEmail.objects.get()
    assert (sent.pk, sent.status, sent.attempts, sent.last_error) == (failed.pk, "sent", 2, "")
    assert len(mail.outbox) == 1


def test_sending_again_in_a_new_task_is_a_new_email():
    user = UserFactory()

    tasks.send_user_id_email.delay(user.pk)
    tasks.send_user_id_email.delay(user.pk)  # e.g. the help desk resent it

    assert list(OutgoingEmail.objects.values_list("attempts", flat=True)) == [1, 1]


@app.task(
    name="tests.helpdesk.send_user_id_with_retries",
    bind=True,
    autoretry_for=(SMTPException,),
    max_retries=3,
    default_retry_delay=0,
)
def send_user_id_with_retries(self, user_id: int) -> None:
    tasks.send_user_id_email.run(user_id)


@pytest.mark.celery_worker
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("worker_app")
def test_a_real_worker_retrying_a_task_counts_the_attempts(settings, monkeypatch):
    settings.EMAIL_BACKEND = FLAKY
    monkeypatch.setattr(FlakyBackend, "failures_left", 2)
    user = UserFactory()

    with start_worker(app, perform_ping_check=False, shutdown_timeout=10):
        send_user_id_with_retries.delay(user.pk)
        deadline = time.monotonic() + 30
        while not mail.outbox and time.monotonic() < deadline:
            time.sleep(0.2)

    email = OutgoingEmail.objects.get()
    assert (email.status, email.attempts) == ("sent", 3)
    assert len(mail.outbox) == 1


def test_all_mail_goes_through_the_recorded_seam():
    """Only accounts/mail.py builds messages; anything else would be sent without a record."""
    senders = re.compile(
        r"\b(send_mail|send_mass_mail|mail_admins|mail_managers|EmailMessage|EmailMultiAlternatives|get_connection)\b"
    )
    allowed = {PROJECT / "accounts" / "mail.py", PROJECT / "iacs_portal" / "outbox" / "views.py"}
    found = []
    for folder in ("accounts", "approvals", "organizations", "iacs_portal"):
        for path in (PROJECT / folder).rglob("*.py"):
            if path not in allowed and senders.search(path.read_text()):
                found.append(str(path.relative_to(PROJECT)))
    assert found == []
    assert senders.search((PROJECT / "accounts" / "mail.py").read_text())


# In the admin ----------------------------------------------------------------------------------


def test_the_help_desk_tells_sent_from_failed_from_never_sent(client, settings):
    sent_to, failed_to = UserFactory(), UserFactory()
    tasks.send_user_id_email.delay(sent_to.pk)
    settings.EMAIL_BACKEND = REFUSING
    with pytest.raises(SMTPDataError):
        tasks.send_user_id_email.delay(failed_to.pk)
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
def test_the_list_is_searched_by_user_id_tracking_number_and_subject(client, term):
    user = UserFactory()
    access_request = submitted_request(Role.SECURITY_OFFICIAL)
    tasks.send_user_id_email.delay(user.pk)
    send_request_acknowledgement.delay(access_request.pk)
    expected = {"USER-ID": "account_id", "TRACKING": "request_submitted"}.get(term, "account_id")
    term = {"USER-ID": user.username, "TRACKING": access_request.tracking_number}.get(term, term)
    staff_in_admin(client, CMS_APPROVER)

    found = client.get(CHANGELIST, {"q": term}).context["cl"].result_list

    assert [email.event for email in found] == [expected]


def test_the_list_is_filtered_by_status_and_event(client, settings):
    users = UserFactory.create_batch(2)
    tasks.send_user_id_email.delay(users[0].pk)
    tasks.send_password_changed.delay(users[0].pk)
    settings.EMAIL_BACKEND = REFUSING
    with pytest.raises(SMTPDataError):
        tasks.send_user_id_email.delay(users[1].pk)
    staff_in_admin(client, HELP_DESK)

    def events(**query):
        return sorted(e.event for e in client.get(CHANGELIST, query).context["cl"].result_list)

    assert events(status__exact="failed") == ["account_id"]
    assert events(status__exact="sent") == ["account_id", "password_changed"]
    assert events(event="password_changed") == ["password_changed"]


def test_the_page_of_an_email_links_to_the_person_it_is_about(client):
    user = UserFactory()
    tasks.send_user_id_email.delay(user.pk)
    staff_in_admin(client, HELP_DESK)

    page = client.get(admin_url(OutgoingEmail, "change", OutgoingEmail.objects.get().pk))

    assert f'href="{admin_url(type(user), "change", user.pk)}"' in page.content.decode()


@pytest.mark.parametrize("group", [HELP_DESK, CMS_APPROVER, "superuser"])
def test_the_sent_mail_is_read_only_for_everyone(client, group):
    tasks.send_user_id_email.delay(UserFactory().pk)
    if group == "superuser":
        staff_in_admin(client, None, is_superuser=True)
    else:
        staff_in_admin(client, group)

    assert client.get(CHANGELIST).status_code == 200
    assert_read_only_in_the_admin(client, OutgoingEmail.objects.get())
    assert OutgoingEmail.objects.get().status == "sent"


def test_staff_in_no_group_see_no_sent_mail(client):
    tasks.send_user_id_email.delay(UserFactory().pk)
    staff_in_admin(client, None)

    assert client.get(CHANGELIST).status_code == 403
    email = OutgoingEmail.objects.get()
    assert client.get(admin_url(OutgoingEmail, "change", email.pk)).status_code == 403
