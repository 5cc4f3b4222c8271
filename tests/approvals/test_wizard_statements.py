"""What the identity steps of the wizard ask the database (issue 9): only what they read."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import EmailVerification
from approvals.models import AccessRequest
from tests.factories import OrganizationFactory, account_holder, security_official
from tests.registration import (
    BARBARA,
    CONTACT,
    enter_portal,
    latest_code,
    prove_identity,
    register_bso_until_review,
    start_bso_registration,
    step,
    user_information,
)

pytestmark = pytest.mark.django_db(transaction=True)

EMAIL = "barbara@example.org"


def _statements(client, method: str, name: str, data: dict | None = None) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        response = getattr(client, method)(reverse(f"registration:{name}"), data or {})
    assert response.status_code in (200, 302), response.status_code
    client.last_page = response.content.decode()
    return [query["sql"] for query in captured.captured_queries]


def _draft_reads(statements: list[str]) -> list[str]:
    return [sql for sql in statements if sql.startswith('SELECT "approvals_accessrequest"."id"')]


def test_a_step_that_names_no_relation_reads_the_draft_without_a_join(client):
    start_bso_registration(client)
    (read,) = _draft_reads(_statements(client, "get", "user-information"))
    assert "JOIN" not in read  # not the community, which select_related() would add


def test_the_verify_email_page_reads_the_draft_alone_and_its_post_the_verification_too(client):
    start_bso_registration(client)
    client.post(reverse("registration:user-information"), user_information(EMAIL))

    (page_read,) = _draft_reads(_statements(client, "get", "verify-email"))
    assert "JOIN" not in page_read
    assert '"ssn"' not in page_read and '"date_of_birth"' not in page_read  # no decryption

    checked = _statements(client, "post", "verify-email", {"code": latest_code(EMAIL)})
    (post_read,) = _draft_reads(checked)
    assert '"accounts_emailverification"' in post_read
    assert '"ssn"' not in post_read and '"date_of_birth"' not in post_read
    # The check locks the verification in the request's transaction, without a savepoint.
    assert not any("SAVEPOINT" in sql for sql in checked)
    assert EmailVerification.objects.get().verified_at is not None


def test_the_user_information_post_replaces_the_personal_data_without_reading_it(client):
    start_bso_registration(client)
    client.post(reverse("registration:user-information"), user_information(EMAIL))
    changed = user_information("changed.address@example.org")

    (read,) = _draft_reads(_statements(client, "post", "user-information", changed))

    assert '"ssn"' not in read and '"date_of_birth"' not in read and '"email"' not in read
    assert AccessRequest.objects.get().email == "changed.address@example.org"
    page = _statements_page(client, "user-information", {})
    assert 'value="changed.address@example.org"' in page  # the page shows what the draft holds


def test_the_user_information_step_reads_of_an_existing_account_only_whom_to_tell(client):
    account_holder(BARBARA)
    start_bso_registration(client)
    statements = _statements(client, "post", "user-information", user_information(EMAIL))
    by_digest = [sql for sql in statements if '"ssn_digest" = ' in sql]
    (lookup,) = [sql for sql in by_digest if '"accounts_user"' in sql]
    assert lookup.startswith('SELECT "account"."id", "account"."email", EXISTS')  # no more
    assert '"password"' not in lookup and '"ssn"' not in lookup
    assert "You already have an IACS account" in client.last_page


def test_the_acknowledgement_reads_the_request_once_without_its_personal_data(client):
    organization = OrganizationFactory(legal_name="Lakewood Clinic")
    security_official(organization)
    register_bso_until_review(client, organization)
    client.post(reverse("registration:review"))

    statements = _statements(client, "get", "acknowledgement")
    (read,) = [sql for sql in statements if 'FROM "approvals_accessrequest"' in sql]
    assert len(statements) == 2  # the session, the request with its organization
    assert '"approvals_accessrequest"."ssn"' not in read
    assert '"approvals_accessrequest"."date_of_birth"' not in read
    page = client.last_page
    request = AccessRequest.objects.get()
    assert request.tracking_number in page and request.email in page
    assert "the Security Official of Lakewood Clinic" in page


def _at_the_organization_step(client):
    """A Backup Security Official at the organization step; the organization and its search."""
    organization = OrganizationFactory(legal_name="Chesapeake Family Medicine")
    start_bso_registration(client)
    prove_identity(client)
    step(client, "contact", CONTACT)
    return organization, {"name": "peake fam", "country": "US", "state": organization.state}


def test_the_organization_chosen_is_checked_by_one_narrow_read_and_written_alone(client):
    organization, search = _at_the_organization_step(client)
    chosen = {**search, "organization": organization.pk}

    statements = _statements(client, "post", "organization", chosen)

    (check,) = [sql for sql in statements if '"organizations_organization"' in sql]
    assert check.startswith('SELECT "legal_name" FROM "organizations_organization" WHERE "id" =')
    assert "ORDER BY" not in check and "OVER" not in check  # not the search page's statement
    assert len(statements) == 6  # the session, BEGIN, the draft, the choice, its UPDATE, COMMIT
    (update,) = [sql for sql in statements if sql.startswith('UPDATE "approvals_accessrequest"')]
    assert '"organization_id" = ' in update
    assert '"group_id"' not in update and '"details"' not in update  # empty: not written again
    assert AccessRequest.objects.get().organization == organization


def _narrow(read: str) -> bool:
    return all(
        f'"approvals_accessrequest"."{column}"' not in read
        for column in ("ssn", "date_of_birth", "first_name", "work_phone")
    )


def test_steps_that_name_their_fields_read_the_draft_once_without_personal_data(client):
    organization, search = _at_the_organization_step(client)

    for method, name, data in [
        ("get", "organization", None),
        ("get", "organization", search),  # the search, with its results
        ("post", "organization", {**search, "organization": organization.pk}),
        ("get", "justification", None),
        ("post", "justification", {"justification": "I back up our Security Official."}),
    ]:
        (read,) = _draft_reads(_statements(client, method, name, data))
        assert _narrow(read), (method, name, read)
    assert "Chesapeake Family Medicine" in _statements_page(client, "organization", search)
    draft = AccessRequest.objects.get()
    assert draft.organization == organization
    assert draft.justification == "I back up our Security Official."
    assert {"organization", "justification"} <= set(draft.completed_steps)


def test_the_role_terms_step_reads_the_draft_without_personal_data(client):
    enter_portal(client)
    terms = reverse("registration:terms", args=["provider-supplier"])
    step(client, "terms", {"accept": "on"}, url=terms)
    step(client, "role", {"role": "bso"})
    (read,) = _draft_reads(_statements(client, "get", "role-terms"))
    assert _narrow(read)
    assert "Backup Security Official - Terms and Conditions" in client.last_page
    (read,) = _draft_reads(_statements(client, "post", "role-terms", {"accept": "on"}))
    assert _narrow(read)
    assert AccessRequest.objects.get().role_terms_accepted_at is not None


def _statements_page(client, name: str, data: dict) -> str:
    _statements(client, "get", name, data)
    return client.last_page


def test_the_contact_step_reads_what_it_shows_not_the_ssn(client):
    start_bso_registration(client)
    prove_identity(client)
    (read,) = _draft_reads(_statements(client, "get", "contact"))
    assert '"approvals_accessrequest"."ssn"' not in read
    for shown in ("Barbara", "***-**-6781", BARBARA.email):
        assert shown in client.last_page
    (read,) = _draft_reads(_statements(client, "post", "contact", CONTACT))
    assert '"approvals_accessrequest"."ssn"' not in read
    assert AccessRequest.objects.get().city == CONTACT["city"]


def test_a_step_writes_the_draft_verification_and_email_without_compiling(client, orm_compiles):
    start_bso_registration(client)  # each statement written once, the first time
    client.post(reverse("registration:user-information"), user_information(EMAIL))
    orm_compiles.clear()
    start_bso_registration(client)
    client.post(reverse("registration:user-information"), user_information(EMAIL))
    assert not [
        compiled
        for compiled in orm_compiles
        if compiled.split()[0] in ("SQLInsertCompiler", "SQLUpdateCompiler")
        and compiled.split()[1]
        in ("approvals.AccessRequest", "accounts.EmailVerification", "outbox.OutgoingEmail")
    ]
    draft = AccessRequest.objects.get(email=EMAIL)
    assert draft.completed_steps[-1] == "user-information" and draft.ssn
