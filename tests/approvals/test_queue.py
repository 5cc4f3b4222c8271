"""Pending Approvals: filters, sort and pages over the approver's own queue, and the request page.

Whatever the query string says, the queue shows only ``routing.decidable_requests``: the world
below puts requests the SO may not decide in the same organization and group as theirs.
"""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.urls import reverse
from django.utils import timezone

from approvals import routing
from approvals.history import RequestAction, request_event
from approvals.models import AccessRequest
from approvals.selectors import queue_filter
from approvals.views import QueueView
from tests.factories import (
    OrganizationFactory,
    UserGroupFactory,
    group_administrator,
    role_holder,
    security_official,
    submitted_request,
)
from tests.registration import enter_signed_in

pytestmark = pytest.mark.django_db


def submitted_days_ago(access_request, days, **fields):
    AccessRequest.objects.filter(pk=access_request.pk).update(
        submitted_at=timezone.now() - timedelta(days=days), **fields
    )
    access_request.refresh_from_db()
    return access_request


@pytest.fixture
def world():
    alpha = OrganizationFactory(legal_name="Alpha Clinic")
    beta = OrganizationFactory(legal_name="Beta Hospital")
    billing = UserGroupFactory(organization=alpha, name="Billing")
    front = UserGroupFactory(organization=alpha, name="Front Desk")
    beta_group = UserGroupFactory(organization=beta, name="Beta Billing")
    so = security_official(alpha)
    group_administrator(billing)
    w = SimpleNamespace(alpha=alpha, beta=beta, billing=billing, front=front, so=so)
    w.old = submitted_days_ago(
        submitted_request("uga", group=billing, kind=AccessRequest.Kind.ADDITIONAL_ROLE),
        40,
        last_name="Zeta",
    )
    w.mid = submitted_days_ago(submitted_request("uga", group=front), 10, last_name="Adams")
    w.new = submitted_days_ago(submitted_request("bso", organization=alpha), 0, last_name="Moore")
    # Not the SO's to decide, though in their organization or their group's place.
    w.end_user = submitted_days_ago(submitted_request("end_user", group=billing), 50)
    w.other_org = submitted_days_ago(submitted_request("uga", group=beta_group), 45)
    w.own = submitted_days_ago(submitted_request("uga", group=front, applicant=so), 45)
    w.mine = {w.old.pk, w.mid.pk, w.new.pk}
    w.not_mine = [w.end_user, w.other_org, w.own]
    return w


def listed(response) -> list[str]:
    assert response.status_code == 200
    return [r.tracking_number for r in response.context["page_obj"].object_list]


def queue(client, **params):
    return client.get(reverse("approvals:queue"), params)


def test_world_queue_is_exactly_the_sos_decidable_requests(world):
    decidable = set(routing.decidable_requests(user=world.so).values_list("pk", flat=True))
    assert decidable == world.mine


def test_default_order_is_oldest_first(client, world):
    enter_signed_in(client, world.so)
    response = queue(client)
    assert listed(response) == [r.tracking_number for r in (world.old, world.mid, world.new)]
    assert "Sorted: Oldest first." in response.content.decode()


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("newest", ["new", "mid", "old"]),
        ("applicant", ["mid", "new", "old"]),  # Adams, Moore, Zeta
    ],
)
def test_queue_sorts(client, world, sort, expected):
    enter_signed_in(client, world.so)
    assert listed(queue(client, sort=sort)) == [
        getattr(world, name).tracking_number for name in expected
    ]


def test_queue_sorts_by_tracking_number(client, world):
    enter_signed_in(client, world.so)
    numbers = listed(queue(client, sort="tracking_number"))
    assert numbers == sorted(numbers) and len(numbers) == 3


def test_filter_by_request_kind(client, world):
    enter_signed_in(client, world.so)
    assert listed(queue(client, kind="additional_role")) == [world.old.tracking_number]


def test_filter_by_organization_never_adds_requests_of_that_organization_outside_the_queue(
    client, world
):
    enter_signed_in(client, world.so)
    numbers = listed(queue(client, organization=world.alpha.pk))
    assert set(numbers) == {r.tracking_number for r in (world.old, world.mid, world.new)}
    assert world.end_user.tracking_number not in numbers


