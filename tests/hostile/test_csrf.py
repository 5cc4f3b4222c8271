"""A post without the CSRF token is refused (403) by every view that takes posts.

The views come from the URL configuration (``urlconf.routes``): a new page that takes posts is
covered the moment it is routed, and a function view nobody classified fails the first test.
The client is signed in as a superuser with two factors, past the warning screen, so no gate
answers first: the 403 is the CSRF check's. The same post with the token is not refused by it,
which shows the refusal is the missing token's and not the page's.
"""

import pytest
from django.conf import settings
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client

from tests.factories import UserFactory, set_up
from tests.registration import enter_signed_in

from .urlconf import FUNCTION_VIEWS, routes

ROUTES = routes()
POST_ROUTES = [route for route in ROUTES if route.takes_posts]
CSRF_FAILURE = "CSRF verification failed"


def test_every_view_is_classified():
    unclassified = sorted(r.name for r in ROUTES if r.takes_posts is None)
    assert not unclassified, (
        "say whether these function views take posts in tests/hostile/urlconf.py "
        f"FUNCTION_VIEWS: {unclassified}"
    )
    unused = set(FUNCTION_VIEWS) - {r.function_name for r in ROUTES if r.view_class is None}
    assert not unused, f"no such function view any more: {sorted(unused)}"
    assert len(POST_ROUTES) > 60  # the portal's forms and the admin's


@pytest.fixture
def superuser_client():
    client = Client(enforce_csrf_checks=True)
    enter_signed_in(client, set_up(UserFactory(is_staff=True, is_superuser=True)))
    return client


@pytest.mark.django_db
@pytest.mark.parametrize("route", POST_ROUTES, ids=lambda route: route.name)
def test_a_post_without_the_csrf_token_is_refused(superuser_client, route):
    response = superuser_client.post(route.path, {"reason": "x", "decision": "approve"})

    assert response.status_code == 403, f"{route.path} answered {response.status_code}"
    assert CSRF_FAILURE in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("route", POST_ROUTES, ids=lambda route: route.name)
def test_the_same_post_with_the_token_passes_the_check(superuser_client, route):
    token = _get_new_csrf_string()
    superuser_client.cookies[settings.CSRF_COOKIE_NAME] = token

    response = superuser_client.post(route.path, {"csrfmiddlewaretoken": token})

    assert response.status_code < 500
    assert CSRF_FAILURE not in response.content.decode()
