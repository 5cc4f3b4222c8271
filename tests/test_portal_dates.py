"""us_date and us_datetime write what Django's date filter writes, in the current time zone."""

from datetime import UTC, datetime, timedelta

from django.template import engines
from hypothesis import given, settings
from hypothesis import strategies as st

DJANGO = engines["django"]
BOTH = DJANGO.from_string(
    "{% load portal_dates %}"
    '{{ value|date:"m/d/Y" }}|{{ value|us_date }}|'
    '{{ value|date:"m/d/Y g:i A" }}|{{ value|us_datetime }}'
)
# Instants around New York's changes of clock (2026: March 8 and November 1, 2 a.m.), midnight
# and noon: where a wrong zone or a wrong 12-hour clock would show.
EDGES = [
    datetime(2026, 3, 8, 6, 59, tzinfo=UTC),
    datetime(2026, 3, 8, 7, 0, tzinfo=UTC),
    datetime(2026, 11, 1, 5, 59, tzinfo=UTC),
    datetime(2026, 11, 1, 6, 0, tzinfo=UTC),
    datetime(2026, 11, 24, 5, 0, tzinfo=UTC),  # midnight in New York: 12:00 AM
    datetime(2026, 11, 24, 17, 5, tzinfo=UTC),  # noon and 5 minutes: 12:05 PM
    datetime(2026, 1, 1, 4, 59, tzinfo=UTC),  # still 2025 in New York
]


def rendered(value) -> list[str]:
    return BOTH.render({"value": value}).split("|")


def test_the_edges_read_as_djangos_date_filter_writes_them():
    for value in EDGES:
        django_date, ours_date, django_datetime, ours_datetime = rendered(value)
        assert (ours_date, ours_datetime) == (django_date, django_datetime), value
    assert rendered(EDGES[4])[3] == "11/24/2026 12:00 AM"
    assert rendered(EDGES[5])[3] == "11/24/2026 12:05 PM"
    assert rendered(EDGES[6])[1] == "12/31/2025"


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=0, max_value=60 * 24 * 366 * 30))
def test_any_minute_over_thirty_years_reads_the_same(minutes):
    value = datetime(2000, 1, 1, tzinfo=UTC) + timedelta(minutes=minutes, seconds=minutes % 60)
    django_date, ours_date, django_datetime, ours_datetime = rendered(value)
    assert (ours_date, ours_datetime) == (django_date, django_datetime)


def test_nothing_writes_nothing():
    assert rendered(None) == ["", "", "", ""]
