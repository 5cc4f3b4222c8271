"""The SSN and date of birth of a full registration appear in clear nowhere an attacker or an
operator could read them: database rows, logs, mail, Celery task arguments (ADR 10)."""

import logging
import re
from datetime import date

import pytest
from celery import shared_task
from celery.app.task import Task
from django.core import mail
from django.db import connection
from django.test import Client
from django.urls import reverse

from accounts.models import User
from approvals.models import AccessRequest
from iacs_portal.outbox.models import OutgoingEmail
from tests.factories import OrganizationFactory, security_official
from tests.pii import database_rows, forms_of, install_recording_handler, leaks, mail_parts
from tests.registration import (
    BARBARA,
    PASSWORD,
    enter_portal,
    sign_in,
    start_bso_registration,
    submit_bso_registration,
    user_information,
)

pytestmark = pytest.mark.django_db(transaction=True)

BARBARAS_DATA = forms_of(ssn=BARBARA.ssn, date_of_birth=date(1984, 3, 12))


class Watch:
    """What the run left behind, gathered from every place personal data could leak to."""

    def __init__(self, handler, caplog, task_calls):
        self.handler, self.caplog, self.task_calls = handler, caplog, task_calls

    def logs(self):
        yield from (("log", text) for text in self.handler.texts)
        yield from (("log (caplog)", record.getMessage()) for record in self.caplog.records)

    def tasks(self):
        yield from ((f"task {name}", repr(call)) for name, call in self.task_calls)

    def everywhere(self):
        yield from database_rows()
        yield from mail_parts()
        yield from self.logs()
        yield from self.tasks()


@pytest.fixture
def watch(caplog, monkeypatch):
    """Logs at DEBUG (SQL with its parameters too), and every task's arguments."""
    caplog.set_level(logging.DEBUG)
    handler, uninstall = install_recording_handler()
    task_calls = []
    original_apply_async, original_apply = Task.apply_async, Task.apply

    def apply_async(self, args=None, kwargs=None, *rest, **options):
        task_calls.append((self.name, (args, kwargs, options)))
        return original_apply_async(self, args, kwargs, *rest, **options)

    def apply(self, args=None, kwargs=None, *rest, **options):
        task_calls.append((self.name, (args, kwargs, options)))
        return original_apply(self, args, kwargs, *rest, **options)

    monkeypatch.setattr(Task, "apply_async", apply_async)
    monkeypatch.setattr(Task, "apply", apply)
    connection.force_debug_cursor = True
    yield Watch(handler, caplog, task_calls)
    connection.force_debug_cursor = False
    uninstall()


def register_approve_and_sign_in(client):
    """Barbara registers as a BSO, her SO approves, she signs in and sets up her account; then
    she tries to register a second time."""
    organization = OrganizationFactory(legal_name="Chesapeake Family Medicine")
    so = security_official(organization)
    submit_bso_registration(client, organization)
    access_request = AccessRequest.objects.get()
    sign_in(approver := Client(), so, PASSWORD)
    approver.post(
        reverse("approvals:detail", args=[access_request.tracking_number]), {"decision": "approve"}
    )
    user = User.objects.get(email="barbara@example.org")
    password_mail = next(m for m in mail.outbox if "Password Enclosed" in m.subject)
    password = re.search(r"^\s+(\S{20})\s*$", password_mail.body, re.MULTILINE).group(1)
    newcomer = Client()
    enter_portal(newcomer)
    newcomer.post(reverse("accounts:login"), {"username": user.username, "password": password})
    new_password = "blue heron kayak sunrise"
    newcomer.post(
        reverse("accounts:change_password"),
        {"new_password1": new_password, "new_password2": new_password},
    )
    names = list(newcomer.get(reverse("accounts:change_answers")).context["form"].fields)[:2]
    newcomer.post(reverse("accounts:change_answers"), dict.fromkeys(names, "Elm Street"))
    again = Client()
    start_bso_registration(again)
    refused = again.post(
        reverse("registration:user-information"), user_information("barbara@example.org")
    )
    assert "You already have an IACS account" in refused.content.decode()
    return user


