"""A wizard step's page is read in autocommit; its POST runs in one transaction (issue 9).

``iacs_portal.transactions.AtomicUnlessSafe``: a GET that only reads pays no BEGIN and COMMIT,
and what a POST writes still commits or rolls back as a whole, as under ATOMIC_REQUESTS.
"""

import pytest
from django.db import DatabaseError, connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from approvals.models import AccessRequest
from approvals.registration import views as registration_views
from approvals.registration.drafts import draft_touch
from tests.registration import enter_portal, step

pytestmark = pytest.mark.django_db(transaction=True)  # no test transaction around the requests


def _at_the_role_step(client) -> None:
    enter_portal(client)
    step(
        client,
        "terms",
        {"accept": "on"},
        url=reverse("registration:terms", args=["provider-supplier"]),
    )


def test_a_step_page_is_read_outside_a_transaction_and_its_post_inside_one(client, monkeypatch):
    seen = []
    form_kwargs = registration_views.RoleView.get_form_kwargs

    def recording(view):
        seen.append((view.request.method, connection.in_atomic_block))
        return form_kwargs(view)

    monkeypatch.setattr(registration_views.RoleView, "get_form_kwargs", recording)
    _at_the_role_step(client)

    with CaptureQueriesContext(connection) as page:
        assert client.get(reverse("registration:role")).status_code == 200
    step(client, "role", {"role": "bso"})

    assert seen == [("GET", False), ("POST", True)]
    assert not [query for query in page.captured_queries if query["sql"] in ("BEGIN", "COMMIT")]


def test_a_failing_post_writes_nothing_of_what_it_changed(client, monkeypatch):
    _at_the_role_step(client)
    draft = AccessRequest.objects.get()

    def save_then_fail(view, form):
        draft_touch(view.draft, completed="role", fields=["role"])
        raise DatabaseError("the database went away after the first write")

    monkeypatch.setattr(registration_views.RoleView, "form_valid", save_then_fail)
    client.raise_request_exception = False
    response = client.post(reverse("registration:role"), {"role": "bso"})

    assert response.status_code == 500
    draft.refresh_from_db()
    assert "role" not in draft.completed_steps
