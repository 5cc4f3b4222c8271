"""One person, one account (SPEC 1): added roles, duplicates, and My Profile.

A person with an account asks for another role from My Profile and keeps their User ID; the
request goes to the same approver as a new registration of that role. A second registration of
the same person is refused and the account holder told.
"""

import pytest
from django.core import mail
from django.urls import reverse

from accounts.models import User
from approvals.models import AccessRequest
from organizations.models import RoleAssignment, UserGroup
from organizations.roles import Role
from tests.factories import (
    OrganizationFactory,
    UserGroupFactory,
    account_holder,
    community,
    group_administrator,
    role_holder,
    security_official,
    staff_approver,
)
from tests.registration import (
    PASSWORD,
    add_role_until_review,
    decide,
    deny,
    enter_portal,
    granted_subject,
    mail_to,
    sign_in,
    ssa_person,
    start_registration,
    submit,
    submit_uga_registration,
)

pytestmark = pytest.mark.django_db(transaction=True)

GRACE = ssa_person("Grace")
DUPLICATE_SUBJECT = "Someone tried to register a second IACS account for you"
CREDENTIAL_SUBJECTS = {
    "FYI: User Creation Completed – Account ID Enclosed",
    "FYI: User Creation Completed – Password Enclosed",
}


# One person, one account