def test_a_full_registration_leaves_the_ssn_and_birth_date_nowhere_in_clear(client, watch):
    user = register_approve_and_sign_in(client)

    assert leaks(BARBARAS_DATA, watch.everywhere()) == []
    # The run did reach every channel, so the scan above had something to read.
    assert watch.handler.texts and any("INSERT" in text for text in watch.handler.texts)
    assert {name for name, _ in watch.task_calls} == {
        "iacs_portal.outbox.tasks.outgoing_email_deliver",
        "iacs_portal.outbox.tasks.outgoing_emails_deliver",  # the submission's two emails
    }
    assert set(OutgoingEmail.objects.values_list("event", flat=True)) >= {
        "email_verification",
        "account_password",
        "duplicate_registration",
    }
    assert len(mail.outbox) >= 5
    # ...and the data is there, encrypted: the account holds the SSN and the date of birth.
    user.refresh_from_db()
    assert user.ssn == "123456781" and user.date_of_birth == date(1984, 3, 12)


@shared_task
def echo(value):
    return value


def test_the_scanner_finds_an_ssn_stored_in_clear(client, watch):
    """The companion that proves the scan can fail: plant the data in each channel."""
    organization = OrganizationFactory(legal_name="Chesapeake Family Medicine")
    submit_bso_registration(client, organization)
    assert leaks(BARBARAS_DATA, watch.everywhere()) == []

    AccessRequest.objects.update(justification="My SSN is 123-45-6781")
    with connection.cursor() as cursor:  # a column nobody decrypts, as a careless field would
        cursor.execute("UPDATE organizations_organization SET address_line2 = '1984-03-12'")
    found = leaks(BARBARAS_DATA, database_rows())
    assert ("approvals_accessrequest", "123-45-6781") in found
    assert ("organizations_organization", "1984-03-12") in found

    logging.getLogger("approvals").debug("checking %s", "123456781")
    assert ("log", "123456781") in leaks(BARBARAS_DATA, watch.logs())

    mail.send_mail("Welcome", "Born 03/12/1984", None, ["x@example.org"])
    assert ("mail 'Welcome'", "03/12/1984") in leaks(BARBARAS_DATA, mail_parts())

    echo.delay("123 45 6781")
    assert (f"task {echo.name}", "123 45 6781") in leaks(BARBARAS_DATA, watch.tasks())


def test_the_ssn_is_stored_only_as_ciphertext(client):
    start_bso_registration(client)
    client.post(reverse("registration:user-information"), user_information("b@example.org"))
    draft = AccessRequest.objects.get()
    assert draft.ssn == "123456781" and draft.date_of_birth == date(1984, 3, 12)
    with connection.cursor() as cursor:
        cursor.execute("SELECT ssn, date_of_birth FROM approvals_accessrequest")
        ssn, birth = cursor.fetchone()
    assert ssn.startswith("gAAAAA") and birth.startswith("gAAAAA")  # Fernet tokens


def test_an_error_in_the_user_information_step_reports_neither_ssn_nor_birth_date(
    settings, monkeypatch, watch
):
    """A 500 is logged and mailed to the admins with the POST data: the SSN must be hidden."""
    settings.ADMINS = [("Operations", "ops@example.org")]

    def explode(**identity):
        raise RuntimeError("the SSA service answered nonsense")

    monkeypatch.setattr("approvals.registration.forms.ssa_identity_matches", explode)
    client = Client(raise_request_exception=False)
    start_bso_registration(client)
    mail.outbox.clear()
    response = client.post(
        reverse("registration:user-information"), user_information("b@example.org")
    )

    assert response.status_code == 500
    report = [m for m in mail.outbox if "ops@example.org" in m.to]
    assert report and "POST" in report[0].body and "ssn" in report[0].body  # the field, hidden
    assert any("Internal Server Error" in text for text in watch.handler.texts)
    assert leaks(BARBARAS_DATA, [*watch.logs(), *mail_parts()]) == []
