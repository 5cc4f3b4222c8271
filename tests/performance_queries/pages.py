"""Every page that lists rows, as a world to start from and a way to add rows to its list.

Each ``ListPage`` names who looks, at which URL, and how to add ``n`` more rows to what that
page lists (rows spread over the things the page follows: one organization, group or user per
row, so a query per row would show). ``test_query_counts`` renders each page small and large.
"""

from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace

from django.urls import reverse

from accounts.emails import user_email_enqueue
from approvals.history import RequestAction, request_event
from organizations.models import Organization
from organizations.roles import Role
from tests.factories import (
    OrganizationFactory,
    UserFactory,
    UserGroupFactory,
    role_holder,
    security_official,
    set_up,
    staff_member,
    submitted_request,
)


@dataclass(frozen=True)
class ListPage:
    name: str
    # Makes the world with nothing listed yet: returns it with ``viewer`` (who signs in).
    start: Callable[[], SimpleNamespace]
    add_rows: Callable[[SimpleNamespace, int], None]
    url: Callable[[SimpleNamespace], str]
    max_queries: int
    shows: str  # on the page once rows are listed: the rows were really there
    # Steps a client takes after signing in, before the page opens (the wizard's steps).
    prepare: Callable | None = None


# Pending Approvals: an SO's organization with BSO requests and UGA requests in new groups.


def _so_world() -> SimpleNamespace:
    organization = OrganizationFactory(legal_name="Queue Clinic")
    return SimpleNamespace(organization=organization, viewer=security_official(organization))


def _add_queue_rows(world, n):
    for i in range(n):
        if i % 2:
            submitted_request(Role.BACKUP_SECURITY_OFFICIAL, organization=world.organization)
        else:
            group = UserGroupFactory(organization=world.organization)
            submitted_request(Role.USER_GROUP_ADMINISTRATOR, group=group)


def _queue_url(query: str = "") -> Callable:
    return lambda world: reverse("approvals:queue") + query


# Manage Roles: End Users, each in a group of its own, and BSOs of the SO's organization.


def _add_removable_roles(world, n):
    for i in range(n):
        if i % 2:
            role_holder(Role.BACKUP_SECURITY_OFFICIAL, organization=world.organization)
        else:
            group = UserGroupFactory(organization=world.organization)
            role_holder(Role.END_USER, group=group)


# My Profile: the person's own roles and requests, each in another organization or group.


def _person_world() -> SimpleNamespace:
    return SimpleNamespace(viewer=set_up(UserFactory()))


def _add_own_roles_and_requests(world, n):
    for i in range(n):
        group = UserGroupFactory()
        if i % 2:
            role_holder(Role.END_USER, group=group, user=world.viewer)
        else:
            submitted_request(Role.END_USER, group=group, applicant=world.viewer)


# The registration wizard: the organization search and the user group choice.


def _wizard_world() -> SimpleNamespace:
    return SimpleNamespace(
        viewer=set_up(UserFactory()),
        organization=OrganizationFactory(legal_name="Harbor Search Clinic 0"),
    )


def _add_search_matches(world, n):
    for _ in range(n):
        OrganizationFactory(legal_name=f"Harbor Search Clinic {Organization.objects.count()}")


def _add_groups(world, n):
    for _ in range(n):
        UserGroupFactory(organization=world.organization)


def _signed_in_request_for(role: str, organization_chosen: bool) -> Callable:
    def prepare(client, world):
        from tests.registration import CONTACT, choose_organization, community_named, step

        client.post(reverse("registration:add-role"), {"community": community_named().pk})
        step(client, "role", {"role": role})
        step(client, "role-terms", {"accept": "on"})
        step(client, "contact", CONTACT)
        if organization_chosen:
            choose_organization(client, world.organization)

    return prepare


# The help desk's admin changelists, seen by a superuser (every column and filter shown).


def _staff_world() -> SimpleNamespace:
    return SimpleNamespace(viewer=staff_member(None, is_superuser=True))


def _changelist(label: str) -> Callable:
    from django.apps import apps

    opts = apps.get_model(label)._meta
    return lambda world: reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")


def _add_requests(world, n):
    for _ in range(n):
        group = UserGroupFactory()
        access_request = submitted_request(Role.END_USER, group=group, applicant=UserFactory())
        request_event(access_request, RequestAction.SUBMITTED, actor=access_request.applicant)


def _add_users(world, n):
    for _ in range(n):
        set_up(UserFactory())


def _add_assignments(world, n):
    for _ in range(n):
        role_holder(Role.END_USER, group=UserGroupFactory())


def _add_emails(world, n):
    for _ in range(n):
        user_email_enqueue(event="account_id", user=UserFactory())


def _add_organizations(world, n):
    for _ in range(n):
        UserGroupFactory()  # and so its organization


