"""The approval matrix (SPEC 1, approvals/routing.py): who decides each request, and nobody else.

One world of approvers is built (``world.py``, shared with ``tests/authz``); every kind of request is checked against it three ways: the
routing functions, the Pending Approvals queue, and the request's own page (where a POST by
anyone else changes nothing).
"""

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from approvals import routing
from approvals.models import AccessRequest
from approvals.services import DecisionError, access_request_approve
from organizations.models import RoleAssignment
from organizations.services import role_revoke
from tests.factories import submitted_request
from tests.registration import enter_portal, sign_in
from tests.two_factor import mark_verified

from .world import CMS, MATRIX, approvers_world, make_request, names_of

User = get_user_model()

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def world():
    return approvers_world()


@pytest.mark.parametrize("kind", MATRIX)
def test_each_request_goes_to_exactly_the_approvers_spec_names(world, kind):
    access_request = make_request(world, kind)
    expected = MATRIX[kind][2]
    assert names_of(world, routing.approvers(access_request=access_request)) == expected
    emails = {getattr(world.people, name).email for name in expected}
    assert set(routing.approver_emails(access_request=access_request)) == emails


@pytest.mark.parametrize("kind", MATRIX)
def test_queue_and_permission_agree_with_the_matrix_for_everyone(world, kind):
    access_request = make_request(world, kind)
    expected = MATRIX[kind][2]
    for name, user in vars(world.people).items():
        in_queue = routing.decidable_requests(user=user).filter(pk=access_request.pk).exists()
        may_decide = routing.can_decide(user=user, access_request=access_request)
        assert in_queue == may_decide == (name in expected), name


@pytest.mark.parametrize("kind", MATRIX)
def test_everyone_outside_the_matrix_gets_404_for_every_url_of_the_request(world, kind):
    """Generated, not hand-picked: every person of the world who may not decide this request."""
    access_request = make_request(world, kind)
    detail = reverse("approvals:detail", args=[access_request.tracking_number])
    outsiders = {
        name: user
        for name, user in vars(world.people).items()
        if name not in MATRIX[kind][2] and user.is_active
    }
    assert len(outsiders) >= 9
    for name, user in outsiders.items():
        client = Client()
        enter_portal(client)
        client.force_login(user)
        mark_verified(client, user)
        queue = client.get(reverse("approvals:queue")).content.decode()
        assert access_request.tracking_number not in queue, name
        assert client.get(detail).status_code == 404, name
        assert client.post(detail, {"decision": "approve"}).status_code == 404, name
        cancel = reverse("my_requests:cancel", args=[access_request.tracking_number])
        if access_request.applicant_id != user.pk:
            assert client.post(cancel).status_code == 404, name
    access_request.refresh_from_db()
    assert access_request.status == AccessRequest.Status.SUBMITTED


@pytest.mark.parametrize(
    ("kind", "outsider"),
    [
        ("bso", "b_so"),  # an SO of another organization
        ("bso", "a_bso"),  # a BSO never decides a BSO request
        ("uga_create", "b_bso"),
        ("uga_create", "a_billing_uga"),  # a UGA does not approve UGAs
        ("end_user", "a_front_uga"),  # a UGA of another group of the same organization
        ("end_user", "b_uga"),
        ("end_user", "a_so"),  # the SO is not the group's administrator
        ("so", "a_so"),  # an SO is not a CMS approver
        ("so", "staff_without_permission"),
        ("so", "permission_without_staff"),
        ("individual_practitioner", "practitioner"),
        ("individual_practitioner", "staff_without_permission"),
    ],
)
def test_an_outsider_can_neither_see_nor_decide_the_request(client, world, kind, outsider):
    access_request = make_request(world, kind)
    sign_in(client, getattr(world.people, outsider))
    queue = client.get(reverse("approvals:queue")).content.decode()
    assert access_request.tracking_number not in queue
    url = reverse("approvals:detail", args=[access_request.tracking_number])
    assert client.get(url).status_code == 404
    assert client.post(url, {"decision": "approve"}).status_code == 404
    access_request.refresh_from_db()
    assert access_request.status == AccessRequest.Status.SUBMITTED


@pytest.mark.parametrize(
    ("kind", "approver"),
    [
        ("so", "cms"),
        ("so", "cms_by_group"),
        ("individual_practitioner", "cms"),
        ("bso", "a_so"),
        ("uga_create", "a_bso"),
        ("uga_join", "a_so"),
        ("association", "a_bso"),
        ("end_user", "a_billing_uga"),
    ],
)
def test_the_approver_sees_the_request_in_the_queue_and_decides_it(client, world, kind, approver):
    access_request = make_request(world, kind)
    sign_in(client, getattr(world.people, approver))
    queue = client.get(reverse("approvals:queue")).content.decode()
    assert access_request.tracking_number in queue
    url = reverse("approvals:detail", args=[access_request.tracking_number])
    assert client.get(url).status_code == 200
    client.post(url, {"decision": "approve"})
    access_request.refresh_from_db()
    assert access_request.status == AccessRequest.Status.APPROVED
    assert access_request.decided_by == getattr(world.people, approver)


