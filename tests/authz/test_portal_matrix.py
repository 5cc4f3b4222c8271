"""The portal's URLs that name an object, asked by every actor: exactly the table's answer.

For each entry of ``expectations.OBJECT_URLS`` (requests, role removals, cancellations, the
reset link, a community's terms, the development outbox, the admin's two object URLs outside a
model), every object it lists and every method it lists (an empty POST where the view takes
one) is asked by each of ``expectations.ACTORS``. The per-request outsider matrix of the
approval kinds is tests/approvals/test_routing.py's; here the same MATRIX meets the URL
configuration's other actors (the anonymous visitor, the help desk, staff in no group).
"""

import pytest
from django.urls import reverse

from .expectations import NOT_FOUND, OBJECT_URLS, OK, everyone
from .support import Case, report, wrong_answers

pytestmark = pytest.mark.django_db


def outbox_settings(world, *, enabled: bool) -> tuple[tuple[str, object], ...]:
    return (("OUTBOX_PAGE_ENABLED", enabled), ("OUTBOX_DIR", str(world.outbox_dir)))


def cases_for(world, key: str) -> list[Case]:
    urls = world.portal_urls[key]
    assert set(urls) == set(OBJECT_URLS[key]), f"the world lacks an object of {key}"
    cases = []
    for label, methods in OBJECT_URLS[key].items():
        settings = ()
        if key.startswith("outbox:"):
            settings = outbox_settings(world, enabled=not label.endswith("outbox off"))
        for method, rule in methods.items():
            cases.append(
                Case(
                    label=label,
                    method=method,
                    url=urls[label],
                    rule=rule,
                    follow_once=key == "accounts:password_reset_confirm",
                    settings=settings,
                )
            )
    return cases


@pytest.mark.parametrize("key", sorted(OBJECT_URLS))
def test_every_actor_gets_exactly_the_answer_the_table_gives(authz_world, key):
    wrong = wrong_answers(authz_world.clients, cases_for(authz_world, key))

    assert not wrong, report(key, wrong)


def test_the_outbox_list_is_open_to_all_while_on_and_to_none_while_off(authz_world):
    """The development outbox's own page (DEVELOPMENT): DEBUG only, as its messages."""
    url = reverse("outbox:list")
    cases = [
        Case(f"outbox {state}", "GET", url, everyone(answer), settings=settings)
        for state, answer, settings in [
            ("on", OK, outbox_settings(authz_world, enabled=True)),
            ("off", NOT_FOUND, outbox_settings(authz_world, enabled=False)),
        ]
    ]

    wrong = wrong_answers(authz_world.clients, cases)

    assert not wrong, report("outbox:list", wrong)
