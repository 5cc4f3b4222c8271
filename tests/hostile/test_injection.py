"""Script and SQL in every free-text field: stored exactly as typed, shown escaped everywhere.

"Everywhere": the review page, the approver's queue and request page with its history, the
help desk's admin pages (the request, the account, the audit trail), My Profile, and the HTML
of every email sent. Names are checked against SSA, so the injections go into the fields that
are not: middle name and suffix, contact information, the group and company, the
justification, and the reasons approvers, officials and the help desk give.
"""

import pytest
from django.core import mail
from django.db import connection
from django.urls import reverse
from django.utils.html import escape

from accounts.models import User
from approvals.models import AccessRequest
from iacs_portal.audit.models import AuditEvent
from iacs_portal.staff_groups import CMS_APPROVER, HELP_DESK
from organizations.models import RoleAssignment, UserGroup
from organizations.roles import Role
from tests.factories import OrganizationFactory, UserFactory, role_holder, security_official
from tests.helpdesk.read_only import admin_url
from tests.helpdesk.support import action_url, change_url, staff_in_admin
from tests.registration import (
    BARBARA,
    enter_signed_in,
    latest_code,
    start_registration,
    step,
)

from .strategies import ALL_INJECTIONS, DROP_TABLE, IMAGE, OR_TRUE, SCRIPT

RAW_MARKUP = ("<script>alert", "<img src=x")
# A quoted local part may hold anything: a valid address with a script in it.
SCRIPT_EMAIL = f'"{SCRIPT}"@example.org'
SHORT = '"><img src=x>'  # the suffix holds 20 characters


def assert_escaped(html: str, *typed: str, where: str) -> None:
    for raw in RAW_MARKUP:
        assert raw not in html, f"{where}: raw {raw!r} in the page"
    for value in typed:
        assert escape(value) in html, f"{where}: {value!r} is not shown (escaped)"


def page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response.content.decode()


def emails_html() -> list[tuple[str, str]]:
    return [
        (message.subject, html)
        for message in mail.outbox
        for html, mimetype in getattr(message, "alternatives", [])
        if mimetype == "text/html"
    ]


CONTACT_TYPED = {
    "company_name": ALL_INJECTIONS,
    "address_line1": SCRIPT + DROP_TABLE,
    "address_line2": IMAGE + OR_TRUE,
    "city": ALL_INJECTIONS,
    "country": "US",
    "state": "MD",
    "zip_code": "21201",
    "work_phone": "410-555-0100",
    "phone_extension": "12",
    "work_email": SCRIPT_EMAIL,
}
GROUP_TYPED = {
    "name": ALL_INJECTIONS,
    "description": ALL_INJECTIONS * 4,
    "company_name": ALL_INJECTIONS,
    "company_ein": "31-7654321",
    "company_address_line1": ALL_INJECTIONS,
    "company_city": ALL_INJECTIONS,
    "company_state": "MD",
    "company_zip_code": "21204",
    "company_phone": "410-555-0199",
}
JUSTIFICATION_TYPED = f"{ALL_INJECTIONS}\n{SCRIPT} {IMAGE}"
NOTE_TYPED = f"{SCRIPT} {IMAGE} {DROP_TABLE} {OR_TRUE}"


