"""The submit's tracking number: unique, taken in the submission's own UPDATE (services)."""

import pytest
from django.db import transaction
from django_fsm import ConcurrentTransition

from approvals.models import AccessRequest
from approvals.submitting import TRACKING_NUMBER_DRAWS, access_request_submit
from organizations.roles import Role
from tests.factories import OrganizationFactory, community, submitted_request

pytestmark = pytest.mark.django_db


def bso_draft(organization) -> AccessRequest:
    return AccessRequest.objects.create(
        community=community(),
        role=Role.BACKUP_SECURITY_OFFICIAL,
        organization=organization,
        first_name="Pat",
        last_name="Applicant",
        email="pat.applicant@example.org",
    )


def draws(monkeypatch, numbers: list[str]) -> list[str]:
    """The tracking numbers the submit will draw, in order; the list of those drawn so far."""
    drawn = []

    def draw():
        drawn.append(numbers[len(drawn)])
        return drawn[-1]

    monkeypatch.setattr(AccessRequest, "_new_tracking_number", staticmethod(draw))
    return drawn


def test_a_number_another_request_holds_is_drawn_again(monkeypatch):
    organization = OrganizationFactory()
    other = submitted_request(Role.BACKUP_SECURITY_OFFICIAL, organization=organization)
    draft = bso_draft(organization)
    drawn = draws(monkeypatch, [other.tracking_number, other.tracking_number, "IR-12345-67890"])

    access_request_submit(access_request=draft)

    assert len(drawn) == 3
    draft.refresh_from_db()
    assert (draft.status, draft.tracking_number) == ("submitted", "IR-12345-67890")
    assert draft.organization_id == organization.pk and draft.submitted_at is not None
    other.refresh_from_db()
    assert other.status == "submitted"  # untouched, its number its own


def test_a_free_number_is_taken_at_the_first_draw(monkeypatch):
    organization = OrganizationFactory()
    draft = bso_draft(organization)
    drawn = draws(monkeypatch, ["IR-00000-00001"])
    access_request_submit(access_request=draft)
    assert drawn == ["IR-00000-00001"]
    assert AccessRequest.objects.get(pk=draft.pk).tracking_number == "IR-00000-00001"


def test_a_request_no_longer_a_draft_is_not_written_again(monkeypatch):
    organization = OrganizationFactory()
    draft = bso_draft(organization)
    stale = AccessRequest.objects.get(pk=draft.pk)
    access_request_submit(access_request=draft)
    number = draft.tracking_number
    draws(monkeypatch, ["IR-99999-99999"])

    with pytest.raises(ConcurrentTransition), transaction.atomic():
        access_request_submit(access_request=stale)  # read as a draft, submitted meanwhile
    assert AccessRequest.objects.get(pk=draft.pk).tracking_number == number


def test_every_draw_taken_fails_rather_than_loops(monkeypatch):
    organization = OrganizationFactory()
    other = submitted_request(Role.BACKUP_SECURITY_OFFICIAL, organization=organization)
    draft = bso_draft(organization)
    drawn = draws(monkeypatch, [other.tracking_number] * (TRACKING_NUMBER_DRAWS + 1))
    with pytest.raises(RuntimeError, match="No free tracking number"), transaction.atomic():
        access_request_submit(access_request=draft)
    assert len(drawn) == TRACKING_NUMBER_DRAWS + 1  # the first draw is submit()'s
    assert AccessRequest.objects.get(pk=draft.pk).status == "draft"
