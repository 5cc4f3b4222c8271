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
