"""The public status lookup: a tracking number plus its email shows where a request stands.

It tells nothing to anyone else: a wrong email and an unknown number get the same page, and a
client address has STATUS_LOOKUP_RATE attempts per STATUS_LOOKUP_WINDOW.
"""

import re
import time
from unittest import mock

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from approvals.models import AccessRequest
from approvals.selectors import tracking_number_normalize
from approvals.status import NO_MATCH
from tests.factories import OrganizationFactory, UserGroupFactory, community, submitted_request
from tests.registration import enter_portal

pytestmark = pytest.mark.django_db

URL = reverse("approvals:status")
EMAIL = "pat.applicant@example.org"  # what tests.factories.submitted_request gives


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def visitor(client):
    enter_portal(client)
    return client


@pytest.fixture
def pending():
    return submitted_request("bso", organization=OrganizationFactory(legal_name="Alpha Clinic"))


def look_up(client, tracking_number, email=EMAIL, **extra):
    return client.post(URL, {"tracking_number": tracking_number, "email": email}, **extra)


def without_varying_parts(page: bytes) -> str:
    """The page minus what differs per response anyway: the CSRF token and typed values."""
    return re.sub(r'value="[^"]*"', 'value=""', page.decode())


def test_the_page_needs_no_sign_in_and_is_labelled(visitor):
    response = visitor.get(URL)
    page = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Check the status of a request</h1>" in page
    assert '<label class="usa-label" for="id_tracking_number">Tracking number</label>' in page
    assert '<label class="usa-label" for="id_email">Email address</label>' in page


def test_account_management_links_to_it(visitor):
    page = visitor.get(reverse("accounts:account_management")).content.decode()
    assert f'href="{URL}"' in page


def test_a_pending_request_shows_its_status_and_who_acts_next(visitor, pending):
    response = look_up(visitor, pending.tracking_number)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Pending approval" in page and "Backup Security Official" in page
    assert "Waiting for a decision by the Security Official of Alpha Clinic." in page
    assert (
        pending.submitted_at.astimezone(timezone.get_current_timezone()).strftime("%m/%d/%Y")
        in page
    )
    assert NO_MATCH not in page


def test_the_result_shows_nothing_personal(visitor, pending):
    AccessRequest.objects.filter(pk=pending.pk).update(
        ssn_last4="6781", justification="Weekend cover for the SO."
    )
    page = look_up(visitor, pending.tracking_number).content.decode()
    for personal in ("Pat", "Applicant ", "6781", "Weekend cover", EMAIL):
        assert personal not in page


def test_an_end_user_request_names_the_group_administrator(visitor):
    group = UserGroupFactory(name="Billing")
    access_request = submitted_request("end_user", group=group)
    page = look_up(visitor, access_request.tracking_number).content.decode()
    assert "Waiting for a decision by the User Group Administrator of Billing." in page


@pytest.mark.parametrize(
    ("status", "says"),
    [
        ("approved", "Approved"),
        ("denied", "Denied"),
        ("cancelled", "Cancelled"),
        ("expired", "Expired"),
    ],
)
def test_a_decided_request_says_when_it_was_decided(visitor, pending, status, says):
    decided_at = timezone.now().replace(year=2025, month=3, day=4, hour=15)
    AccessRequest.objects.filter(pk=pending.pk).update(status=status, decided_at=decided_at)
    page = look_up(visitor, pending.tracking_number).content.decode()
    assert f"<strong>{says}</strong>" in page
    assert "Decided on 03/04/2025" in page
    assert "Nobody needs to act" in page
    assert "Waiting for a decision" not in page


@pytest.mark.parametrize(
    ("typed_number", "typed_email"),
    [
        ("{number}", EMAIL.upper()),
        ("  {lower}  ", f"  {EMAIL}  "),
        ("{spaced}", "Pat.Applicant@Example.org"),
        ("{digits}", EMAIL),
    ],
)
def test_tracking_number_and_email_are_tolerant_of_case_and_spaces(
    visitor, pending, typed_number, typed_email
):
    number = pending.tracking_number
    typed = typed_number.format(
        number=number,
        lower=number.lower(),
        spaced=number.lower().replace("-", " "),
        digits=number[3:].replace("-", ""),
    )
    page = look_up(visitor, typed, typed_email).content.decode()
    assert "Pending approval" in page and NO_MATCH not in page


def test_normalising_keeps_what_is_not_a_tracking_number():
    assert tracking_number_normalize(" ir-12345-67890 ") == "IR-12345-67890"
    assert tracking_number_normalize("ir 12345 67890") == "IR-12345-67890"
    assert tracking_number_normalize("IR-1234-567890") == "IR-1234-567890"


def test_wrong_email_and_unknown_number_get_the_same_page(visitor, pending):
    wrong_email = look_up(visitor, pending.tracking_number, "someone.else@example.org")
    unknown_number = look_up(visitor, "IR-00000-00000", "someone.else@example.org")
    assert wrong_email.status_code == unknown_number.status_code == 200
    assert NO_MATCH in wrong_email.content.decode()
    assert without_varying_parts(wrong_email.content) == without_varying_parts(
        unknown_number.content
    )
    assert "Pending approval" not in wrong_email.content.decode()