def test_a_staff_approver_queue_holds_only_so_and_practitioner_requests(client, world):
    requests = {kind: make_request(world, kind) for kind in MATRIX}
    sign_in(client, world.people.cms)
    queue = client.get(reverse("approvals:queue")).content.decode()
    shown = {kind for kind, r in requests.items() if r.tracking_number in queue}
    assert shown == {"so", "individual_practitioner"}


def test_an_so_queue_holds_only_their_organizations_bso_and_uga_requests(client, world):
    requests = {kind: make_request(world, kind) for kind in MATRIX}
    sign_in(client, world.people.a_so)
    queue = client.get(reverse("approvals:queue")).content.decode()
    shown = {kind for kind, r in requests.items() if r.tracking_number in queue}
    assert shown == {"bso", "uga_create", "uga_join", "association"}


def test_nobody_decides_their_own_added_role(world):
    bso = world.people.a_bso
    access_request = submitted_request(
        "uga", group=world.a_billing, group_action="join", kind="additional_role", applicant=bso
    )
    assert names_of(world, routing.approvers(access_request=access_request)) == {"a_so"}
    assert not routing.decidable_requests(user=bso).filter(pk=access_request.pk).exists()


def test_a_revoked_role_no_longer_approves(world):
    access_request = make_request(world, "bso")
    RoleAssignment.objects.filter(user=world.people.a_so).update(status="revoked")
    assert not routing.approvers(access_request=access_request).exists()
    assert not routing.decidable_requests(user=world.people.a_so).exists()
    assert not routing.is_approver(user=world.people.a_so)


def test_an_official_removed_through_the_portal_cannot_decide_at_that_moment(world):
    access_request = make_request(world, "uga_create")
    bso = world.people.a_bso
    assignment = RoleAssignment.objects.get(user=bso, role="bso")
    role_revoke(assignment=assignment, by=world.people.a_so, reason="Left the organization.")
    with pytest.raises(DecisionError, match="not permitted"):
        access_request_approve(access_request_id=access_request.pk, approver=bso)
    access_request.refresh_from_db()
    assert access_request.status == AccessRequest.Status.SUBMITTED


def test_an_inactive_approver_is_not_an_approver(world):
    access_request = make_request(world, "end_user")
    uga = world.people.a_billing_uga
    uga.is_active = False
    uga.save()
    assert not routing.approvers(access_request=access_request).exists()
    assert not routing.can_decide(user=uga, access_request=access_request)


def test_only_approving_roles_show_pending_approvals(world):
    approving = {"a_so", "a_bso", "a_billing_uga", "a_front_uga", "b_so", "b_bso", "b_uga"}
    for name, user in vars(world.people).items():
        assert routing.is_approver(user=user) == (name in approving | CMS), name


def test_a_decided_request_leaves_every_queue(world):
    access_request = make_request(world, "uga_join")
    so = world.people.a_so
    access_request = access_request_approve(access_request_id=access_request.pk, approver=so)
    for user in (so, world.people.a_bso):
        assert not routing.decidable_requests(user=user).filter(pk=access_request.pk).exists()
        assert not routing.can_decide(user=user, access_request=access_request)


def orm_approver_emails(access_request) -> list[str]:
    """What ``approver_emails`` answers, asked of ``approvers`` through the ORM."""
    emails = routing.approvers(access_request=access_request).values_list("email", flat=True)
    return sorted(set(emails) - {""})


@pytest.mark.parametrize("kind", MATRIX)
def test_approver_emails_equals_the_orms_answer_through_every_exclusion(world, kind):
    """The submit's hand-written statement (ADR 18) against ``approvers``, as the request and
    its deciders change one after the other: escalated, a decider without an address, one who
    is the applicant, one with the applicant's SSN digest, one inactive, one whose role is
    revoked. (A staff-decided request is the ORM's own query: compared all the same.)"""
    access_request = make_request(world, kind)
    escalated = access_request.submitted_at + routing.escalation_delay()
    with time_machine.travel(escalated, tick=False):
        deciders = sorted(routing.approvers(access_request=access_request), key=lambda u: u.pk)
        assert len(deciders) >= 1

        def change(queryset, **values):
            queryset.update(**values)
            access_request.refresh_from_db()

        steps = [
            lambda: None,
            lambda: change(User.objects.filter(pk=deciders[0].pk), email=""),
            lambda: change(
                AccessRequest.objects.filter(pk=access_request.pk), applicant=deciders[-1]
            ),
            lambda: change(
                AccessRequest.objects.filter(pk=access_request.pk),
                ssn_digest=User.objects.get(pk=deciders[-1].pk).ssn_digest or "0" * 64,
            ),
            lambda: change(User.objects.filter(pk=deciders[-1].pk), is_active=False),
            lambda: change(RoleAssignment.objects.filter(user=deciders[0]), status="revoked"),
        ]
        answers = set()
        for step in steps:
            step()
            answer = routing.approver_emails(access_request=access_request)
            assert answer == orm_approver_emails(access_request)
            answers.add(tuple(answer))
        assert len(answers) > 1  # the steps did change who is told
    # Not escalated (the first step only): a BSO's request reaches the SO alone.
    access_request = make_request(world, kind)
    assert routing.approver_emails(access_request=access_request) == orm_approver_emails(
        access_request
    )
