"""Handing an organization's Security Official role to another person at the help desk."""

import threading
from functools import partial

import pytest
from django.core import mail
from django.db import connection, connections

from iacs_portal.audit.services import audit_events_for
from organizations.models import RoleAssignment
from organizations.roles import Role
from organizations.services import ReseatError, security_official_reseat
from tests.factories import (
    OrganizationFactory,
    UserFactory,
    backup_security_official,
    security_official,
    set_up,
    staff_approver,
)
from tests.helpdesk.requests_support import page_of
from tests.helpdesk.support import action_url, change_url, staff_in_admin

pytestmark = pytest.mark.django_db(transaction=True)
REASON = "The Security Official retired; letter from the CEO, ticket 9902."
ACTION = "reseat-security-official"


def active_sos(organization) -> list:
    return list(
        RoleAssignment.objects.filter(
            organization=organization, role=Role.SECURITY_OFFICIAL, status="active"
        ).values_list("user__username", flat=True)
    )


def reseat(client, organization, new_user_id, replaces=None, reason=REASON):
    data = {"new_user_id": new_user_id, "reason": reason}
    if replaces is not None:
        data["replaces"] = replaces.role_assignments.get(role=Role.SECURITY_OFFICIAL).pk
    return client.post(action_url(organization, ACTION), data, follow=True)


@pytest.fixture
def organization():
    return OrganizationFactory(legal_name="Harbor Clinic")


def test_the_role_is_handed_over_audited_and_both_people_emailed(client, organization):
    old = security_official(organization)
    new = backup_security_official(organization)
    approver = staff_in_admin(client, "CMS Approver")
    assert action_url(organization, ACTION) in page_of(client.get(change_url(organization)))
    form = page_of(client.get(action_url(organization, ACTION)))
    assert old.username in form and old.full_name in form

    response = reseat(client, organization, new.username.lower(), replaces=old)

    assert f"is now the Security Official of Harbor Clinic, replacing {old.full_name}" in (
        page_of(response)
    )
    assert active_sos(organization) == [new.username]
    [event] = audit_events_for(organization).filter(
        action="organization.security_official_reseated"
    )
    assert event.actor == approver and REASON in event.reason
    assert new.username in event.reason and old.username in event.reason
    revoked = old.role_assignments.get(role=Role.SECURITY_OFFICIAL)
    assert revoked.revoked_by == approver and REASON in revoked.revocation_reason
    by_person = {tuple(m.to): m for m in mail.outbox}
    assert by_person[(new.email,)].subject == "IACS role added: Security Official of Harbor Clinic"
    assert by_person[(old.email,)].subject == "IACS role removed: Security Official"
    assert REASON in by_person[(old.email,)].body
    assert len(mail.outbox) == 2


def test_it_works_when_the_old_security_official_account_is_disabled(client, organization):
    old = security_official(organization)
    old.is_active = False
    old.save(update_fields=["is_active"])
    new = set_up(UserFactory())
    staff_in_admin(client, "CMS Approver")
    assert "account disabled" in page_of(client.get(action_url(organization, ACTION)))
    reseat(client, organization, new.username, replaces=old)
    assert active_sos(organization) == [new.username]


def test_an_organization_with_no_security_official_left_gets_one(client, organization):
    new = set_up(UserFactory())
    staff_in_admin(client, "CMS Approver")
    assert 'name="replaces"' not in page_of(client.get(action_url(organization, ACTION)))
    response = reseat(client, organization, new.username)
    assert "is now the Security Official of Harbor Clinic." in page_of(response)
    assert active_sos(organization) == [new.username]


def test_an_unknown_user_id_is_refused_next_to_the_field(client, organization):
    old = security_official(organization)
    staff_in_admin(client, "CMS Approver")
    response = reseat(client, organization, "NOBODY99", replaces=old)
    page = page_of(response)
    assert "No account has the User ID “NOBODY99”" in page
    assert 'class="form-row errors"' in page
    assert active_sos(organization) == [old.username]
    assert mail.outbox == []


