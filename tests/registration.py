"""Drives the registration wizard through the Django test client, as a person would.

Three entry points share the role-specific part of the wizard (``role_part``):

- a new user registration (``register_until_review``, ``submit_registration`` and the per-role
  helpers), which proves who the person is first;
- a signed-in user's additional role (``add_role_until_review``), from My Profile;
- a surrogate UGA's association with one more organization (``associate_until_review``).

Every step must be accepted (a redirect onward): a step the wizard refuses fails the test there,
with the form's errors, instead of some assertion much later.
"""

import csv
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.middleware import PORTAL_ENTERED_SESSION_KEY
from accounts.two_factor import user_requires_two_factor
from approvals.models import AccessRequest

from .factories import DEMO_PERSON
from .factories import community as community_named
from .two_factor import authenticator, mark_verified, next_unused_code

CODE_PATTERN = re.compile(r"^\s+(\d{6})\s*$", re.MULTILINE)
SSA_DEMO = Path(__file__).resolve().parents[1] / "accounts" / "data" / "ssa_demo.csv"
PASSWORD = "correct-horse-battery-staple-9"  # the factories' password


@dataclass(frozen=True)
class Person:
    """Someone on file with the SSA stub: each may register once."""

    first_name: str
    last_name: str
    date_of_birth: str  # as typed: MM/DD/YYYY
    ssn: str  # as typed: 123-45-6789

    @property
    def email(self) -> str:
        return f"{self.first_name}.{self.last_name}@example.org".lower()

    @property
    def masked_ssn(self) -> str:
        return f"***-**-{self.ssn[-4:]}"

    def form(self) -> dict:
        return {
            "first_name": self.first_name,
            "last_name": self.last_name,
            "date_of_birth": self.date_of_birth,
            "ssn": self.ssn,
        }


def ssa_person(first_name: str) -> Person:
    with SSA_DEMO.open(newline="") as records:
        for row in csv.DictReader(records):
            if row["first_name"] == first_name:
                ssn = row["ssn"]
                return Person(
                    first_name=row["first_name"],
                    last_name=row["last_name"],
                    date_of_birth=date.fromisoformat(row["date_of_birth"]).strftime("%m/%d/%Y"),
                    ssn=f"{ssn[:3]}-{ssn[3:5]}-{ssn[5:]}",
                )
    raise LookupError(f"{first_name} is not in {SSA_DEMO}")


BARBARA = Person(**DEMO_PERSON)


def enter_portal(client) -> None:
    client.post(reverse("accounts:warning"))


def sign_in(client, user, password: str = PASSWORD) -> None:
    """Sign in through the form; with two-factor required, with the app's code too."""
    enter_portal(client)
    if user_requires_two_factor(user):
        authenticator(user)
    response = client.post(
        reverse("accounts:login"), {"username": user.username, "password": password}
    )
    assert response.status_code == 302, response.content.decode()
    if response.url.startswith(reverse("accounts:login_code")):
        device = authenticator(user)
        response = client.post(response.url, {"code": next_unused_code(device)})
        assert response.status_code == 302, response.content.decode()


def enter_signed_in(client, user) -> None:
    """Past the warning screen and signed in, without the login form (which has its own tests)."""
    client.force_login(user)
    mark_verified(client, user)
    session = client.session
    session[PORTAL_ENTERED_SESSION_KEY] = True
    session.save()


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
NEW_ORGANIZATION = {
    "legal_name": "Severn River Medical Group",
    "ein": "52-1234567",
    "npi": "1234567893",
    "ccn_ptan": "210001",
    "address_line1": "200 Harbor Drive",
    "city": "Annapolis",
    "country": "US",
    "state": "MD",
    "zip_code": "21401",
}
PROVIDER_GROUP = {"name": "Billing", "description": "Submits and follows up claims."}
SURROGATE_GROUP = {
    "name": "Bay Billing Services team",
    "description": "Billing done for the organization by Bay Billing Services.",
    "company_name": "Bay Billing Services",
    "company_ein": "31-7654321",
    "company_address_line1": "9 Pier Road",
    "company_city": "Towson",
    "company_state": "MD",
    "company_zip_code": "21204",
    "company_phone": "410-555-0199",
}
PRACTICE = {
    "practice_name": "Dr. Mwangi Family Practice",
    "npi": "1234567893",
    "tin": "52-7777777",
    "address_line1": "5 Elm Street",
    "city": "Frederick",
    "state": "MD",
    "zip_code": "21701",
}
JUSTIFICATION = "I need this access for my duties."


def step(client, name: str, data: dict | None = None, *, url: str | None = None):
    """Post one wizard step and insist it was accepted (a redirect onward, not the form again)."""
    url = url or reverse(f"registration:{name}")
    response = client.post(url, data or {})
    if response.status_code != 302 or response.url == url:
        context = response.context or {}
        errors = [context[key].errors for key in ("form", "search_form") if key in context]
        raise AssertionError(f"the {name} step refused what was entered: {errors}")
    return response


# The role-specific part (SPEC 4.10), shared by registrations and signed-in requests


def enter_new_organization(client, **overrides):
    return step(client, "new-organization", {**NEW_ORGANIZATION, **overrides})


def choose_organization(client, organization):
    search = {
        "name": organization.legal_name[:6],
        "country": organization.country,
        "state": organization.state,
    }
    return step(client, "organization", {**search, "organization": organization.pk})


def choose_group_action(client, action: str):
    return step(client, "group-action", {"action": action})


def choose_group(client, group):
    return step(client, "user-group", {"group": group.pk})