# The help desk's pages of one person or one organization, with the rows they list.


def _staff_and_person_world() -> SimpleNamespace:
    return SimpleNamespace(viewer=staff_member(None, is_superuser=True), person=UserFactory())


def _add_persons_roles_and_requests(world, n):
    _add_own_roles_and_requests(SimpleNamespace(viewer=world.person), n)


def _staff_and_organization_world() -> SimpleNamespace:
    return SimpleNamespace(
        viewer=staff_member(None, is_superuser=True), organization=OrganizationFactory()
    )


def _add_officials_and_groups(world, n):
    for i in range(n):
        if i % 2:
            role_holder(Role.BACKUP_SECURITY_OFFICIAL, organization=world.organization)
        else:
            UserGroupFactory(organization=world.organization)


def _change_page(attribute: str) -> Callable:
    def url(world):
        obj = getattr(world, attribute)
        opts = obj._meta
        return reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])

    return url


QUEUE_ROW = "Pat Applicant"  # tests.factories.submitted_request's applicant
ADMIN_ROWS = 'id="result_list"'
# Bounds are the counts measured when written (SQLite and PostgreSQL alike): the session, the
# user, the header's Pending Approvals count, the page's own reads. Raise one only for a read
# that does not depend on the rows listed.
PAGES = [
    ListPage("queue", _so_world, _add_queue_rows, _queue_url(), 12, QUEUE_ROW),
    ListPage("queue-last-page", _so_world, _add_queue_rows, _queue_url("?page=999"), 12, QUEUE_ROW),
    ListPage(
        "queue-filtered",
        _so_world,
        _add_queue_rows,
        lambda world: (
            reverse("approvals:queue")
            + f"?kind=registration&organization={world.organization.pk}&sort=applicant"
        ),
        13,
        QUEUE_ROW,
    ),
    ListPage(
        "queue-newest-first", _so_world, _add_queue_rows, _queue_url("?sort=newest"), 12, QUEUE_ROW
    ),
    ListPage(
        "manage-roles",
        _so_world,
        _add_removable_roles,
        lambda world: reverse("organizations:manage-roles"),
        19,
        "Remove<span",
    ),
    ListPage(
        "manage-roles-last-page",
        _so_world,
        _add_removable_roles,
        lambda world: reverse("organizations:manage-roles") + "?page=last",
        19,
        "Remove<span",
    ),
    ListPage(
        "my-profile",
        _person_world,
        _add_own_roles_and_requests,
        lambda world: reverse("accounts:my_profile"),
        13,
        "Cancel<span",
    ),
    ListPage(
        "registration-organization-search",
        _wizard_world,
        _add_search_matches,
        lambda world: reverse("registration:organization") + "?name=harbor&country=US&state=MD",
        16,
        "Harbor Search Clinic 2",
        prepare=_signed_in_request_for(Role.BACKUP_SECURITY_OFFICIAL, organization_chosen=False),
    ),
    ListPage(
        "registration-group-choice",
        _wizard_world,
        _add_groups,
        lambda world: reverse("registration:user-group"),
        14,
        "Group ",
        prepare=_signed_in_request_for(Role.END_USER, organization_chosen=True),
    ),
    ListPage("admin-users", _staff_world, _add_users, _changelist("accounts.User"), 14, ADMIN_ROWS),
    ListPage(
        "admin-access-requests",
        _staff_world,
        _add_requests,
        _changelist("approvals.AccessRequest"),
        14,
        ADMIN_ROWS,
    ),
    ListPage(
        "admin-organizations",
        _staff_world,
        _add_organizations,
        _changelist("organizations.Organization"),
        15,
        ADMIN_ROWS,
    ),
    ListPage(
        "admin-user-groups",
        _staff_world,
        _add_organizations,
        _changelist("organizations.UserGroup"),
        14,
        ADMIN_ROWS,
    ),
    ListPage(
        "admin-role-assignments",
        _staff_world,
        _add_assignments,
        _changelist("organizations.RoleAssignment"),
        14,
        ADMIN_ROWS,
    ),
    ListPage(
        "admin-outgoing-emails",
        _staff_world,
        _add_emails,
        _changelist("outbox.OutgoingEmail"),
        17,
        ADMIN_ROWS,
    ),
    ListPage(
        "admin-user-page",
        _staff_and_person_world,
        _add_persons_roles_and_requests,
        _change_page("person"),
        27,
        "Group ",
    ),
    ListPage(
        "admin-organization-page",
        _staff_and_organization_world,
        _add_officials_and_groups,
        _change_page("organization"),
        19,
        "Group ",
    ),
    ListPage(
        "admin-audit-events",
        _staff_world,
        _add_requests,
        _changelist("audit.AuditEvent"),
        19,
        ADMIN_ROWS,
    ),
]