@pytest.mark.parametrize(
    "who, message",
    [
        ("same", "is the Security Official being replaced"),
        ("other_so", "is already a Security Official of Harbor Clinic"),
        ("disabled", "is disabled"),
        ("staff", "is a help desk staff account"),
    ],
)
def test_the_wrong_person_is_refused_and_nothing_changes(client, organization, who, message):
    old = security_official(organization)
    people = {
        "same": lambda: old,
        "other_so": lambda: security_official(organization),
        "disabled": lambda: set_up(UserFactory(is_active=False)),
        "staff": staff_approver,
    }
    person = people[who]()
    before = active_sos(organization)
    staff_in_admin(client, "CMS Approver")
    response = reseat(client, organization, person.username, replaces=old)
    assert message in page_of(response)
    assert active_sos(organization) == before
    assert not audit_events_for(organization).exists()
    assert mail.outbox == []


def test_the_security_official_to_replace_must_be_chosen(client, organization):
    old = security_official(organization)
    new = set_up(UserFactory())
    staff_in_admin(client, "CMS Approver")
    response = client.post(
        action_url(organization, ACTION), {"new_user_id": new.username, "reason": REASON}
    )
    assert "Choose the Security Official to replace." in page_of(response)
    assert active_sos(organization) == [old.username]


def test_a_help_desk_agent_cannot_hand_over_the_role(client, organization):
    old = security_official(organization)
    new = set_up(UserFactory())
    staff_in_admin(client, "Help Desk")
    assert action_url(organization, ACTION) not in page_of(client.get(change_url(organization)))
    response = client.post(
        action_url(organization, ACTION),
        {"new_user_id": new.username, "replaces": old.role_assignments.get().pk, "reason": "x"},
    )
    assert response.status_code == 403
    assert active_sos(organization) == [old.username]


def test_a_pending_organization_has_no_security_official_to_hand_over(client):
    pending = OrganizationFactory(status="pending")
    staff_in_admin(client, "CMS Approver")
    assert action_url(pending, ACTION) not in page_of(client.get(change_url(pending)))
    with pytest.raises(ReseatError, match="only an approved or suspended organization"):
        security_official_reseat(
            organization=pending, new_user=set_up(UserFactory()), replaces=None, by=None, reason="x"
        )


def at_once(calls) -> list:
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def run(index, call):
        try:
            barrier.wait()
            outcomes[index] = call()
        except Exception as error:  # noqa: BLE001 - the assertions say what was expected
            outcomes[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=item) for item in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


ROUNDS = 5  # the threads' timing varies: several rounds, each must hold
needs_row_locks = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL row locks"
)


@needs_row_locks
@pytest.mark.parametrize("round_", range(ROUNDS))
def test_two_hand_overs_of_the_same_security_official_at_once_leave_exactly_one(round_):
    organization = OrganizationFactory()
    replaced = security_official(organization).role_assignments.get()
    hand_over = partial(
        security_official_reseat,
        organization=organization,
        replaces=replaced,
        by=staff_approver(),
        reason="At once",
    )
    outcomes = at_once([partial(hand_over, new_user=set_up(UserFactory())) for _ in range(2)])
    refusals = [outcome for outcome in outcomes if isinstance(outcome, Exception)]
    assert len(refusals) == 1 and isinstance(refusals[0], ReseatError), outcomes
    assert "no longer a Security Official" in str(refusals[0])
    assert len(active_sos(organization)) == 1


@needs_row_locks
@pytest.mark.parametrize("round_", range(ROUNDS))
def test_a_hand_over_and_a_removal_at_once_never_leave_the_organization_without_one(round_):
    from organizations.services import role_revoke

    organization = OrganizationFactory()
    a, b = security_official(organization), security_official(organization)
    at_once(
        [
            partial(
                security_official_reseat,
                organization=organization,
                new_user=set_up(UserFactory()),
                replaces=a.role_assignments.get(),
                by=staff_approver(),
                reason="Hand-over",
            ),
            partial(role_revoke, assignment=b.role_assignments.get(), by=a, reason="Left"),
        ]
    )
    active = RoleAssignment.objects.filter(
        organization=organization,
        role=Role.SECURITY_OFFICIAL,
        status="active",
        user__is_active=True,
    )
    assert active.count() >= 1