def describe_group(client, kind: str, **overrides):
    template = SURROGATE_GROUP if kind == "surrogate" else PROVIDER_GROUP
    return step(client, "user-group", {**template, **overrides})


def enter_practice(client, **overrides):
    return step(client, "practice", {**PRACTICE, **overrides})


def role_part(client, role: str, *, organization=None, group=None, action=None, **details):
    """The steps of ``role``: ``details`` override the organization, group or practice entered."""
    if role == "so":
        return enter_new_organization(client, **details)
    if role == "individual_practitioner":
        return enter_practice(client, **details)
    response = choose_organization(client, organization or group.organization)
    if role == "end_user":
        return choose_group(client, group)
    if role == "uga":
        choose_group_action(client, action)
        if action == "join":
            return choose_group(client, group)
        kind = "surrogate" if action == "create_surrogate" else "provider"
        return describe_group(client, kind, **details)
    return response


def justify(client, text: str = JUSTIFICATION):
    return step(client, "justification", {"justification": text})


def submit(client):
    """Submit from the review page; returns the submitted request."""
    response = client.post(reverse("registration:review"))
    assert response.status_code == 302, response.content.decode()
    assert response.url == reverse("registration:acknowledgement"), response.url
    return AccessRequest.objects.exclude(status=AccessRequest.Status.DRAFT).latest("submitted_at")


# New User Registration


def start_registration(client, role: str, community_slug: str = "provider-supplier"):
    enter_portal(client)
    step(
        client, "terms", {"accept": "on"}, url=reverse("registration:terms", args=[community_slug])
    )
    step(client, "role", {"role": role})
    return step(client, "role-terms", {"accept": "on"})


def prove_identity(client, person: Person = BARBARA, email: str | None = None):
    email = email or person.email
    info = {**person.form(), "email": email, "email_confirmation": email}
    step(client, "user-information", info)
    return step(client, "verify-email", {"code": latest_code(email)})


def register_until_review(
    client,
    role: str,
    *,
    person: Person = BARBARA,
    email: str | None = None,
    justification: str = JUSTIFICATION,
    **role_kwargs,
):
    """A new user registration for ``role``, up to the review page. See ``role_part``."""
    email = email or person.email
    start_registration(client, role)
    prove_identity(client, person, email)
    step(client, "contact", {**CONTACT, "work_email": email})
    role_part(client, role, **role_kwargs)
    return justify(client, justification)


def submit_registration(client, role: str, **kwargs) -> AccessRequest:
    register_until_review(client, role, **kwargs)
    return submit(client)


def submit_so_registration(client, *, person: Person = BARBARA, **organization) -> AccessRequest:
    return submit_registration(client, "so", person=person, **organization)


def submit_uga_registration(
    client, *, organization=None, action: str, group=None, person: Person = BARBARA, **details
) -> AccessRequest:
    return submit_registration(
        client,
        "uga",
        person=person,
        organization=organization,
        action=action,
        group=group,
        **details,
    )


def submit_end_user_registration(client, group, *, person: Person = BARBARA) -> AccessRequest:
    return submit_registration(client, "end_user", person=person, group=group)


def submit_practitioner_registration(
    client, *, person: Person = BARBARA, **practice
) -> AccessRequest:
    return submit_registration(client, "individual_practitioner", person=person, **practice)


# The BSO path, as the first tests wrote it


def start_bso_registration(client, community_slug: str = "provider-supplier"):
    return start_registration(client, "bso", community_slug)


def register_bso_until_review(
    client, organization, email: str = "barbara@example.org", *, person: Person = BARBARA
):
    return register_until_review(
        client,
        "bso",
        person=person,
        email=email,
        organization=organization,
        justification="I back up our Security Official.",
    )


def submit_bso_registration(
    client, organization, email: str = "barbara@example.org", *, person: Person = BARBARA
):
    register_bso_until_review(client, organization, email, person=person)
    return client.post(reverse("registration:review"))


# A signed-in user asking for more from My Profile


def add_role_until_review(client, role: str, community=None, **role_kwargs):
    """The signed-in user's request for another role, up to the review page."""
    community = community or community_named()
    response = client.post(reverse("registration:add-role"), {"community": community.pk})
    assert response.url == reverse("registration:role"), response
    step(client, "role", {"role": role})
    step(client, "role-terms", {"accept": "on"})
    step(client, "contact", CONTACT)
    role_part(client, role, **role_kwargs)
    return justify(client)


def associate_until_review(client, organization, **group_details):
    """A surrogate UGA's request to serve one more organization, up to the review page."""
    response = client.post(reverse("registration:associate"))
    assert response.url == reverse("registration:organization"), response
    choose_organization(client, organization)
    describe_group(client, "surrogate", **group_details)
    return justify(client)


# The approver's side


def decide(approver, access_request, decision: str = "approve", **data):
    """The approver signs in on their own browser and decides the request from its page.

    Returns the page the decision leads to (the queue with its message), or the refusal.
    """
    client = Client()
    sign_in(client, approver)
    url = reverse("approvals:detail", args=[access_request.tracking_number])
    response = client.post(url, {"decision": decision, **data}, follow=True)
    access_request.refresh_from_db()
    return response


def deny(approver, access_request, note: str = "Not on our staff list."):
    return decide(approver, access_request, "deny", reason="not_employed", note=note)


def granted_subject(access_request) -> str:
    return f"IACS request approved: tracking number {access_request.tracking_number}"


def mail_to(address: str) -> list:
    return [message for message in mail.outbox if address in message.to]


def subjects_to(address: str) -> list[str]:
    return [message.subject for message in mail_to(address)]
