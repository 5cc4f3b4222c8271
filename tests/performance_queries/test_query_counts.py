"""A fixed, small number of queries per list page, whatever the data size (issue 9).

Each page of ``pages.PAGES`` is rendered with a few rows and again with more than a page of
them (the lists page by 25, the admin by 100: 130 rows would be slow to make, so the admin is
checked at 3 and 40, which still shows any query made per row). The count must stay under the
page's bound and must not change: a query per row, or per page of rows, fails here.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.registration import enter_signed_in

from .pages import PAGES

pytestmark = pytest.mark.django_db

FEW, MANY = 3, 40


def _queries_to_render(client, url: str, bound_check, shows: str = "") -> list[str]:
    with bound_check as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code, response.get("Location"))
    assert shows in response.content.decode(), f"{url} does not list the rows made"
    return [query["sql"] for query in captured.captured_queries]


def _few_and_many(client, page, bound_check) -> tuple[list[str], list[str]]:
    """The queries of the page rendered with FEW rows, then with MANY."""
    world = page.start()
    enter_signed_in(client, world.viewer)
    if page.prepare is not None:
        page.prepare(client, world)
    page.add_rows(world, FEW)
    client.get(page.url(world))  # once first: per-process caches (content types, permissions)
    few = _queries_to_render(client, page.url(world), bound_check(page.max_queries))
    page.add_rows(world, MANY - FEW)
    many = _queries_to_render(client, page.url(world), bound_check(page.max_queries), page.shows)
    return few, many


@pytest.mark.parametrize("page", PAGES, ids=[page.name for page in PAGES])
def test_list_page_makes_the_same_few_queries_for_few_and_many_rows(
    client, page, django_assert_max_num_queries
):
    few, many = _few_and_many(client, page, django_assert_max_num_queries)
    assert len(many) == len(few), "\n".join(
        ["Queries with many rows but not with few:"] + [sql for sql in many if sql not in few][:10]
    )


def test_a_query_per_row_is_caught(client, monkeypatch):
    """The check itself: without its select_related, the role changelist reads each row's user."""
    from organizations.admin import RoleAssignmentAdmin

    monkeypatch.setattr(RoleAssignmentAdmin, "list_select_related", [])
    page = next(page for page in PAGES if page.name == "admin-role-assignments")
    few, many = _few_and_many(client, page, lambda bound: CaptureQueriesContext(connection))
    assert len(many) >= len(few) + MANY - FEW
