"""A whole registration, approval and first sign-in, logged as production logs it (JSON): no
line holds the SSN, the date of birth, a password, an authentication answer or a verification
code, even with every logger at DEBUG and the SQL logged; and at production's level (INFO) no
line holds a cookie (the session key, the CSRF token) either. At DEBUG Django itself writes the
session key into the SQL it logs and the CSRF token into template contexts, which is why
production never logs at DEBUG (docs/operations.md)."""

import re
from datetime import date

import pytest
from django.core import mail

from tests.approvals.test_personal_data_never_in_clear import register_approve_and_sign_in
from tests.factories import OrganizationFactory
from tests.pii import forms_of
from tests.registration import BARBARA, PASSWORD, enter_portal, register_bso_until_review

pytestmark = pytest.mark.django_db(transaction=True)

CODE = re.compile(r"^\s+(\d{6})\s*$", re.MULTILINE)
TEMPORARY_PASSWORD = re.compile(r"^\s+(\S{20})\s*$", re.MULTILINE)


def secrets_of_the_run() -> list[str]:
    """What the person typed or was sent that must never be logged."""
    codes = [CODE.search(m.body).group(1) for m in mail.outbox if "Verification" in m.subject]
    passwords = [
        TEMPORARY_PASSWORD.search(m.body).group(1)
        for m in mail.outbox
        if "Password Enclosed" in m.subject
    ]
    assert codes and passwords, [m.subject for m in mail.outbox]
    return [
        *forms_of(ssn=BARBARA.ssn, date_of_birth=date(1984, 3, 12)),
        *passwords,
        PASSWORD,  # the approver's
        "blue heron kayak sunrise",  # the new password
        "Elm Street",  # the authentication answers
        *codes,
    ]


def cookies_of(client) -> list[str]:
    values = [morsel.value for morsel in client.cookies.values() if morsel.value]
    assert values
    return values


def found_in(lines: list[str], secret: str) -> list[str]:
    # A 6-digit code could be part of a longer number (an id, a time): match it on its own.
    pattern = re.compile(rf"(?<![0-9]){re.escape(secret)}(?![0-9])")
    return [line for line in lines if pattern.search(line)]


def test_no_log_line_of_a_whole_registration_holds_a_secret(client, json_log):
    register_approve_and_sign_in(client)
    lines = json_log.text.splitlines()
    parsed = json_log.lines()  # and every one of them is a JSON object

    assert len(parsed) > 100 and any(line["logger"] == "django.db.backends" for line in parsed)
    assert any(line.get("path") == "/register/user-information/" for line in json_log.requests())
    leaks = {secret: found_in(lines, secret)[:2] for secret in secrets_of_the_run()}
    assert {secret: where for secret, where in leaks.items() if where} == {}

    at_info = [text for text, line in zip(lines, parsed, strict=True) if line["level"] != "DEBUG"]
    assert any('"iacs_portal.request"' in text for text in at_info)
    leaks = {secret: found_in(at_info, secret)[:2] for secret in cookies_of(client)}
    assert {secret: where for secret, where in leaks.items() if where} == {}


def test_the_scan_finds_a_secret_that_was_logged(client, json_log):
    """The companion that proves the scan can fail: a view that logged what it was sent."""
    import logging

    enter_portal(client)
    register_bso_until_review(client, OrganizationFactory())
    logging.getLogger("approvals").info("checking %s born %s", BARBARA.ssn, "03/12/1984")
    lines = json_log.text.splitlines()
    assert found_in(lines, BARBARA.ssn) and found_in(lines, "03/12/1984")
    code = CODE.search(mail.outbox[0].body).group(1)
    logging.getLogger("accounts").info("code=%s", code)
    assert found_in(json_log.text.splitlines(), code)
    session_key = client.cookies["sessionid"].value
    logging.getLogger("accounts").info("session %s", session_key)
    assert found_in(json_log.text.splitlines(), session_key)
