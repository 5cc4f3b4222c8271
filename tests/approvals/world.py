"""One world of approvers and the approval matrix (SPEC 1): who decides each kind of request.

Shared by the routing tests (``tests/approvals/test_routing.py``) and the authorization matrix
(``tests/authz``), so that "who may decide this request" is written down once in the tests.
"""

from types import SimpleNamespace

from django.contrib.auth.models import Group, Permission

from approvals.models import AccessRequest
from tests.factories import (
    OrganizationFactory,
    UserFactory,
    UserGroupFactory,
    backup_security_official,
    group_administrator,
    role_holder,
    security_official,
    set_up,
    staff_approver,
    submitted_request,
)


def approvers_world() -> SimpleNamespace:
    """Two organizations with their SO, BSO and groups; CMS staff with and without the right."""
    a, b = OrganizationFactory(legal_name="Alpha Clinic"), OrganizationFactory(legal_name="Beta")
    a_billing, a_front = UserGroupFactory(organization=a), UserGroupFactory(organization=a)
    b_group = UserGroupFactory(organization=b, surrogate=True)
    team = Group.objects.create(name="CMS approvers")
    team.permissions.add(Permission.objects.get(codename="decide_staff_requests"))
    people = SimpleNamespace(
        a_so=security_official(a),
        a_bso=backup_security_official(a),
        a_billing_uga=group_administrator(a_billing),
        a_front_uga=group_administrator(a_front),
        a_end_user=role_holder("end_user", group=a_billing),
        b_so=security_official(b),
        b_bso=backup_security_official(b),
        b_uga=group_administrator(b_group),
        practitioner=role_holder("individual_practitioner"),
        cms=staff_approver(),
        cms_by_group=set_up(UserFactory(is_staff=True)),
        superuser=set_up(UserFactory(is_staff=True, is_superuser=True)),
        staff_without_permission=staff_approver(permission=False),
        permission_without_staff=staff_approver(is_staff=False),
        inactive_cms=staff_approver(is_active=False),
    )
    people.cms_by_group.groups.add(team)
    return SimpleNamespace(
        a=a, b=b, a_billing=a_billing, a_front=a_front, b_group=b_group, people=people
    )


CMS = {"cms", "cms_by_group", "superuser"}
# What SPEC 1 says, per request: (role, where, the people who decide it).
MATRIX = {
    "so": ("so", "new organization", CMS),
    "individual_practitioner": ("individual_practitioner", None, CMS),
    "bso": ("bso", "a", {"a_so"}),
    "uga_create": ("uga", "a", {"a_so", "a_bso"}),
    "uga_join": ("uga", "a_billing", {"a_so", "a_bso"}),
    "association": ("uga", "a", {"a_so", "a_bso"}),
    "end_user": ("end_user", "a_billing", {"a_billing_uga"}),
}


def make_request(world, kind: str) -> AccessRequest:
    role, where, _ = MATRIX[kind]
    if where == "new organization":
        return submitted_request(role, organization=OrganizationFactory(status="pending"))
    if where == "a_billing":
        return submitted_request(role, group=world.a_billing, group_action="join")
    if kind == "association":
        return submitted_request(
            role,
            organization=world.a,
            group=UserGroupFactory(organization=world.a, surrogate=True, status="pending"),
            kind="association",
            group_action="create_surrogate",
            applicant=world.people.b_uga,
        )
    if kind == "uga_create":
        group = UserGroupFactory(organization=world.a, status="pending")
        return submitted_request(role, group=group, group_action="create_provider")
    organization = getattr(world, where) if where else None
    return submitted_request(role, organization=organization)


def names_of(world, users) -> set[str]:
    by_pk = {user.pk: name for name, user in vars(world.people).items()}
    return {by_pk[user.pk] for user in users}
