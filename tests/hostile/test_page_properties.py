"""Every page with a form, posted arbitrary data through the test client, as a browser would.

Never a server error; a refused post comes back with each message next to its field and the
error summary above the form. The pages are ``pages.SCENARIOS``, checked against the URL
configuration so that a new page with a form cannot be left out.
"""

from urllib.parse import urlencode

import pytest
from django.test import Client
from hypothesis import given

from .pages import SCENARIOS, Scenario
from .strategies import form_data
from .support import assert_refusal_shown, example
from .urlconf import routes

FORM_URLENCODED = "application/x-www-form-urlencoded"


def test_every_form_page_has_a_scenario():
    covered = {scenario.url_name for scenario in SCENARIOS}
    form_pages = {route.name for route in routes() if route.has_form}
    assert len(form_pages) > 30
    missing = sorted(form_pages - covered)
    assert not missing, f"add a scenario to tests/hostile/pages.py for: {missing}"
    posted = {scenario.url_name for scenario in SCENARIOS if scenario.method == "post"}
    assert not posted - form_pages, f"no such form page: {sorted(posted - form_pages)}"


def _page_form(client: Client, url: str, scenario: Scenario):
    response = client.get(url)
    assert response.status_code == 200, f"{scenario.id}: {url} answered {response.status_code}"
    form = response.context.get("filter_form") or response.context.get("form")
    assert form is not None, f"{scenario.id}: no form on the page"
    fields = dict(form.fields)
    if "search_form" in response.context:  # the organization step: search, then choose
        fields.update(response.context["search_form"].fields)
    return form, fields


@pytest.mark.django_db
@pytest.mark.parametrize("scenario", SCENARIOS, ids=lambda s: s.id)
def test_no_post_breaks_a_page(scenario):
    from .forms_catalog import World, valid_sample

    client = Client(raise_request_exception=True)
    url = scenario.prepare(client)
    form, fields = _page_form(client, url, scenario)
    valid = valid_sample(form, World())
    valid.update({name: value for name, value in _prefilled(form).items() if name in fields})

    @given(data=form_data(fields, valid, huge=5_000))
    def check(data):
        with example():
            if scenario.method == "get":
                response = client.get(url, data)
            else:
                response = client.post(url, urlencode(data), content_type=FORM_URLENCODED)
            assert response.status_code < 500, f"{scenario.id}: {response.status_code}"
            if scenario.method == "post":
                assert_refusal_shown(response, admin=scenario.admin, shown=scenario.shown)

    check()


def _prefilled(form) -> dict[str, str]:
    """What the page itself filled in (a draft's earlier answers), as the browser sends it."""
    values = {}
    for name in form.fields:
        value = form[name].value()
        if value not in (None, ""):
            values[name] = str(getattr(value, "pk", value))
    return values


@pytest.mark.django_db
@pytest.mark.parametrize(
    "scenario",
    [s for s in SCENARIOS if s.method == "post" and not s.admin][:1]
    + [s for s in SCENARIOS if s.url_name == "registration:contact"],
    ids=lambda s: s.id,
)
def test_bytes_that_are_not_utf8_are_a_refusal_not_an_error(scenario):
    client = Client()
    url = scenario.prepare(client)
    client.get(url)
    body = b"company_name=%ff%fe%00&city=\xc3\x28&zip_code=\xed\xa0\x80&" + b"x=" + b"\xff" * 64
    response = client.post(url, body, content_type=FORM_URLENCODED)
    assert response.status_code < 500


CODE_PAGES = [
    s
    for s in SCENARIOS
    if s.url_name
    in (
        "accounts:login_code",
        "accounts:two_factor_setup",
        "accounts:change_email_verify",
        "registration:verify-email",
    )
]


@pytest.mark.django_db
@pytest.mark.parametrize("scenario", CODE_PAGES, ids=lambda s: s.id)
@pytest.mark.parametrize("code", ["\u00b9" * 6, "\u0663" * 6, "\uff11" * 6])  # ¹ ٣ １
def test_a_code_in_digits_of_another_script_is_refused_with_a_message(scenario, code):
    """str.isdigit() says yes to them, int() says no: found by the tests above (a 500)."""
    client = Client()
    url = scenario.prepare(client)

    response = client.post(url, {"code": code})

    assert response.status_code in (200, 302)
    if response.status_code == 200:
        assert response.context["form"].errors["code"]
        assert_refusal_shown(response)
