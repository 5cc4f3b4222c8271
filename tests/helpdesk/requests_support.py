"""Requests for the help desk tests: made by the wizard (with a real SSN and date of birth)."""

from django.test import Client

from tests.registration import (
    BARBARA,
    submit_practitioner_registration,
    submit_so_registration,
)

APPROVE_REASON = "Checked the IRS letter of the organization on ticket 4411."


def so_request():
    """Barbara asks to register Severn River Medical Group as its Security Official."""
    return submit_so_registration(Client())


def practitioner_request():
    """Barbara asks to register as an Individual Practitioner."""
    return submit_practitioner_registration(Client())


def pii_forms() -> list[str]:
    """How Barbara's SSN and date of birth could appear on a page: none may."""
    from datetime import datetime

    from tests.pii import forms_of

    born = datetime.strptime(BARBARA.date_of_birth, "%m/%d/%Y").date()
    return forms_of(ssn=BARBARA.ssn, date_of_birth=born)


def page_of(response) -> str:
    return response.content.decode()
