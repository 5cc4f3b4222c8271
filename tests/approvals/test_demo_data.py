import io

import pytest
from django.core.management import call_command

from accounts.models import User
from approvals import routing
from organizations.models import Organization, RoleAssignment, UserGroup
from organizations.roles import Role

pytestmark = pytest.mark.django_db


def test_demo_data_loads_twice_and_gives_every_approver_kind():
    call_command("load_demo_data", stdout=io.StringIO())
    call_command("load_demo_data", stdout=io.StringIO())

    assert Organization.objects.filter(status=Organization.Status.APPROVED).count() == 5
    assert Organization.objects.filter(status=Organization.Status.PENDING).count() == 1
    assert set(UserGroup.objects.values_list("kind", "status")) == {
        (UserGroup.Kind.PROVIDER, UserGroup.Status.APPROVED),
        (UserGroup.Kind.SURROGATE, UserGroup.Status.APPROVED),
    }
    ugas = RoleAssignment.objects.filter(role=Role.USER_GROUP_ADMINISTRATOR)
    assert ugas.count() == 2 and all(assignment.group_id for assignment in ugas)
    assert RoleAssignment.objects.filter(role=Role.SECURITY_OFFICIAL).count() == 5

    staff = User.objects.get(username="DEMOHD1")
    assert staff.is_staff and staff.check_password("Demo-Portal-Passphrase-2026")
    assert routing.is_approver(user=staff)
    assert not staff.needs_first_login_setup()


def test_demo_officials_set_up_two_factor_at_their_first_sign_in(client):
    from django.urls import reverse

    from tests.registration import enter_portal
    from tests.two_factor import enroll

    call_command("load_demo_data", stdout=io.StringIO())
    enter_portal(client)
    response = client.post(
        reverse("accounts:login"),
        {"username": "demoso1", "password": "Demo-Portal-Passphrase-2026"},
    )
    assert response.url == reverse("accounts:my_profile")
    assert client.get(response.url).url == reverse("accounts:two_factor_setup")
    enroll(client, User.objects.get(username="DEMOSO1"))
    assert client.get(reverse("approvals:queue")).status_code == 200
