"""The wizard is enforced on the server (SPEC 4): no step skipped, nothing submitted twice, an
expired draft a clear "start again", never an error.

The steps come from ``approvals.registration.steps`` (every request kind and role), so a new
step or role is covered by these tests as soon as it is in the tables.
"""

import threading
import time
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.db import connection, connections
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from approvals import submitting
from approvals.history import RequestAction, request_events
from approvals.models import AccessRequest
from approvals.registration import steps as wizard
from approvals.registration.steps import Step
from iacs_portal.outbox.models import OutgoingEmail
from organizations.models import UserGroup
from organizations.roles import Role
from tests.factories import OrganizationFactory, UserFactory, set_up
from tests.registration import (
    CONTACT,
    JUSTIFICATION,
    enter_portal,
    enter_signed_in,
    register_bso_until_review,
)

from .forms_catalog import VALID
from .pages import draft_at

Kind = AccessRequest.Kind
SEQUENCES = [
    (kind, role)
    for kind in (Kind.REGISTRATION, Kind.ADDITIONAL_ROLE)
    for role in (
        Role.SECURITY_OFFICIAL,
        Role.BACKUP_SECURITY_OFFICIAL,
        Role.USER_GROUP_ADMINISTRATOR,
        Role.END_USER,
        Role.INDIVIDUAL_PRACTITIONER,
    )
] + [(Kind.ASSOCIATION, Role.USER_GROUP_ADMINISTRATOR)]


def _step_url(step: Step) -> str:
    return reverse(f"registration:{step.value}")


def _everything_a_step_takes(organization) -> dict:
    """Valid answers to every step at once: posted to a step that is not open yet."""
    group = UserGroup.objects.filter(organization=organization).first()
    return {
        **VALID,
        "role": Role.BACKUP_SECURITY_OFFICIAL,
        "name": organization.legal_name[:6],
        "organization": organization.pk,
        "action": AccessRequest.GroupAction.JOIN,
        "group": group.pk if group else "",
    }


def _snapshot(draft: AccessRequest) -> dict:
    draft.refresh_from_db()
    return {
        name: getattr(draft, name)
        for name in (
            "completed_steps", "role", "organization_id", "group_id", "group_action", "details",
            "justification", "company_name", "email", "status", "role_terms_accepted_at",
        )
    }  # fmt: skip


@pytest.mark.django_db
@pytest.mark.parametrize(("kind", "role"), SEQUENCES, ids=lambda v: str(v))
def test_a_later_step_sends_back_to_the_first_step_not_done(client, kind, role):
    """At every point of every path, each step that is not open yet, asked for or posted to,
    sends to the first step not done and changes nothing."""
    sequence = wizard.sequence(role, kind)
    applicant = None
    if kind != Kind.REGISTRATION:
        applicant = set_up(UserFactory())
        enter_signed_in(client, applicant)
    else:
        enter_portal(client)
    for position, current in enumerate(sequence):
        if current == Step.TERMS:
            continue  # accepting the terms is what makes a draft
        action = AccessRequest.GroupAction.JOIN if role == Role.USER_GROUP_ADMINISTRATOR else ""
        draft = draft_at(client, current, role=role, kind=kind, group_action=action,
                         applicant=applicant)  # fmt: skip
        before = _snapshot(draft)
        closed = [
            step
            for step in wizard.Step
            if step != Step.TERMS  # its page starts a new draft: the community's terms
            and not wizard.is_reachable(step, role=role, completed=draft.completed_steps, kind=kind)
        ]
        assert set(sequence[position + 1 :]) <= set(closed)
        data = _everything_a_step_takes(draft.organization or OrganizationFactory())
        for step in closed:
            for response in (client.get(_step_url(step)), client.post(_step_url(step), data)):
                assert response.status_code == 302, (current, step, response.status_code)
                assert response.url == _step_url(current), (current, step, response.url)
        assert _snapshot(draft) == before, f"a closed step changed the draft at {current}"
        draft.delete()


@pytest.mark.django_db
def test_identity_steps_cannot_be_posted_again_once_the_email_is_verified(client):
    """The existing test asks for the page; posting a new name and email is refused too."""
    enter_portal(client)
    draft = draft_at(client, Step.CONTACT)
    before = _snapshot(draft)
    for step in (Step.ROLE_TERMS, Step.USER_INFO, Step.VERIFY_EMAIL):
        response = client.post(_step_url(step), {**VALID, "email": "evil@example.org"})
        assert response.url == _step_url(Step.CONTACT)
    assert _snapshot(draft) == before


