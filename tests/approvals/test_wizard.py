from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from approvals.models import AccessRequest
from tests.factories import OrganizationFactory, UserGroupFactory
from tests.pii import database_rows
from tests.registration import (
    CONTACT,
    choose_organization,
    enter_portal,
    latest_code,
    register_bso_until_review,
    register_until_review,
    start_bso_registration,
    user_information,
)

pytestmark = pytest.mark.django_db(transaction=True)

EMAIL = "barbara@example.org"


def test_nothing_is_reachable_before_the_warning_screen(client):
    response = client.get(reverse("registration:start"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:warning"))


def test_entering_from_the_warning_returns_to_the_page_asked_for(client):
    response = client.post(reverse("accounts:warning"), {"next": reverse("registration:start")})
    assert response.url == reverse("registration:start")
    assert client.get(reverse("registration:start")).status_code == 200


def test_warning_refuses_an_offsite_next(client):
    response = client.post(reverse("accounts:warning"), {"next": "https://evil.example.com/"})
    assert response.url == reverse("accounts:introduction")


def test_terms_must_be_accepted_on_the_server(client):
    enter_portal(client)
    response = client.post(reverse("registration:terms", args=["provider-supplier"]), {})
    assert response.status_code == 200
    assert "Check the box to accept" in response.content.decode()
    assert not AccessRequest.objects.exists()


@pytest.mark.parametrize("step", ["role", "role-terms", "user-information", "verify-email", "contact",
                                  "organization", "justification", "review"])  # fmt: skip
def test_no_step_is_reachable_without_a_draft(client, step):
    enter_portal(client)
    response = client.get(reverse(f"registration:{step}"))
    assert response.url == reverse("registration:start")


@pytest.mark.parametrize(
    "step", ["verify-email", "contact", "organization", "justification", "review"]
)
def test_steps_cannot_be_skipped_by_url(client, step):
    start_bso_registration(client)
    response = client.get(reverse(f"registration:{step}"))
    assert response.status_code == 302
    assert response.url == reverse("registration:user-information")


def test_the_error_summary_links_to_the_first_radio_of_a_group(client):
    enter_portal(client)
    client.post(reverse("registration:terms", args=["provider-supplier"]), {"accept": "on"})
    page = client.post(reverse("registration:role"), {}).content.decode()
    assert '<a href="#id_role_0">' in page
    assert 'id="id_role_0"' in page


def test_every_role_is_offered_and_an_unknown_one_refused(client):
    enter_portal(client)
    client.post(reverse("registration:terms", args=["provider-supplier"]), {"accept": "on"})
    page = client.get(reverse("registration:role")).content.decode()
    for role in ("so", "bso", "uga", "end_user", "individual_practitioner"):
        assert f'value="{role}"' in page
    assert "disabled" not in page
    response = client.post(reverse("registration:role"), {"role": "help_desk"})
    assert response.status_code == 200
    assert "Select a role." in response.content.decode()


def test_ssa_mismatch_is_refused_without_naming_the_field(client):
    start_bso_registration(client)
    response = client.post(
        reverse("registration:user-information"), user_information(EMAIL, ssn="123-45-6782")
    )
    page = response.content.decode()
    assert "does not match the records of the Social Security Administration" in page
    assert "123-45-6782" not in page and "123456782" not in page  # the SSN is not shown again
    assert 'value="Barbara"' in page  # what was typed is kept
    assert AccessRequest.objects.get().ssa_verified_at is None


def test_mismatched_email_confirmation_is_reported_next_to_the_field(client):
    start_bso_registration(client)
    response = client.post(
        reverse("registration:user-information"),
        user_information(EMAIL, email_confirmation="other@example.org"),
    )
    assert "The email addresses do not match." in response.content.decode()


def test_ssn_is_never_stored_in_plain_text(client):
    start_bso_registration(client)
    client.post(reverse("registration:user-information"), user_information(EMAIL))
    draft = AccessRequest.objects.get()
    stored = " ".join(text for _table, text in database_rows())  # raw rows, not decrypted
    assert "123456781" not in stored and "123-45-6781" not in stored
    assert draft.masked_ssn == "***-**-6781"


def test_wrong_code_says_how_many_tries_are_left(client):
    start_bso_registration(client)
    client.post(reverse("registration:user-information"), user_information(EMAIL))
    code = latest_code(EMAIL)
    response = client.post(
        reverse("registration:verify-email"), {"code": f"{(int(code) + 1) % 10**6:06d}"}
    )
    assert "You have 4 more tries" in response.content.decode()


def test_identity_steps_are_closed_once_the_email_is_verified(client):
    start_bso_registration(client)
    client.post(reverse("registration:user-information"), user_information(EMAIL))
    client.post(reverse("registration:verify-email"), {"code": latest_code(EMAIL)})
    response = client.get(reverse("registration:user-information"))
    assert response.url == reverse("registration:contact")


def test_search_finds_approved_organizations_by_part_of_the_name(client):
    approved = OrganizationFactory(legal_name="Chesapeake Family Medicine", state="MD")
    OrganizationFactory(legal_name="Chesapeake Pending Clinic", state="MD", status="pending")
    OrganizationFactory(legal_name="Chesapeake Texas Clinic", state="TX")
    start_bso_registration(client)
    client.post(reverse("registration:user-information"), user_information(EMAIL))
    client.post(reverse("registration:verify-email"), {"code": latest_code(EMAIL)})
    client.post(reverse("registration:contact"), CONTACT)
    response = client.get(
        reverse("registration:organization"), {"name": "peake fam", "country": "US", "state": "MD"}
    )
    page = response.content.decode()
    assert approved.legal_name in page
    assert "Pending Clinic" not in page and "Texas Clinic" not in page


def test_search_with_no_results_says_what_to_do(client):
    start_bso_registration(client)
    client.post(reverse("registration:user-information"), user_information(EMAIL))
    client.post(reverse("registration:verify-email"), {"code": latest_code(EMAIL)})
    client.post(reverse("registration:contact"), CONTACT)
    response = client.get(
        reverse("registration:organization"), {"name": "Nowhere", "country": "US", "state": "MD"}
    )
    assert "its Security Official must register it first" in response.content.decode()


def test_a_pending_organization_cannot_be_chosen_by_posting_its_id(client):
    pending = OrganizationFactory(legal_name="Pending Clinic", status="pending")
    start_bso_registration(client)
    client.post(reverse("registration:user-information"), user_information(EMAIL))
    client.post(reverse("registration:verify-email"), {"code": latest_code(EMAIL)})
    client.post(reverse("registration:contact"), CONTACT)
    response = client.post(
        reverse("registration:organization"),
        {"name": "Pending", "country": "US", "state": "MD", "organization": pending.pk},
    )
    assert response.status_code == 200
    assert AccessRequest.objects.get().organization is None


def test_the_same_organization_chosen_again_keeps_the_group_and_another_undoes_it(client):
    group = UserGroupFactory(
        organization=OrganizationFactory(legal_name="Chesapeake Family Medicine"), name="Billing"
    )
    register_until_review(client, "end_user", group=group)
    draft = AccessRequest.objects.get()

    assert choose_organization(client, group.organization).url == reverse("registration:review")
    draft.refresh_from_db()
    assert draft.group == group and "user-group" in draft.completed_steps

    other = OrganizationFactory(legal_name="Chesapeake Harbor Clinic")
    assert choose_organization(client, other).url == reverse("registration:user-group")
    draft.refresh_from_db()
    assert (draft.organization, draft.group) == (other, None)
    assert "user-group" not in draft.completed_steps and "organization" in draft.completed_steps


def test_another_organization_undoes_the_group_a_uga_described(client):
    organization = OrganizationFactory(legal_name="Chesapeake Family Medicine")
    register_until_review(client, "uga", organization=organization, action="create_provider")
    assert "group" in AccessRequest.objects.get().details

    other = OrganizationFactory(legal_name="Chesapeake Harbor Clinic")
    assert choose_organization(client, other).url == reverse("registration:group-action")
    draft = AccessRequest.objects.get()
    assert "group" not in draft.details and draft.group is None
    assert not {"group-action", "user-group"} & set(draft.completed_steps)


def test_review_shows_everything_with_the_ssn_masked(client):
    register_bso_until_review(client, OrganizationFactory(legal_name="Chesapeake Family Medicine"))
    page = client.get(reverse("registration:review")).content.decode()
    for expected in [
        "Barbara Okafor",
        "***-**-6781",
        "410-555-0100 ext. 12",
        "Chesapeake Family Medicine",
        "I back up our Security Official.",
    ]:
        assert expected in page
    assert "123-45-6781" not in page


def test_edit_from_review_returns_straight_to_review(client):
    register_bso_until_review(client, OrganizationFactory())
    response = client.post(reverse("registration:contact"), {**CONTACT, "city": "Towson"})
    assert response.url == reverse("registration:review")
    assert AccessRequest.objects.get().city == "Towson"


def test_reload_of_a_done_step_is_safe(client):
    register_bso_until_review(client, OrganizationFactory())
    assert client.get(reverse("registration:contact")).status_code == 200
    assert client.get(reverse("registration:justification")).status_code == 200


def test_cancel_asks_then_discards_the_draft(client):
    register_bso_until_review(client, OrganizationFactory())
    assert (
        "Cancel your registration?" in client.get(reverse("registration:cancel")).content.decode()
    )
    assert AccessRequest.objects.exists()
    client.post(reverse("registration:cancel"))
    assert not AccessRequest.objects.exists()
    assert client.get(reverse("registration:review")).url == reverse("registration:start")


def test_abandoned_draft_expires(client, settings):
    start_bso_registration(client)
    with time_machine.travel(
        timezone_now() + settings.REGISTRATION_DRAFT_TTL + timedelta(seconds=1)
    ):
        response = client.get(reverse("registration:user-information"), follow=True)
    assert "Your request expired" in response.content.decode()
    assert not AccessRequest.objects.exists()


def test_draft_is_kept_just_before_it_expires(client, settings):
    start_bso_registration(client)
    with time_machine.travel(
        timezone_now() + settings.REGISTRATION_DRAFT_TTL - timedelta(seconds=1)
    ):
        assert client.get(reverse("registration:user-information")).status_code == 200


def test_purge_task_deletes_expired_drafts_only(client, settings):
    from approvals.tasks import purge_expired_drafts

    start_bso_registration(client)
    with time_machine.travel(
        timezone_now() + settings.REGISTRATION_DRAFT_TTL + timedelta(seconds=1)
    ):
        start_bso_registration(client.__class__())
        assert purge_expired_drafts() == 1
    assert AccessRequest.objects.count() == 1


def timezone_now():
    from django.utils import timezone

    return timezone.now()


@pytest.mark.parametrize("payload", [
    {"first_name": "x" * 5000, "last_name": "\x00", "date_of_birth": "99/99/9999", "ssn": "'; DROP TABLE"},
    {"email": "not-an-email", "email_confirmation": "[]"},
    {"date_of_birth": "0000-00-00", "ssn": "１２３４５６７８９"},
])  # fmt: skip
def test_garbage_input_never_produces_a_server_error(client, payload):
    start_bso_registration(client)
    response = client.post(reverse("registration:user-information"), payload)
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()