def test_filter_by_user_group(client, world):
    enter_signed_in(client, world.so)
    # The End User request in Billing is the group's UGA's to decide, not the SO's.
    assert listed(queue(client, group=world.billing.pk)) == [world.old.tracking_number]


@pytest.mark.parametrize(("days", "expected"), [(7, ["old", "mid"]), (14, ["old"]), (30, ["old"])])
def test_filter_by_age(client, world, days, expected):
    enter_signed_in(client, world.so)
    assert listed(queue(client, older_than_days=days)) == [
        getattr(world, name).tracking_number for name in expected
    ]


def test_filters_combine(client, world):
    enter_signed_in(client, world.so)
    response = queue(client, kind="registration", organization=world.alpha.pk, sort="newest")
    assert listed(response) == [world.new.tracking_number, world.mid.tracking_number]


def test_a_filter_matching_nothing_says_so(client, world):
    enter_signed_in(client, world.so)
    response = queue(client, kind="association")
    assert listed(response) == []
    assert "No requests waiting for your decision match these filters." in (
        response.content.decode()
    )


def test_filter_choices_offer_only_places_in_the_users_own_queue(client, world):
    enter_signed_in(client, world.so)
    form = queue(client).context["filter_form"]
    organizations = [value for value, _ in form.fields["organization"].choices if value]
    groups = {value for value, _ in form.fields["group"].choices if value}
    assert organizations == [world.alpha.pk]
    assert groups == {world.billing.pk, world.front.pk}
    assert world.beta.legal_name not in queue(client).content.decode()


@pytest.mark.parametrize(
    "params",
    [
        {"kind": "bogus"},
        {"organization": "abc"},
        {"organization": "-1"},
        {"group": "1 OR 1=1"},
        {"older_than_days": "5"},
        {"older_than_days": "-30"},
        {"sort": "password"},
        {"page": "xyz"},
        {"page": "9999"},
        {"organization": "9" * 30},
    ],
)
def test_invalid_filter_values_never_fail(client, world, params):
    enter_signed_in(client, world.so)
    response = queue(client, **params)
    assert set(listed(response)) <= {r.tracking_number for r in (world.old, world.mid, world.new)}
    if set(params) != {"page"}:
        page = response.content.decode()
        assert (
            "There is a problem" in page and "is not one of the choices, so it was ignored" in page
        )
        assert "<title>Error: Pending Approvals" in page


def test_an_invalid_filter_is_ignored_and_the_valid_ones_still_apply(client, world):
    enter_signed_in(client, world.so)
    response = queue(client, kind="additional_role", organization="abc")
    assert listed(response) == [world.old.tracking_number]


def test_another_organizations_id_is_refused_not_obeyed(client, world):
    enter_signed_in(client, world.so)
    response = queue(client, organization=world.beta.pk)
    assert world.other_org.tracking_number not in response.content.decode()
    assert response.context["filter_form"].errors["organization"]


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"organization": "beta"},
        {"group": "beta_group"},
        {"group": "billing"},
        {"organization": "alpha", "older_than_days": "30"},
        {"kind": "registration", "group": "billing", "sort": "newest"},
        {"sort": "applicant", "older_than_days": "7"},
        {"organization": "alpha", "group": "billing", "kind": "additional_role"},
    ],
)
def test_the_queue_never_lists_a_request_outside_decidable_requests(client, world, params):
    places = {
        "alpha": world.alpha.pk,
        "beta": world.beta.pk,
        "billing": world.billing.pk,
        "beta_group": world.other_org.group_id,
    }
    params = {key: places.get(value, value) for key, value in params.items()}
    enter_signed_in(client, world.so)
    response = queue(client, **params)
    page = response.content.decode()
    assert {r.pk for r in response.context["page_obj"].object_list} <= world.mine
    for access_request in world.not_mine:
        assert access_request.tracking_number not in page


def test_queue_filter_cannot_be_widened_by_its_arguments(world):
    for kwargs in [
        {"organization_id": world.beta.pk},
        {"group_id": world.other_org.group_id},
        {"group_id": world.billing.pk},
        {"older_than_days": 0, "sort": "nonsense"},
    ]:
        assert {r.pk for r in queue_filter(user=world.so, **kwargs)} <= world.mine


