"""Dates as the portal writes them in tables, without Django's general formatter.

``|date:"m/d/Y g:i A"`` reads its format string a character at a time on every call: about
30 µs a value, 0.8 ms for the 25 rows of a Pending Approvals page. These write the same text
with ``strftime``. Like ``date``, they receive the value in the current time zone.
"""

from django import template

register = template.Library()


@register.filter(expects_localtime=True)
def us_date(value) -> str:
    """11/24/2026: ``|date:"m/d/Y"``."""
    return f"{value:%m/%d/%Y}" if value else ""


@register.filter(expects_localtime=True)
def us_datetime(value) -> str:
    """11/24/2026 3:05 PM: ``|date:"m/d/Y g:i A"`` (the portal is in English: AM and PM)."""
    if not value:
        return ""
    return (
        f"{value:%m/%d/%Y} {value.hour % 12 or 12}:{value:%M} {'AM' if value.hour < 12 else 'PM'}"
    )
