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


def _session_writes(queries) -> list[str]:
    return [
        q["sql"]
        for q in queries
        if q["sql"].startswith(("UPDATE", "INSERT", "WITH")) and "django_session" in q["sql"]
    ]


def test_a_post_that_changes_the_session_writes_it_in_its_own_transaction(client):
    """One commit a POST: the session's row commits with the step (the terms POST puts the new
    draft's id in the session), where Django's middleware wrote it after, in a commit of its
    own; the middleware then writes nothing (accounts.session_store)."""
    enter_portal(client)

    with CaptureQueriesContext(connection) as captured:
        step(
            client,
            "terms",
            {"accept": "on"},
            url=reverse("registration:terms", args=["provider-supplier"]),
        )

    statements = [query["sql"] for query in captured.captured_queries]
    assert statements.count("COMMIT") == 1 and statements[-1] == "COMMIT", statements
    assert len(_session_writes(captured.captured_queries)) == 1
    draft = AccessRequest.objects.get()
    assert client.session["registration_draft_id"] == draft.pk  # as stored in the row


def test_a_session_gone_before_the_post_commits_stops_it_and_nothing_is_written(
    client, monkeypatch
):
    """Signed out in another tab while the POST ran: the 400 the session middleware gave, and
    now the step's changes roll back with it."""
    from django.contrib.sessions.models import Session

    enter_portal(client)
    draft_start = registration_views.draft_start

    def start_then_lose_the_session(request, **kwargs):
        draft = draft_start(request, **kwargs)
        Session.objects.filter(session_key=request.session.session_key).delete()
        return draft

    monkeypatch.setattr(registration_views, "draft_start", start_then_lose_the_session)
    response = client.post(
        reverse("registration:terms", args=["provider-supplier"]), {"accept": "on"}
    )

    assert response.status_code == 400
    assert not AccessRequest.objects.exists()