@pytest.mark.django_db(transaction=True)
def test_a_registration_full_of_injections_is_stored_as_typed_and_shown_escaped(client):
    organization = OrganizationFactory(legal_name="Chesapeake Family Medicine")
    official = security_official(organization)
    start_registration(client, Role.USER_GROUP_ADMINISTRATOR)
    info = {**BARBARA.form(), "middle_name": ALL_INJECTIONS, "suffix": SHORT}
    step(client, "user-information", {**info, "email": BARBARA.email,
                                      "email_confirmation": BARBARA.email})  # fmt: skip
    step(client, "verify-email", {"code": latest_code(BARBARA.email)})
    step(client, "contact", CONTACT_TYPED)
    search = {"name": "Chesapeake", "country": "US", "state": "MD"}
    step(client, "organization", {**search, "organization": organization.pk})
    step(client, "group-action", {"action": AccessRequest.GroupAction.CREATE_SURROGATE})
    step(client, "user-group", GROUP_TYPED)
    step(client, "justification", {"justification": JUSTIFICATION_TYPED})

    review = page(client, reverse("registration:review"))
    contact_shown = [CONTACT_TYPED[f] for f in ("company_name", "address_line1", "city")]
    assert_escaped(review, ALL_INJECTIONS, SHORT, *contact_shown, SCRIPT_EMAIL,
                   GROUP_TYPED["description"], SCRIPT, where="review")  # fmt: skip
    step(client, "review", {})

    # Stored exactly as typed; the tables the SQL names are still there.
    access_request = AccessRequest.objects.exclude(status=AccessRequest.Status.DRAFT).get()
    assert access_request.middle_name == ALL_INJECTIONS and access_request.suffix == SHORT
    for name, typed in CONTACT_TYPED.items():
        if name not in ("work_phone", "zip_code"):
            assert getattr(access_request, name) == typed, name
    assert access_request.justification == JUSTIFICATION_TYPED
    group = UserGroup.objects.get(pk=access_request.group_id)
    assert (group.name, group.description, group.company_city) == (
        ALL_INJECTIONS,
        GROUP_TYPED["description"],
        ALL_INJECTIONS,
    )
    assert "accounts_user" in connection.introspection.table_names()

    # The approver's queue and the request's page.
    enter_signed_in(client, official)
    queue = page(client, reverse("approvals:queue"))
    assert_escaped(queue, access_request.applicant_name, where="queue")
    detail_url = reverse("approvals:detail", args=[access_request.tracking_number])
    detail = page(client, detail_url)
    assert_escaped(detail, ALL_INJECTIONS, SHORT, JUSTIFICATION_TYPED.split("\n")[0],
                   GROUP_TYPED["description"], SCRIPT_EMAIL, where="request page")  # fmt: skip

    # Denied with an explanation full of injections: stored, emailed and shown escaped.
    client.post(detail_url, {"decision": "deny", "reason": "other", "note": NOTE_TYPED})
    access_request.refresh_from_db()
    assert access_request.status == AccessRequest.Status.DENIED
    assert access_request.decision_note == NOTE_TYPED

    staff_in_admin(client, HELP_DESK)
    admin_request = page(client, change_url(access_request))
    assert_escaped(admin_request, ALL_INJECTIONS, NOTE_TYPED, where="admin request page")
    audit = page(
        client, admin_url(AuditEvent, "changelist") + "?q=" + access_request.tracking_number
    )
    assert_escaped(audit, where="admin audit trail")
    for event in AuditEvent.objects.all():
        assert_escaped(page(client, admin_url(AuditEvent, "change", event.pk)),
                       where=f"audit event {event.pk}")  # fmt: skip

    sent = emails_html()
    assert {subject for subject, _ in sent} >= {
        s for s in (m.subject for m in mail.outbox) if "request" in s.lower()
    }
    for subject, html in sent:
        assert_escaped(html, where=f"email {subject!r}")
    [denial] = [html for subject, html in sent if "denied" in subject.lower()]
    assert_escaped(denial, NOTE_TYPED, access_request.applicant_name, where="denial email")


@pytest.mark.django_db(transaction=True)
def test_profile_removal_and_help_desk_reasons_are_stored_as_typed_and_shown_escaped(client):
    organization = OrganizationFactory()
    official = security_official(organization)
    person = role_holder(Role.BACKUP_SECURITY_OFFICIAL, organization=organization,
                         user=UserFactory(middle_name=ALL_INJECTIONS))  # fmt: skip

    # My Profile: professional contact information.
    enter_signed_in(client, person)
    response = client.post(reverse("accounts:contact"), CONTACT_TYPED)
    assert response.status_code == 302
    person.refresh_from_db()
    for name in ("company_name", "address_line1", "address_line2", "city", "work_email"):
        assert getattr(person, name) == CONTACT_TYPED[name], name
    for url in (reverse("accounts:my_profile"), reverse("accounts:contact")):
        assert_escaped(page(client, url), ALL_INJECTIONS, where=url)

    # The Security Official removes the role, giving a reason full of injections.
    enter_signed_in(client, official)
    assignment = RoleAssignment.objects.get(user=person)
    roles = page(client, reverse("organizations:manage-roles"))
    assert_escaped(roles, where="manage roles")
    remove_url = reverse("organizations:remove-role", args=[assignment.pk])
    assert_escaped(page(client, remove_url), person.full_name, where="remove role")
    mail.outbox.clear()
    client.post(remove_url, {"reason": NOTE_TYPED})
    assignment.refresh_from_db()
    assert assignment.revocation_reason == NOTE_TYPED

    # The help desk disables the account with such a reason too.
    staff_in_admin(client, CMS_APPROVER)
    client.post(action_url(person, "disable"), {"reason": ALL_INJECTIONS})
    person.refresh_from_db()
    assert not person.is_active
    removal_event = AuditEvent.objects.get(action="role.revoked")
    assert removal_event.reason == f"{assignment}: {NOTE_TYPED}"
    disabling_event = AuditEvent.objects.get(action="account.disabled")
    assert disabling_event.reason == ALL_INJECTIONS
    events = [removal_event, disabling_event]

    staff_in_admin(client, HELP_DESK)
    assert_escaped(page(client, change_url(person)), ALL_INJECTIONS, where="admin account page")
    assert_escaped(page(client, admin_url(User, "changelist") + "?q=" + person.username),
                   where="admin accounts list")  # fmt: skip
    assert_escaped(page(client, admin_url(RoleAssignment, "change", assignment.pk)), NOTE_TYPED,
                   where="admin role page")  # fmt: skip
    assert_escaped(page(client, admin_url(AuditEvent, "changelist")), where="audit trail")
    for event in events:
        assert_escaped(page(client, admin_url(AuditEvent, "change", event.pk)), event.reason,
                       where="audit event")  # fmt: skip

    sent = emails_html()
    assert sent
    for subject, html in sent:
        assert_escaped(html, where=f"email {subject!r}")
    [removal] = [html for subject, html in sent if "removed" in subject.lower()]
    assert_escaped(removal, NOTE_TYPED, where="role removed email")


