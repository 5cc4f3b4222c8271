"""Removing roles (organizations/permissions.py, services.role_revoke, Manage Roles).

One world of role holders is built; the matrix of who may remove whose role is generated from
the rule in docs/approval-matrix.md (a lower role, or SO by SO; in the remover's organization,
or for a UGA their group; never one's own) and checked against the permission functions and
the pages, for every pair of people.
"""

import threading
from types import SimpleNamespace

import pytest
from django.core import mail
from django.db import connection
from django.urls import reverse

from approvals import routing
from organizations import permissions
from organizations.models import RoleAssignment
from organizations.roles import Role
from organizations.services import RoleRemovalError, role_revoke
from tests.factories import (
    OrganizationFactory,
    UserFactory,
    UserGroupFactory,
    role_holder,
    security_official,
    set_up,
    submitted_request,
)
from tests.registration import enter_signed_in

SO, BSO, UGA, END_USER = (
    Role.SECURITY_OFFICIAL,
    Role.BACKUP_SECURITY_OFFICIAL,
    Role.USER_GROUP_ADMINISTRATOR,
    Role.END_USER,
)
GROUP_PLACES = {"a_billing": "a", "a_front": "a", "a_surrogate": "a", "b_group": "b"}

# name: (role, where it is held, how). Places: organizations "a", "b"; their groups above.
PEOPLE = {
    "a_so": (SO, "a", "active"),
    "a_so2": (SO, "a", "active"),
    "a_so_inactive_account": (SO, "a", "inactive account"),
    "a_bso": (BSO, "a", "active"),
    "a_bso2": (BSO, "a", "active"),
    "a_bso_revoked": (BSO, "a", "revoked"),
    "a_billing_uga": (UGA, "a_billing", "active"),
    "a_billing_uga2": (UGA, "a_billing", "active"),
    "a_front_uga": (UGA, "a_front", "active"),
    "a_surrogate_uga": (UGA, "a_surrogate", "active"),
    "a_billing_end_user": (END_USER, "a_billing", "active"),
    "a_front_end_user": (END_USER, "a_front", "active"),
    "a_surrogate_end_user": (END_USER, "a_surrogate", "active"),
    "b_so": (SO, "b", "active"),
    "b_bso": (BSO, "b", "active"),
    "b_uga": (UGA, "b_group", "active"),
    "b_end_user": (END_USER, "b_group", "active"),
    "practitioner": (Role.INDIVIDUAL_PRACTITIONER, None, "active"),
}
RANK = {SO: 3, BSO: 2, UGA: 1, END_USER: 0}


def organization_of(place):
    return GROUP_PLACES.get(place, place)


def may_remove(remover: str, target: str) -> bool:
    """The rule in words of docs/approval-matrix.md, written apart from the code under test."""
    r_role, r_place, r_how = PEOPLE[remover]
    t_role, t_place, t_how = PEOPLE[target]
    if remover == target or r_how != "active" or t_how == "revoked":
        return False
    if r_role not in RANK or t_role not in RANK:
        return False
    if not (RANK[t_role] < RANK[r_role] or r_role == t_role == SO):
        return False
    if r_role in (SO, BSO):
        return organization_of(t_place) == r_place
    return r_role == UGA and t_place == r_place


@pytest.fixture
def world():
    a = OrganizationFactory(legal_name="Alpha Clinic")
    b = OrganizationFactory(legal_name="Beta Hospital")
    places = {
        "a": a,
        "b": b,
        "a_billing": UserGroupFactory(organization=a, name="Billing"),
        "a_front": UserGroupFactory(organization=a, name="Front desk"),
        "a_surrogate": UserGroupFactory(organization=a, name="Outside billing", surrogate=True),
        "b_group": UserGroupFactory(organization=b, name="Beta staff"),
    }
    people, assignments = {}, {}
    for name, (role, place, how) in PEOPLE.items():
        where = places.get(place)
        in_group = place in GROUP_PLACES
        user = set_up(UserFactory(is_active=how != "inactive account"))
        role_holder(
            role,
            organization=None if in_group else where,
            group=where if in_group else None,
            user=user,
        )
        assignment = user.role_assignments.get()
        if how == "revoked":
            assignment.status = RoleAssignment.Status.REVOKED
            assignment.save()
        people[name], assignments[name] = user, assignment
    return SimpleNamespace(people=people, assignments=assignments, **places)