def test_pages_keep_the_filters(client, world, monkeypatch):
    monkeypatch.setattr(QueueView, "paginate_by", 1)
    enter_signed_in(client, world.so)
    first = queue(client, organization=world.alpha.pk, sort="newest")
    assert listed(first) == [world.new.tracking_number]
    page = first.content.decode()
    assert f"?organization={world.alpha.pk}&amp;sort=newest&amp;page=2" in page
    second = queue(client, organization=world.alpha.pk, sort="newest", page=2)
    assert listed(second) == [world.mid.tracking_number]
    assert "page=1" in second.content.decode() and "page=3" in second.content.decode()


def test_the_filter_form_is_a_labelled_get_form(client, world):
    enter_signed_in(client, world.so)
    page = queue(client).content.decode()
    assert 'method="get"' in page
    for name in ("kind", "organization", "group", "older_than_days", "sort"):
        assert f'<label class="usa-label" for="id_{name}">' in page
        assert f'name="{name}"' in page


def test_header_shows_the_pending_count_to_approvers(client, world):
    enter_signed_in(client, world.so)
    page = client.get(reverse("accounts:my_profile")).content.decode()
    assert 'Pending Approvals <span class="usa-tag">3</span>' in page


def test_header_has_no_pending_approvals_for_people_who_approve_nothing(client, world):
    enter_signed_in(client, role_holder("end_user", group=world.front))
    page = client.get(reverse("accounts:my_profile")).content.decode()
    assert "Pending Approvals" not in page


# The request's own page.


def test_request_page_shows_what_the_approver_needs(client, world):
    AccessRequest.objects.filter(pk=world.new.pk).update(
        ssn_last4="6781", justification="I back up our SO on weekends."
    )
    request_event(world.new, RequestAction.SUBMITTED, from_state=AccessRequest.Status.DRAFT)
    enter_signed_in(client, world.so)
    page = client.get(reverse("approvals:detail", args=[world.new.tracking_number]))
    text = page.content.decode()
    assert world.new.tracking_number in text
    assert "***-**-6781" in text
    assert "I back up our SO on weekends." in text
    assert "New user registration" in text and "Backup Security Official" in text
    assert "History" in text and "Submitted" in text and "Draft &rarr; Pending approval" in text


def test_decision_fields_are_not_labelled_optional(client, world):
    enter_signed_in(client, world.so)
    text = client.get(reverse("approvals:detail", args=[world.new.tracking_number])).content
    assert b"(optional)" not in text
    assert b" required" not in text  # no browser validation: approving leaves them empty


def test_deny_without_explanation_is_refused_next_to_the_field_and_in_the_summary(client, world):
    enter_signed_in(client, world.so)
    response = client.post(
        reverse("approvals:detail", args=[world.new.tracking_number]),
        {"decision": "deny", "reason": "not_employed", "note": "   "},
    )
    text = response.content.decode()
    assert text.count("Explain why the request is denied.") == 2
    assert 'href="#id_note">Explanation: Explain why the request is denied.' in text
    assert 'id="id_note_error"' in text and 'aria-invalid="true"' in text
    assert "Choose a reason" not in text
    world.new.refresh_from_db()
    assert world.new.status == AccessRequest.Status.SUBMITTED


def test_deny_without_reason_is_refused(client, world):
    enter_signed_in(client, world.so)
    response = client.post(
        reverse("approvals:detail", args=[world.new.tracking_number]),
        {"decision": "deny", "note": "Not on our staff list."},
    )
    text = response.content.decode()
    assert 'href="#id_reason">Reason for denial: Choose a reason for denying the request.' in text
    world.new.refresh_from_db()
    assert world.new.status == AccessRequest.Status.SUBMITTED


def test_approve_needs_neither_reason_nor_explanation(client, world):
    enter_signed_in(client, world.so)
    response = client.post(
        reverse("approvals:detail", args=[world.new.tracking_number]), {"decision": "approve"}
    )
    assert response.status_code == 302
    world.new.refresh_from_db()
    assert world.new.status == AccessRequest.Status.APPROVED


def test_deny_with_reason_and_explanation_is_recorded(client, world):
    enter_signed_in(client, world.so)
    client.post(
        reverse("approvals:detail", args=[world.new.tracking_number]),
        {"decision": "deny", "reason": "not_employed", "note": "Not on our staff list."},
    )
    world.new.refresh_from_db()
    assert world.new.status == AccessRequest.Status.DENIED
    assert world.new.decision_note == "Not on our staff list."