def test_the_no_match_message_is_in_the_error_summary(visitor):
    page = look_up(visitor, "IR-00000-00000").content.decode()
    assert "There is a problem" in page and 'role="alert"' in page
    assert page.count(NO_MATCH) == 1
    assert "<title>Error: Check the status of a request" in page


def test_a_draft_is_never_found(visitor):
    AccessRequest.objects.create(
        community=community(), role="bso", email=EMAIL, tracking_number="IR-11111-22222"
    )
    assert NO_MATCH in look_up(visitor, "IR-11111-22222").content.decode()


def test_missing_fields_are_errors_next_to_the_field(visitor):
    page = visitor.post(URL, {"tracking_number": "", "email": "not-an-email"}).content.decode()
    assert 'id="id_tracking_number_error"' in page and "Enter your tracking number." in page
    assert 'id="id_email_error"' in page and "Enter an email address in the correct format" in page
    assert NO_MATCH not in page


# Rate limit: STATUS_LOOKUP_RATE attempts (10 by default) per client address per window.


def test_the_tenth_attempt_is_answered_and_the_eleventh_refused(visitor, pending):
    for _ in range(9):
        assert look_up(visitor, "IR-00000-00000").status_code == 200
    tenth = look_up(visitor, pending.tracking_number)
    assert tenth.status_code == 200 and "Pending approval" in tenth.content.decode()
    eleventh = look_up(visitor, pending.tracking_number)
    page = eleventh.content.decode()
    assert eleventh.status_code == 429
    assert "Too many attempts" in page and "wait 15 minutes" in page
    assert "Pending approval" not in page and NO_MATCH not in page
    assert eleventh["Retry-After"] == "900"


def test_invalid_submissions_count_as_attempts(visitor, settings):
    settings.STATUS_LOOKUP_RATE = 2
    assert visitor.post(URL, {}).status_code == 200
    assert visitor.post(URL, {}).status_code == 200
    assert visitor.post(URL, {}).status_code == 429


def test_the_limit_is_a_setting(visitor, pending, settings):
    settings.STATUS_LOOKUP_RATE = 3
    for _ in range(3):
        assert look_up(visitor, pending.tracking_number).status_code == 200
    assert look_up(visitor, pending.tracking_number).status_code == 429


def test_the_limit_is_per_client_address(visitor, pending, settings):
    settings.STATUS_LOOKUP_RATE = 1
    assert look_up(visitor, pending.tracking_number, REMOTE_ADDR="10.0.0.1").status_code == 200
    assert look_up(visitor, pending.tracking_number, REMOTE_ADDR="10.0.0.1").status_code == 429
    assert look_up(visitor, pending.tracking_number, REMOTE_ADDR="10.0.0.2").status_code == 200


def test_a_forged_forwarded_for_does_not_escape_the_limit(visitor, pending, settings):
    settings.STATUS_LOOKUP_RATE = 1
    assert (
        look_up(visitor, pending.tracking_number, HTTP_X_FORWARDED_FOR="1.1.1.1").status_code == 200
    )
    assert (
        look_up(visitor, pending.tracking_number, HTTP_X_FORWARDED_FOR="2.2.2.2").status_code == 429
    )


def test_behind_a_trusted_proxy_the_forwarded_address_counts(visitor, pending, settings):
    settings.STATUS_LOOKUP_RATE = 1
    settings.AUDIT_TRUSTED_PROXY_HEADER = "X-Forwarded-For"
    first = {"HTTP_X_FORWARDED_FOR": "9.9.9.9, 203.0.113.5"}
    forged = {"HTTP_X_FORWARDED_FOR": "8.8.8.8, 203.0.113.5"}
    other = {"HTTP_X_FORWARDED_FOR": "203.0.113.6"}
    assert look_up(visitor, pending.tracking_number, **first).status_code == 200
    assert look_up(visitor, pending.tracking_number, **forged).status_code == 429
    assert look_up(visitor, pending.tracking_number, **other).status_code == 200


def test_a_new_window_allows_attempts_again(visitor, pending, settings):
    settings.STATUS_LOOKUP_RATE = 1
    assert look_up(visitor, pending.tracking_number).status_code == 200
    assert look_up(visitor, pending.tracking_number).status_code == 429
    later = time.time() + settings.STATUS_LOOKUP_WINDOW.total_seconds() + 1
    with mock.patch("django.core.cache.backends.locmem.time.time", return_value=later):
        assert look_up(visitor, pending.tracking_number).status_code == 200


def test_showing_the_form_is_not_an_attempt(visitor, pending, settings):
    settings.STATUS_LOOKUP_RATE = 1
    for _ in range(5):
        assert visitor.get(URL).status_code == 200
    assert look_up(visitor, pending.tracking_number).status_code == 200
