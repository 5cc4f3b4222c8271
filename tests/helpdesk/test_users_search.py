"""Finding a person on the Users page: search by each key, and each filter."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import AuthenticatorApp
from organizations.models import RoleAssignment
from organizations.roles import Role
from tests.factories import (
    OrganizationFactory,
    RoleAssignmentFactory,
    UserFactory,
    UserGroupFactory,
    submitted_request,
)
from tests.helpdesk.support import staff_in_admin
from tests.helpdesk.users_support import found, person, users_list

pytestmark = pytest.mark.django_db


@pytest.fixture
def agent(client):
    return staff_in_admin(client, "Help Desk")


@pytest.fixture
def rosa():
    return person(
        username="ROSA42", first_name="Rosa", last_name="Delgado", email="rosa.d@example.org"
    )


@pytest.fixture
def others():
    return [
        person(username="OWEN11", first_name="Owen", last_name="Hart", ssn="111-22-3333"),
        UserFactory(username="ZZZ4321", first_name="Zed", last_name="Zimmer"),
    ]


@pytest.mark.parametrize(
    "term", ["ROSA42", "rosa42", "ROSA", "Rosa", "Delgado", "rosa.d@example.org", "Rosa Delgado"]
)
def test_search_by_user_id_name_and_email(client, agent, rosa, others, term):
    assert found(client, q=term) == {"ROSA42"}


def test_search_by_tracking_number_of_the_persons_request(client, agent, rosa, others):
    request = submitted_request(Role.SECURITY_OFFICIAL, organization=OrganizationFactory())
    request.applicant = rosa
    request.save()
    assert found(client, q=request.tracking_number) == {"ROSA42"}
    assert found(client, q=request.tracking_number.lower()) == {"ROSA42"}
    assert found(client, q="IR-00000-00000") == set()


def test_four_digits_search_the_ssn_last_four_and_the_other_keys(client, agent, rosa, others):
    # Rosa's SSN ends 4321; ZZZ4321 has it in the User ID.
    assert found(client, q="4321") == {"ROSA42", "ZZZ4321"}


@pytest.mark.parametrize(
    "term", ["***-**-4321", "***-**-4321 ", "xxx-xx-4321", "ssn:4321", "SSN 4321"]
)
def test_masked_or_prefixed_forms_search_the_ssn_only(client, agent, rosa, others, term):
    assert found(client, q=term) == {"ROSA42"}


@pytest.mark.parametrize("term", ["987-65-4321", "987654321", "ssn:987-65-4321"])
def test_a_whole_ssn_is_searched_by_its_last_four_and_not_kept(client, agent, rosa, others, term):
    response = client.get("/admin/accounts/user/", {"q": term})
    assert response.status_code == 302
    assert "987" not in response.url
    page = client.get(response.url)
    assert {u.username for u in page.context["cl"].result_list} == {"ROSA42"}
    html = page.content.decode()
    assert "987-65-4321" not in html and "987654321" not in html
    assert "Only the last four digits of an SSN are searched" in html


def test_the_list_shows_the_columns_an_agent_needs(client, agent, rosa):
    rosa.last_login = timezone.now()
    rosa.locked_until = timezone.now() + timedelta(minutes=10)
    rosa.save()
    AuthenticatorApp.objects.create(user=rosa, name="app", confirmed=True)
    response, _ = users_list(client, q="ROSA42")
    html = response.content.decode()
    for heading in [
        "User ID",
        "Name",
        "Email address",
        "Status",
        "Locked",
        "Last sign-in",
        "Two-factor",
    ]:
        assert f">{heading}<" in html, heading
    assert "Rosa Delgado" in html and "rosa.d@example.org" in html
    assert html.count('alt="True"') == 2  # locked and two-factor


# Filters


def test_status_filter(client, agent):
    active = person(username="ACTV01")
    awaiting = UserFactory(username="WAIT01", must_change_password=True)
    disabled = UserFactory(username="DSBL01", is_active=False)
    inactive = UserFactory(
        username="INAC01", is_active=False, disabled_for_inactivity_at=timezone.now()
    )
    everyone = {active.username, awaiting.username, disabled.username, inactive.username}
    assert found(client, status="active") & everyone == {"ACTV01"}
    assert found(client, status="awaiting") == {"WAIT01"}
    assert found(client, status="disabled") == {"DSBL01", "INAC01"}
    assert found(client, status="inactivity") == {"INAC01"}


def test_role_filter_counts_active_roles_only(client, agent):
    organization = OrganizationFactory()
    so = RoleAssignmentFactory(user=UserFactory(username="SOFF01"), organization=organization)
    RoleAssignmentFactory(
        user=UserFactory(username="GONE01"),
        organization=organization,
        status=RoleAssignment.Status.REVOKED,
    )
    group = UserGroupFactory(organization=organization)
    RoleAssignmentFactory(
        user=UserFactory(username="ENDU01"), role=Role.END_USER, organization=None, group=group
    )
    # Two active roles: listed once.
    RoleAssignmentFactory(user=so.user, organization=OrganizationFactory())
    assert [u.username for u in users_list(client, role="so")[1]] == ["SOFF01"]
    assert found(client, role="end_user") == {"ENDU01"}
    assert found(client, role="bso") == set()
    assert users_list(client, role="nonsense")[1] == []


@pytest.fixture
def clinic_people():
    clinic = OrganizationFactory(ein="123456789", legal_name="Harbor Clinic")
    elsewhere = OrganizationFactory(ein="987654321", legal_name="Elsewhere Clinic")
    RoleAssignmentFactory(user=UserFactory(username="HSOF01"), organization=clinic)
    group = UserGroupFactory(organization=clinic)
    RoleAssignmentFactory(
        user=UserFactory(username="HEND01"), role=Role.END_USER, organization=None, group=group
    )
    RoleAssignmentFactory(
        user=UserFactory(username="HOLD01"),
        organization=clinic,
        role=Role.BACKUP_SECURITY_OFFICIAL,
        status=RoleAssignment.Status.REVOKED,
    )
    RoleAssignmentFactory(user=UserFactory(username="ESOF01"), organization=elsewhere)
    return clinic


@pytest.mark.parametrize("ein", ["123456789", "12-3456789", " 12-3456789 "])
def test_organization_filter_by_ein(client, agent, clinic_people, ein):
    response, people = users_list(client, ein=ein)
    assert {u.username for u in people} == {"HSOF01", "HEND01"}
    assert "Harbor Clinic (EIN/TIN 123456789)" in response.content.decode()


def test_organization_filter_from_a_link(client, agent, clinic_people):
    assert found(client, organization=str(clinic_people.pk)) == {"HSOF01", "HEND01"}


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"ein": "12345"}, "Enter the nine digits of the EIN/TIN"),
        ({"ein": "12-34567890"}, "Enter the nine digits of the EIN/TIN"),
        ({"ein": "<script>"}, "Enter the nine digits of the EIN/TIN"),
        ({"ein": "111111111"}, "No organization has the EIN/TIN 111111111."),
        ({"organization": "abc"}, "An organization link needs the organization&#x27;s number."),
        ({"organization": "999999"}, "There is no organization number 999999."),
    ],
)
def test_organization_filter_explains_bad_input(client, agent, clinic_people, params, message):
    response, people = users_list(client, **params)
    assert people == []
    assert message in response.content.decode()


def test_organization_filter_keeps_the_other_filters_and_lists_no_organizations(
    client, agent, clinic_people
):
    # A text box, not a list: no organization's name is on the page until one is asked for.
    response, _ = users_list(client, role="so", q="H")
    html = response.content.decode()
    assert "Harbor Clinic" not in html and "Elsewhere Clinic" not in html
    assert '<input type="hidden" name="role" value="so">' in html
    assert '<input type="hidden" name="q" value="H">' in html
    assert found(client, role="so", ein="123456789") == {"HSOF01"}


def test_locked_filter(client, agent):
    now = timezone.now()
    UserFactory(username="LOCK01", locked_until=now + timedelta(minutes=5))
    UserFactory(username="PAST01", locked_until=now - timedelta(minutes=5))
    UserFactory(username="NEVR01")
    assert found(client, locked="yes") == {"LOCK01"}
    assert {"PAST01", "NEVR01"} <= found(client, locked="no")
    assert "LOCK01" not in found(client, locked="no")


def test_two_factor_filter_counts_confirmed_apps_only(client, agent):
    enrolled = UserFactory(username="TWOF01")
    AuthenticatorApp.objects.create(user=enrolled, name="app", confirmed=True)
    halfway = UserFactory(username="HALF01")
    AuthenticatorApp.objects.create(user=halfway, name="app", confirmed=False)
    # The agent signed in with an app too.
    assert found(client, two_factor="yes") == {"TWOF01", agent.username}
    assert "HALF01" in found(client, two_factor="no")
    assert "TWOF01" not in found(client, two_factor="no")


@pytest.mark.parametrize(
    "params",
    [
        {"organization": "9" * 30},
        {"organization": "-1"},
        {"ein": "9" * 3000},
        {"role": "x" * 100},
        {"status": "zzz"},
        {"locked": "maybe"},
        {"two_factor": "?"},
        {"q": "ssn:" + "9" * 50},
        {"q": "%_\\"},
        {"q": "\x00"},
    ],
)
def test_odd_input_is_never_an_error_page(client, agent, params):
    response = client.get("/admin/accounts/user/", params)
    assert response.status_code in (200, 302)
