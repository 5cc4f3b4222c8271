"""The queue links each row to its request's page with the address reverse() gives, reversed once
for the page, not once a row (issue 9: ``approvals.views.detail_urls_set``)."""

from types import SimpleNamespace

import django.urls
import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from approvals.views import detail_urls_set
from tests.factories import OrganizationFactory, security_official, submitted_request
from tests.registration import enter_signed_in


@given(
    st.lists(
        st.one_of(
            st.from_regex(r"IR-[0-9]{5}-[0-9]{5}", fullmatch=True),
            # Anything the path's <str:> takes, which reverse() may have to quote.
            st.text(
                st.characters(blacklist_characters="/", blacklist_categories=["Cs"]), min_size=1
            ),
        ),
        max_size=5,
    )
)
def test_each_rows_address_is_the_one_reverse_gives(numbers):
    rows = [SimpleNamespace(tracking_number=number) for number in numbers]
    detail_urls_set(rows)
    assert [row.detail_url for row in rows] == [
        reverse("approvals:detail", args=[number]) for number in numbers
    ]


def _reverses_to_render(client, monkeypatch, address: str) -> tuple[int, str]:
    """How many times rendering ``address`` called reverse(), and the page."""
    calls, real = [], django.urls.reverse

    def counting(*args, **kwargs):
        calls.append(args)
        return real(*args, **kwargs)

    with monkeypatch.context() as patch:
        patch.setattr(django.urls, "reverse", counting)
        response = client.get(address)
    return len(calls), response.content.decode()


@pytest.mark.django_db
def test_the_queue_reverses_the_same_few_addresses_for_few_and_many_rows(client, monkeypatch):
    organization = OrganizationFactory()
    enter_signed_in(client, security_official(organization))
    reversed_by_page = []
    for rows in (2, 20):
        while organization.access_requests.count() < rows:
            submitted_request("bso", organization=organization)
        count, page = _reverses_to_render(client, monkeypatch, reverse("approvals:queue"))
        for access_request in organization.access_requests.all():
            link = f'href="{reverse("approvals:detail", args=[access_request.tracking_number])}"'
            assert link in page
        reversed_by_page.append(count)
    assert reversed_by_page[0] == reversed_by_page[1], reversed_by_page
