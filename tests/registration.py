"""Drives the registration wizard through the Django test client, as a person would."""

import re

from django.core import mail
from django.urls import reverse

from .factories import DEMO_PERSON

CODE_PATTERN = re.compile(r"^\s+(\d{6})\s*$", re.MULTILINE)


def enter_portal(client) -> None:
    client.post(reverse("accounts:warning"))


def latest_code(email: str) -> str:
    for message in reversed(mail.outbox):
        if message.subject == "Email Address Verification" and email in message.to:
            return CODE_PATTERN.search(message.body).group(1)
    raise AssertionError(f"no verification email to {email}")


def user_information(email: str, **overrides) -> dict:
    return {**DEMO_PERSON, "email": email, "email_confirmation": email, **overrides}


CONTACT = {
    "company_name": "Chesapeake Family Medicine",
    "address_line1": "100 Main Street",
    "city": "Baltimore",
    "country": "US",
    "state": "MD",
    "zip_code": "21201",
    "work_phone": "(410) 555-0100",
    "phone_extension": "12",
    "work_email": "barbara@example.org",
}


def start_bso_registration(client, community_slug: str = "provider-supplier"):
    enter_portal(client)
    client.post(reverse("registration:terms", args=[community_slug]), {"accept": "on"})
    client.post(reverse("registration:role"), {"role": "bso"})
    return client.post(reverse("registration:role-terms"), {"accept": "on"})


def register_bso_until_review(client, organization, email: str = "barbara@example.org"):
    start_bso_registration(client)
    client.post(reverse("registration:user-information"), user_information(email))
    client.post(reverse("registration:verify-email"), {"code": latest_code(email)})
    client.post(reverse("registration:contact"), CONTACT)
    search = {"name": organization.legal_name[:6], "country": "US", "state": organization.state}
    client.post(reverse("registration:organization"), {**search, "organization": organization.pk})
    return client.post(
        reverse("registration:justification"), {"justification": "I back up our Security Official."}
    )


def submit_bso_registration(client, organization, email: str = "barbara@example.org"):
    register_bso_until_review(client, organization, email)
    return client.post(reverse("registration:review"))