def remove_url(assignment) -> str:
    return reverse("organizations:remove-role", args=[assignment.pk])


@pytest.mark.django_db
@pytest.mark.parametrize("remover", PEOPLE)
def test_who_removes_what_follows_the_matrix(world, remover):
    user = world.people[remover]
    expected = {target for target in PEOPLE if may_remove(remover, target)}
    removable = permissions.removable_assignments(user=user)
    by_pk = {assignment.pk: name for name, assignment in world.assignments.items()}
    assert {by_pk[a.pk] for a in removable} == expected
    for target, assignment in world.assignments.items():
        assert permissions.can_remove(user=user, assignment=assignment) == (target in expected), (
            target
        )
    assert permissions.can_manage_roles(user=user) == bool(expected)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "remover", [name for name, (_, _, how) in PEOPLE.items() if how != "inactive account"]
)
def test_remove_page_opens_only_for_removable_roles_and_is_404_otherwise(client, world, remover):
    enter_signed_in(client, world.people[remover])
    for target, assignment in world.assignments.items():
        expected = 200 if may_remove(remover, target) else 404
        assert client.get(remove_url(assignment)).status_code == expected, target


@pytest.mark.django_db
def test_post_for_someone_elses_role_is_404_and_changes_nothing(client, world):
    enter_signed_in(client, world.people["a_bso"])
    for target in ("a_so", "a_bso2", "b_end_user"):
        response = client.post(remove_url(world.assignments[target]), {"reason": "Left"})
        assert response.status_code == 404
        world.assignments[target].refresh_from_db()
        assert world.assignments[target].status == RoleAssignment.Status.ACTIVE
    assert client.get(reverse("organizations:remove-role", args=[999999])).status_code == 404
    assert mail.outbox == []


@pytest.mark.django_db
def test_nobody_removes_their_own_role(client, world):
    enter_signed_in(client, world.people["a_so"])
    assert client.get(remove_url(world.assignments["a_so"])).status_code == 404
    assert not permissions.can_remove(
        user=world.people["a_so"], assignment=world.assignments["a_so"]
    )


@pytest.mark.django_db
def test_manage_roles_lists_the_removable_roles_and_filters_by_group(client, world):
    enter_signed_in(client, world.people["a_bso"])
    page = client.get(reverse("organizations:manage-roles")).content.decode()
    assert "<caption>Roles you may remove" in page
    for name in PEOPLE:
        shown = world.people[name].username in page
        assert shown == may_remove("a_bso", name), name
    filtered = client.get(
        reverse("organizations:manage-roles"), {"group": world.a_front.pk}
    ).content.decode()
    assert world.people["a_front_uga"].username in filtered
    assert world.people["a_billing_uga"].username not in filtered


@pytest.mark.django_db
def test_manage_roles_needs_sign_in(client):
    client.post(reverse("accounts:warning"))
    response = client.get(reverse("organizations:manage-roles"))
    assert response.status_code == 302 and reverse("accounts:login") in response.url


@pytest.mark.django_db
def test_my_profile_links_manage_roles_only_for_people_who_may_remove(client, world):
    enter_signed_in(client, world.people["a_billing_uga"])
    assert "Manage Roles" in client.get(reverse("accounts:my_profile")).content.decode()
    enter_signed_in(client, world.people["a_billing_end_user"])
    assert "Manage Roles" not in client.get(reverse("accounts:my_profile")).content.decode()


@pytest.mark.django_db
def test_removal_records_who_why_and_emails_the_person(
    client, world, django_capture_on_commit_callbacks
):
    so, end_user = world.people["a_so"], world.people["a_front_end_user"]
    assignment = world.assignments["a_front_end_user"]
    enter_signed_in(client, so)
    page = client.get(remove_url(assignment)).content.decode()
    assert end_user.full_name in page and end_user.username in page and "End User" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(remove_url(assignment), {"reason": "Left the practice in May."})
    assert response.status_code == 302 and response.url == reverse("organizations:manage-roles")
    assignment.refresh_from_db()
    assert assignment.status == RoleAssignment.Status.REVOKED
    assert assignment.revoked_by == so and assignment.revoked_at is not None
    assert assignment.revocation_reason == "Left the practice in May."
    [message] = mail.outbox
    assert message.to == [end_user.email]
    assert message.subject == "IACS role removed: End User"
    assert "Left the practice in May." in message.body and end_user.username in message.body
    assert "Left the practice in May." in message.alternatives[0][0]
    assert "was removed" in client.get(response.url).content.decode()


