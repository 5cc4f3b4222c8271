"""Pending Approvals only reads: its pages run in autocommit, without BEGIN and COMMIT (issue 9,
``iacs_portal.transactions.AtomicUnlessSafe``); a request's page too, whose decision (a POST)
runs in one transaction (test_decision_statements)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import OrganizationFactory, security_official, submitted_request
from tests.registration import sign_in

pytestmark = pytest.mark.django_db(transaction=True)  # no test transaction around the requests


@pytest.mark.parametrize("page", ["queue", "detail"])
def test_the_queue_and_a_requests_page_are_read_without_a_transaction(client, page):
    organization = OrganizationFactory()
    access_request = submitted_request("bso", organization=organization)
    sign_in(client, security_official(organization))
    args = [access_request.tracking_number] if page == "detail" else []
    address = reverse(f"approvals:{page}", args=args)
    client.get(address)  # per-process caches (content types, permissions) filled

    with CaptureQueriesContext(connection) as captured:
        response = client.get(address)

    assert response.status_code == 200
    assert access_request.tracking_number in response.content.decode()
    statements = [query["sql"] for query in captured.captured_queries]
    assert not [sql for sql in statements if sql in ("BEGIN", "COMMIT")], statements