# Replayed and double submits ---------------------------------------------------------------------


def _submitted() -> list[AccessRequest]:
    return list(AccessRequest.objects.exclude(status=AccessRequest.Status.DRAFT))


def _emails(event: str) -> int:
    return OutgoingEmail.objects.filter(event=event).count()


@pytest.mark.django_db(transaction=True)
def test_replaying_the_steps_and_the_submit_after_submission_changes_nothing(client):
    register_bso_until_review(client, OrganizationFactory())
    assert client.post(reverse("registration:review")).url == reverse(
        "registration:acknowledgement"
    )
    [access_request] = _submitted()
    sent = len(mail.outbox)

    replays = [
        ("contact", {**CONTACT, "city": "Towson"}),
        ("justification", {"justification": "Replayed."}),
        ("review", {}),
        ("review", {}),
    ]
    for name, data in replays:
        response = client.post(reverse(f"registration:{name}"), data)
        assert response.url == reverse("registration:acknowledgement"), name

    client.post(reverse("registration:acknowledgement"))  # OK: the acknowledgement is left
    response = client.post(reverse("registration:review"))
    assert response.url == reverse("registration:start")

    assert _submitted() == [access_request]
    access_request.refresh_from_db()
    assert access_request.city == CONTACT["city"] and access_request.justification != "Replayed."
    assert len(mail.outbox) == sent
    assert request_events(access_request, RequestAction.SUBMITTED).count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_submits_one_after_the_other_make_one_request(client):
    register_bso_until_review(client, OrganizationFactory())
    twin = Client()
    twin.cookies = client.cookies  # the same browser, the button pressed twice

    first = client.post(reverse("registration:review"))
    second = twin.post(reverse("registration:review"))

    assert first.url == second.url == reverse("registration:acknowledgement")
    assert len(_submitted()) == 1
    assert _emails("request_submitted") == 1


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks")
@pytest.mark.django_db(transaction=True)
def test_two_submits_at_the_same_moment_make_one_request_and_no_error(client, monkeypatch):
    """A double click: both posts arrive while the first is still submitting."""
    register_bso_until_review(client, OrganizationFactory())
    real_submit = submitting.access_request_submit

    def slow_submit(**kwargs):
        time.sleep(0.5)  # the second post arrives while the first is still in here
        return real_submit(**kwargs)

    monkeypatch.setattr("approvals.registration.submission.access_request_submit", slow_submit)
    clients = [client, Client()]
    clients[1].cookies = client.cookies
    barrier = threading.Barrier(2)
    responses = [None, None]

    def press(index):
        try:
            barrier.wait()
            browser = Client(raise_request_exception=False)
            browser.cookies = clients[index].cookies
            responses[index] = browser.post(reverse("registration:review"))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=press, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert [r.status_code for r in responses] == [302, 302], [r.status_code for r in responses]
    assert {r.url for r in responses} == {reverse("registration:acknowledgement")}
    [access_request] = _submitted()
    assert _emails("request_submitted") == 1
    assert request_events(access_request, RequestAction.SUBMITTED).count() == 1
    assert client.get(reverse("registration:acknowledgement")).status_code == 200


# Stale drafts ------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("step", list(Step), ids=str)
def test_an_expired_draft_says_start_again_at_every_step(client, settings, step):
    enter_portal(client)
    draft_at(client, Step.REVIEW, role=Role.BACKUP_SECURITY_OFFICIAL)
    later = timezone.now() + settings.REGISTRATION_DRAFT_TTL + timedelta(minutes=1)
    with time_machine.travel(later):
        if step == Step.TERMS:
            url = reverse("registration:terms", args=["provider-supplier"])
            response = client.post(url, {"accept": "on"})
            assert response.status_code == 302  # a new draft starts: the old one is gone
        else:
            response = client.post(_step_url(step), {**VALID, "justification": JUSTIFICATION})
            assert response.status_code == 302
            assert response.url == reverse("registration:start")
            page = client.get(response.url).content.decode()
            assert "Your request expired after" in page and "Please start again" in page
    assert not _submitted()
    assert not OutgoingEmail.objects.filter(event="request_submitted").exists()


@pytest.mark.django_db
def test_cancel_and_acknowledgement_with_an_expired_draft_start_again(client, settings):
    enter_portal(client)
    draft_at(client, Step.REVIEW)
    with time_machine.travel(timezone.now() + settings.REGISTRATION_DRAFT_TTL * 2):
        for name in ("cancel", "acknowledgement"):
            response = client.post(reverse(f"registration:{name}"))
            assert response.url == reverse("registration:start")