@pytest.mark.django_db
def test_a_reason_is_required(client, world):
    assignment = world.assignments["b_end_user"]
    enter_signed_in(client, world.people["b_uga"])
    response = client.post(remove_url(assignment), {"reason": "   "})
    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page and "Give the reason for removing the role." in page
    assignment.refresh_from_db()
    assert assignment.status == RoleAssignment.Status.ACTIVE
    assert mail.outbox == []


@pytest.mark.django_db
def test_a_removed_role_cannot_be_removed_again(world):
    assignment = world.assignments["a_billing_end_user"]
    role_revoke(assignment=assignment, by=world.people["a_so"], reason="Left")
    with pytest.raises(RoleRemovalError, match="already been removed"):
        role_revoke(assignment=assignment, by=world.people["a_so2"], reason="Left")
    assert not permissions.can_remove(user=world.people["a_so2"], assignment=assignment)


@pytest.mark.django_db
def test_the_last_security_official_cannot_be_removed():
    organization = OrganizationFactory(legal_name="Solo Clinic")
    so = security_official(organization)
    assignment = so.role_assignments.get()
    with pytest.raises(RoleRemovalError, match="last active Security Official of Solo Clinic"):
        role_revoke(assignment=assignment, by=so, reason="Leaving")
    assignment.refresh_from_db()
    assert assignment.status == RoleAssignment.Status.ACTIVE


@pytest.mark.django_db
def test_an_so_with_an_inactive_account_does_not_count_as_another_so():
    organization = OrganizationFactory()
    so = security_official(organization)
    role_holder(SO, organization=organization, user=set_up(UserFactory(is_active=False)))
    with pytest.raises(RoleRemovalError, match="last active Security Official"):
        role_revoke(assignment=so.role_assignments.get(), by=so, reason="Leaving")


@pytest.mark.django_db
def test_an_so_removes_another_so_of_the_organization(client, world):
    enter_signed_in(client, world.people["a_so"])
    response = client.post(remove_url(world.assignments["a_so2"]), {"reason": "Retired"})
    assert response.status_code == 302
    assert not RoleAssignment.objects.filter(
        pk=world.assignments["a_so2"].pk, status=RoleAssignment.Status.ACTIVE
    ).exists()


@pytest.mark.django_db
def test_a_removed_official_can_no_longer_approve(world):
    access_request = submitted_request(BSO, organization=world.a)
    so = world.people["a_so"]
    assert routing.can_decide(user=so, access_request=access_request)
    role_revoke(assignment=world.assignments["a_so"], by=world.people["a_so2"], reason="Left")
    assert not routing.can_decide(user=so, access_request=access_request)
    assert not routing.decidable_requests(user=so).exists()
    assert routing.can_decide(user=world.people["a_so2"], access_request=access_request)


def remove_each_other_at_once(first, second) -> list:
    """Each SO removes the other's role, both threads released at the same moment."""
    attempts = [(first, second.role_assignments.get()), (second, first.role_assignments.get())]
    barrier = threading.Barrier(len(attempts))
    outcomes: list = []

    def remove(by, assignment):
        try:
            barrier.wait()
            role_revoke(assignment=assignment, by=by, reason="Both at once")
            outcomes.append("removed")
        except Exception as error:  # noqa: BLE001 - reported by the caller's assertions
            outcomes.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=remove, args=attempt) for attempt in attempts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks need PostgreSQL (SQLite has none)"
)
def test_two_sos_removing_each_other_at_once_leave_one():
    for _ in range(5):  # the threads' timing varies: several rounds, each must hold
        organization = OrganizationFactory()
        outcomes = remove_each_other_at_once(
            security_official(organization), security_official(organization)
        )
        assert outcomes.count("removed") == 1, outcomes
        [refusal] = [outcome for outcome in outcomes if outcome != "removed"]
        assert isinstance(refusal, RoleRemovalError), refusal
        active = RoleAssignment.objects.filter(
            organization=organization, role=SO, status=RoleAssignment.Status.ACTIVE
        )
        assert active.count() == 1
