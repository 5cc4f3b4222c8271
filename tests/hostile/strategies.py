"""What a hostile or careless person types: hypothesis strategies for form fields.

Each field gets either a value that passes (so the form's cross-field checks run), or one of the
hostile values below, or nothing at all (the field left out of the post).
"""

import operator

from django import forms
from hypothesis import strategies as st

SCRIPT = "<script>alert(1)</script>"
IMAGE = '"><img src=x onerror=alert(1)>'
DROP_TABLE = "'; DROP TABLE accounts_user; --"
OR_TRUE = "' OR '1'='1"
INJECTIONS = (SCRIPT, IMAGE, DROP_TABLE, OR_TRUE)
# All four in one value of at most 100 characters, the shortest free-text limit (city, names).
ALL_INJECTIONS = SCRIPT + IMAGE + DROP_TABLE + OR_TRUE
assert len(ALL_INJECTIONS) <= 100

ODD_VALUES = (
    "",
    " ",
    "\x00",
    "a\x00b",
    "\t\r\n",
    "\u200b",  # zero-width space
    "\ufeff",  # byte order mark
    "\u202eevil",  # right-to-left override
    "１２３-４５-６７８９",  # full-width digits
    "١٢٣٤٥٦٧٨٩٠",  # Arabic-Indic digits
    "12-3456789",
    "1234567893",
    "99999999999999999999999999",
    "-1",
    "0",
    "1e309",
    "NaN",
    "None",
    "null",
    "true",
    "[]",
    "{}",
    "%00",
    "%s%s%n",
    "{{ 7*7 }}",
    "../../etc/passwd",
    "@",
    "a@b",
    "x@example.org\r\nBcc: y@example.org",
    "02/30/2000",
    "13/13/1999",
    "01/01/0001",
    "9999-12-31",
)


def hostile_text(*, huge: int = 20_000) -> st.SearchStrategy[str]:
    return st.one_of(
        st.text(st.characters(codec="utf-8"), max_size=40),
        st.text(
            st.characters(codec="utf-8", categories=["Cc", "Cf", "Zs", "Zl", "Zp"]),
            min_size=1,
            max_size=8,
        ),
        st.text(st.characters(codec="utf-8", categories=["Nd"]), min_size=1, max_size=12),
        st.sampled_from(INJECTIONS + ODD_VALUES),
        st.builds(
            operator.mul,
            st.sampled_from(["x", "9", "é", "<", "\u202e", "\U0001d518", " "]),
            st.integers(min_value=101, max_value=huge),
        ),
    )


def choice_values(field: forms.Field) -> list[str]:
    """The values a select or radio field offers (a model choice's primary keys, as text)."""
    if not hasattr(field, "choices"):
        return []
    return [str(value) for value, _label in field.choices if str(value) != ""]


def field_value(
    field: forms.Field, valid: str | None, *, huge: int = 20_000
) -> st.SearchStrategy[str | None]:
    """A value for one field, or None for "left out of the post"."""
    options = [hostile_text(huge=huge), st.none()]
    if valid is not None:
        options.append(st.just(valid))
    if choices := choice_values(field):
        options.append(st.sampled_from(choices))
    return st.one_of(options)


def form_data(fields: dict[str, forms.Field], valid: dict[str, str], *, huge: int = 20_000):
    """A post for a form with ``fields``: the fields left out are not in the dict."""
    return st.fixed_dictionaries(
        {name: field_value(field, valid.get(name), huge=huge) for name, field in fields.items()}
    ).map(lambda data: {name: value for name, value in data.items() if value is not None})