ROLE_PART_TYPED = {
    Role.SECURITY_OFFICIAL: (
        "new-organization",
        {
            "legal_name": ALL_INJECTIONS,
            "ein": "52-1234567",
            "address_line1": ALL_INJECTIONS,
            "address_line2": SCRIPT,
            "city": ALL_INJECTIONS,
            "country": "US",
            "state": "MD",
            "zip_code": "21401",
        },
    ),
    Role.INDIVIDUAL_PRACTITIONER: (
        "practice",
        {
            "practice_name": ALL_INJECTIONS,
            "npi": "1234567893",
            "address_line1": ALL_INJECTIONS,
            "address_line2": IMAGE,
            "city": ALL_INJECTIONS,
            "state": "MD",
            "zip_code": "21701",
        },
    ),
}


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("role", list(ROLE_PART_TYPED))
def test_an_organization_or_practice_full_of_injections_is_shown_escaped(client, role):
    """The Security Official's organization and the practitioner's practice, to CMS."""
    step_name, typed = ROLE_PART_TYPED[role]
    start_registration(client, role)
    step(client, "user-information", {**BARBARA.form(), "email": BARBARA.email,
                                      "email_confirmation": BARBARA.email})  # fmt: skip
    step(client, "verify-email", {"code": latest_code(BARBARA.email)})
    step(client, "contact", CONTACT_TYPED)
    step(client, step_name, typed)
    step(client, "justification", {"justification": JUSTIFICATION_TYPED})
    assert_escaped(page(client, reverse("registration:review")), ALL_INJECTIONS, where="review")
    step(client, "review", {})
    access_request = AccessRequest.objects.exclude(status=AccessRequest.Status.DRAFT).get()
    if role == Role.SECURITY_OFFICIAL:
        organization = access_request.organization
        assert (organization.legal_name, organization.city) == (ALL_INJECTIONS, ALL_INJECTIONS)
    else:
        assert access_request.details["practice"]["practice_name"] == ALL_INJECTIONS

    staff_in_admin(client, CMS_APPROVER)
    assert_escaped(page(client, change_url(access_request)), ALL_INJECTIONS,
                   where="admin request page")  # fmt: skip
    assert_escaped(page(client, admin_url(AccessRequest, "changelist")), where="admin requests")
    client.post(action_url(access_request, "approve"), {"reason": ALL_INJECTIONS})
    access_request.refresh_from_db()
    assert access_request.status == AccessRequest.Status.APPROVED
    if role == Role.SECURITY_OFFICIAL:
        org_page = page(client, change_url(access_request.organization))
        assert_escaped(org_page, ALL_INJECTIONS, where="admin organization page")
        assert_escaped(page(client, admin_url(type(access_request.organization), "changelist")),
                       ALL_INJECTIONS, where="admin organizations")  # fmt: skip
    for subject, html in emails_html():
        assert_escaped(html, where=f"email {subject!r}")