def test_a_second_registration_of_the_same_person_is_refused_and_the_holder_told(client):
    holder = account_holder(GRACE, email="grace.at.home@example.org")
    start_registration(client, "end_user")
    entered = "grace.new@example.org"
    response = client.post(
        reverse("registration:user-information"),
        {**GRACE.form(), "email": entered, "email_confirmation": entered},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "You already have an IACS account" in page
    assert "request the role you need from My Profile" in page
    assert "contact the help desk" in page
    (notice,) = mail.outbox
    assert notice.subject == DUPLICATE_SUBJECT and notice.to == [holder.email]
    assert not mail_to(entered)  # no verification code: the registration goes no further
    draft = AccessRequest.objects.get()
    assert draft.ssn_digest == "" and "user-information" not in draft.completed_steps


def test_a_holders_ssn_with_another_name_is_refused_by_ssa_and_nobody_is_told(client):
    account_holder(GRACE)
    start_registration(client, "end_user")
    response = client.post(
        reverse("registration:user-information"),
        {**GRACE.form(), "first_name": "Gracie", "email": "x@example.org",
         "email_confirmation": "x@example.org"},
    )  # fmt: skip
    page = response.content.decode()
    assert "does not match the records of the Social Security Administration" in page
    assert "You already have an IACS account" not in page
    assert not mail.outbox


def test_a_second_registration_while_the_first_is_pending_is_refused(client):
    organization = OrganizationFactory()
    submit_uga_registration(
        client, organization=organization, action="create_provider", person=GRACE
    )
    other = client.__class__()
    start_registration(other, "bso")
    response = other.post(
        reverse("registration:user-information"),
        {**GRACE.form(), "email": GRACE.email, "email_confirmation": GRACE.email},
    )
    assert "A registration for you is already waiting for approval" in response.content.decode()


# An added role on an existing account


def test_signing_in_is_needed_to_ask_for_more(client):
    enter_portal(client)
    for name in ("add-role", "associate"):
        response = client.get(reverse(f"registration:{name}"))
        assert response.url.startswith(reverse("accounts:login"))


@pytest.fixture
def bso_at(request):
    organization = OrganizationFactory(legal_name="Chesapeake Family Medicine")
    user = role_holder("bso", organization=organization, user=account_holder(GRACE))
    return organization, user


@pytest.mark.parametrize(
    ("role", "approver_kind"),
    [
        ("so", "cms"),
        ("individual_practitioner", "cms"),
        ("bso", "so"),
        ("uga", "so"),
        ("end_user", "uga"),
    ],
)
def test_an_added_role_goes_to_the_approver_of_a_new_registration(client, role, approver_kind):
    """SPEC 1: an added role is decided by whoever decides a new registration for it."""
    organization = OrganizationFactory(legal_name="Dogwood Clinic")
    group = UserGroupFactory(organization=organization, name="Front desk")
    approvers = {
        "cms": staff_approver(),
        "so": security_official(organization),
        "uga": group_administrator(group),
    }
    # Someone with an account elsewhere: an end user of another organization.
    user = role_holder("end_user", group=UserGroupFactory(), user=account_holder(GRACE))
    held_before = list(user.role_assignments.values_list("pk", flat=True))
    sign_in(client, user)
    add_role_until_review(
        client, role, organization=organization, group=group, action="create_provider"
    )
    access_request = submit(client)

    (notice,) = [m for m in mail.outbox if "awaiting your approval" in m.subject]
    assert notice.to == [approvers[approver_kind].email]
    for kind, outsider in approvers.items():
        if kind != approver_kind:
            assert decide(outsider, access_request).status_code == 404
    decide(approvers[approver_kind], access_request)
    assert access_request.status == AccessRequest.Status.APPROVED
    assert mail_to(user.email)[-1].subject == granted_subject(access_request)
    (granted,) = user.role_assignments.exclude(pk__in=held_before)
    assert granted.role == role
    expected_group = access_request.group if role in ("uga", "end_user") else None
    assert granted.group == expected_group
    if role in ("bso", "uga", "end_user"):
        assert granted.organization == organization
    assert User.objects.filter(ssn_digest=user.ssn_digest).count() == 1


def test_an_added_role_keeps_the_user_id_and_emails_role_granted(client, bso_at):
    organization, user = bso_at
    so = security_official(organization)
    group = UserGroupFactory(organization=organization, name="Billing")
    users_before = User.objects.count()
    sign_in(client, user)
    add_role_until_review(client, "uga", organization=organization, action="join", group=group)
    assert "Request a Role" in client.get(reverse("registration:review")).content.decode()
    access_request = submit(client)

    assert access_request.kind == AccessRequest.Kind.ADDITIONAL_ROLE
    assert access_request.applicant == user and access_request.ssn_digest == user.ssn_digest
    ack = client.get(reverse("registration:acknowledgement")).content.decode()
    assert "your User ID and password do not change" in ack
    (notice,) = [m for m in mail.outbox if "awaiting your approval" in m.subject]
    assert notice.to == [so.email]  # the BSO asking is not among their own approvers

    decide(so, access_request)
    assert access_request.status == AccessRequest.Status.APPROVED
    assert User.objects.count() == users_before
    assert not CREDENTIAL_SUBJECTS & {m.subject for m in mail.outbox}
    granted = mail_to(user.email)[-1]
    assert granted.subject == granted_subject(access_request)
    assert user.username in granted.body and "Billing" in granted.body
    assert set(user.role_assignments.values_list("role", "group")) == {
        ("bso", None),
        ("uga", group.pk),
    }
    user.refresh_from_db()
    assert user.check_password(PASSWORD) and not user.must_change_password


def test_an_added_so_role_goes_to_a_cms_approver(client, bso_at):
    _, user = bso_at
    cms = staff_approver()
    sign_in(client, user)
    add_role_until_review(client, "so")
    access_request = submit(client)
    assert access_request.organization.status == "pending"
    decide(cms, access_request)
    access_request.organization.refresh_from_db()
    assert access_request.organization.status == "approved"
    assert user.role_assignments.filter(
        role="so", organization=access_request.organization
    ).exists()
    assert mail_to(user.email)[-1].subject == granted_subject(access_request)


def test_a_denied_added_role_is_emailed_and_the_other_roles_stay(client, bso_at):
    organization, user = bso_at
    so = security_official(organization)
    sign_in(client, user)
    add_role_until_review(client, "uga", organization=organization, action="create_provider")
    access_request = submit(client)
    deny(so, access_request, note="One administrator is enough.")
    denial = mail_to(user.email)[-1]
    assert "denied" in denial.subject and "One administrator is enough." in denial.body
    assert "add the role" in denial.body
    assert list(user.role_assignments.values_list("role", flat=True)) == ["bso"]
    assert access_request.group.status == UserGroup.Status.DENIED


def test_an_added_role_skips_the_identity_steps(client, bso_at):
    _, user = bso_at
    sign_in(client, user)
    client.post(reverse("registration:add-role"), {"community": community().pk})
    for name in ("user-information", "verify-email"):
        response = client.get(reverse(f"registration:{name}"))
        assert response.url == reverse("registration:role")


def test_a_role_already_held_there_cannot_be_asked_for_again(client, bso_at):
    organization, user = bso_at
    sign_in(client, user)
    with pytest.raises(AssertionError, match="organization step refused"):
        add_role_until_review(client, "bso", organization=organization)
    response = client.post(
        reverse("registration:organization"),
        {"name": organization.legal_name, "country": "US", "state": "MD",
         "organization": organization.pk},
    )  # fmt: skip
    assert "You are already Backup Security Official of Chesapeake Family Medicine" in (
        response.content.decode()
    )


@pytest.mark.parametrize("role", ["uga", "end_user"])
def test_a_group_role_already_held_cannot_be_asked_for_again(client, role):
    group = UserGroupFactory(name="Billing")
    user = role_holder(role, group=group)
    sign_in(client, user)
    with pytest.raises(AssertionError, match="user-group step refused"):
        add_role_until_review(
            client, role, organization=group.organization, action="join", group=group
        )
    response = client.post(reverse("registration:user-group"), {"group": group.pk})
    assert f"You are already {dict(Role.choices)[role]} of Billing." in response.content.decode()


def test_individual_practitioner_cannot_be_added_twice(client):
    user = role_holder("individual_practitioner", user=account_holder(GRACE), organization=None)
    sign_in(client, user)
    with pytest.raises(AssertionError, match="role step refused"):
        add_role_until_review(client, "individual_practitioner")
    response = client.post(reverse("registration:role"), {"role": "individual_practitioner"})
    assert "You already hold the Individual Practitioner role." in response.content.decode()


def test_my_profile_lists_roles_where_held_and_requests_with_status(client, bso_at):
    organization, user = bso_at
    so = security_official(organization)
    group = UserGroupFactory(organization=organization, name="Front desk")
    sign_in(client, user)
    add_role_until_review(client, "uga", organization=organization, action="join", group=group)
    approved = submit(client)
    decide(so, approved)
    add_role_until_review(client, "uga", organization=organization, action="create_provider")
    denied = submit(client)
    deny(so, denied)
    add_role_until_review(client, "end_user", group=group)
    pending = submit(client)

    page = client.get(reverse("accounts:my_profile")).content.decode()
    roles, requests = page.split('id="my-requests"')
    assert "Backup Security Official" in roles and "User Group Administrator" in roles
    assert "Chesapeake Family Medicine" in roles and "Front desk (provider user group)" in roles
    for access_request, status in [
        (approved, "Approved"),
        (denied, "Denied"),
        (pending, "Pending approval"),
    ]:
        row = requests.split(access_request.tracking_number)[1].split("</tr>")[0]
        assert status in row
    assert RoleAssignment.objects.filter(user=user).count() == 2


def test_the_approver_is_told_an_added_role_brings_no_new_credentials(client, bso_at):
    organization, user = bso_at
    so = security_official(organization)
    sign_in(client, user)
    add_role_until_review(client, "uga", organization=organization, action="create_provider")
    page = decide(so, submit(client)).content.decode()
    assert "temporary password" not in page
    assert "the role was added to their account" in page


def test_the_same_role_cannot_be_asked_for_twice_while_pending(client, bso_at):
    organization, user = bso_at
    group = UserGroupFactory(organization=organization, name="Billing")
    sign_in(client, user)
    add_role_until_review(client, "end_user", organization=organization, group=group)
    submit(client)
    client.post(reverse("registration:acknowledgement"))

    add_role_until_review(client, "end_user", organization=organization, group=group)
    response = client.post(reverse("registration:review"), follow=True)
    assert "that request is waiting for approval" in response.content.decode()
    assert AccessRequest.objects.filter(status=AccessRequest.Status.SUBMITTED).count() == 1
