"""Every pattern of the URL configuration has its place in ``expectations``, so the matrix
cannot miss a new URL; and the classes hold for the visitor who is not signed in.

A pattern is classified by its name (or its route when it has none) in one of PUBLIC,
OWN_DATA, SIGN_IN_STATES, DEVELOPMENT, ADMIN_PAGES or OBJECT_URLS, or as one of Django's admin
routes of a model in ADMIN_MODELS. A pattern with a parameter is an object URL unless
ADMIN_PAGES says otherwise: it must then have its matrix.
"""

import re

import pytest
from django.urls import reverse

from .admin_expectations import ADMIN_MODEL_ROUTES, ADMIN_MODELS
from .expectations import (
    ADMIN_PAGES,
    DEVELOPMENT,
    FORBIDDEN,
    LOGIN,
    NOT_FOUND,
    OBJECT_URLS,
    OWN_DATA,
    PUBLIC,
    SIGN_IN_STATES,
    STAFF,
)
from .support import ask
from .urlconf import Pattern, url_patterns

pytestmark = pytest.mark.django_db

WITHOUT_OBJECT = {
    "PUBLIC": PUBLIC,
    "OWN_DATA": OWN_DATA,
    "SIGN_IN_STATES": SIGN_IN_STATES,
    "DEVELOPMENT": DEVELOPMENT,
}
ADMIN_MODEL_ROUTE = re.compile(r"^admin/(?P<app>[a-z_]+)/(?P<model>[a-z_]+)/(?P<rest>.*)$")
HOW_TO_CLASSIFY = (
    "Add each to tests/authz/expectations.py: to PUBLIC, OWN_DATA, SIGN_IN_STATES or "
    "DEVELOPMENT if it names no object; to OBJECT_URLS, with who may open it for each kind of "
    "object, if it does (a request, an assignment, an organization, a user, a message, a "
    "token...); a new admin model to ADMIN_MODELS in tests/authz/admin_expectations.py. "
    "Key: its URL name, or its route if unnamed."
)


def has_parameter(pattern: Pattern) -> bool:
    return "<" in pattern.route


def admin_model_route(pattern: Pattern) -> tuple[str, str] | None:
    """(model label, what the route is) for one of Django's routes of a model in the table."""
    match = ADMIN_MODEL_ROUTE.match(pattern.route)
    if not match:
        return None
    label = f"{match['app']}.{match['model']}"
    kind = ADMIN_MODEL_ROUTES.get(match["rest"])
    if label not in ADMIN_MODELS or kind is None:
        return None
    if kind == "staff action" and not ADMIN_MODELS[label].actions:
        return None  # an admin that gained actions: the table must say who may take them
    return label, kind


def classified(pattern: Pattern) -> bool:
    key = pattern.key
    if key in OBJECT_URLS or key in ADMIN_PAGES:
        return True
    if any(key in table for table in WITHOUT_OBJECT.values()):
        return not has_parameter(pattern)  # a parameter names something: it needs a matrix
    return admin_model_route(pattern) is not None


def test_every_url_pattern_is_classified():
    unclassified = [str(p) for p in url_patterns() if not classified(p)]

    assert not unclassified, (
        f"{len(unclassified)} URL pattern(s) the authorization matrix does not know: "
        f"{', '.join(unclassified)}. {HOW_TO_CLASSIFY}"
    )


def test_every_name_in_the_tables_is_a_url_pattern():
    """No stale row: a removed URL is removed from the tables too."""
    keys = {p.key for p in url_patterns()}
    named = {
        *PUBLIC,
        *OWN_DATA,
        *SIGN_IN_STATES,
        *DEVELOPMENT,
        *ADMIN_PAGES,
        *OBJECT_URLS,
    }

    assert named - keys == set()
    assert {p.key for p in url_patterns() if p.key in OBJECT_URLS} == set(OBJECT_URLS)


def test_each_pattern_is_in_one_table_only():
    tables = [PUBLIC, OWN_DATA, SIGN_IN_STATES, DEVELOPMENT, ADMIN_PAGES, set(OBJECT_URLS)]
    for index, table in enumerate(tables):
        for other in tables[index + 1 :]:
            assert table & other == set()


def without_parameters(table) -> list[Pattern]:
    return [p for p in url_patterns() if p.key in table and not has_parameter(p)]


# A public page that sends the visitor to sign in on purpose: where the session warning's
# countdown ends.
SENDS_TO_SIGN_IN = {"accounts:session_ended"}


@pytest.mark.parametrize("pattern", without_parameters(PUBLIC), ids=str)
def test_a_public_page_opens_without_signing_in(authz_world, pattern):
    url = reverse(pattern.name)
    for method in ("GET", "POST"):
        answer = ask(authz_world.clients["anonymous"], method, url)
        assert answer not in (FORBIDDEN, NOT_FOUND) and not answer.startswith("5"), (method, url)
        assert answer != LOGIN or pattern.name in SENDS_TO_SIGN_IN, (method, url, answer)


@pytest.mark.parametrize("pattern", without_parameters(OWN_DATA), ids=str)
def test_an_own_data_page_sends_the_visitor_to_sign_in(authz_world, pattern):
    url = reverse(pattern.name)
    for method in ("GET", "POST"):
        assert ask(authz_world.clients["anonymous"], method, url) == LOGIN, (method, url)


ADMIN_PAGE_URLS = {
    "admin:app_list": reverse("admin:app_list", kwargs={"app_label": "accounts"}),
    "admin/(?P<url>.*)$": "/admin/no-such-page/",
}


@pytest.mark.parametrize("key", sorted(ADMIN_PAGES))
def test_an_admin_page_refuses_the_visitor_and_anyone_not_staff(authz_world, key):
    url = ADMIN_PAGE_URLS.get(key) or reverse(key)
    refused = {"anonymous": LOGIN, "a_so": FORBIDDEN, "a_end_user": FORBIDDEN}
    if key == "admin:logout":  # Django sends a refused sign-out to the index, which refuses
        refused = dict.fromkeys(refused, f"redirect {reverse('admin:index')}")
    clients = authz_world.clients
    for method in ("GET", "POST"):
        for actor, expected in refused.items():
            assert ask(clients[actor], method, url) == expected, (method, url, actor)
        for actor in STAFF:
            assert not ask(clients[actor], method, url).startswith("5"), (method, url, actor)


def test_staff_already_signed_in_are_sent_from_the_admin_login_to_its_index(authz_world):
    for actor in STAFF:
        answer = ask(authz_world.clients[actor], "GET", reverse("admin:login"))
        assert answer == f"redirect {reverse('admin:index')}", (
            f"{actor}, signed in with two factors, opening the admin's login: expected the admin "
            f"index, got {answer}"
        )
