"""Every form of the portal, fed arbitrary input: a validation result, never an exception.

The forms are found by walking the portal's modules (``forms_catalog.portal_forms``), so a new
form class fails ``test_every_form_has_an_adapter`` until it is given one, and with it these
properties.
"""

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from accounts.fields import SSNField, USPhoneField, ZIPCodeField
from organizations.identifiers import CCNPTANField, EINField, NPIField

from .forms_catalog import ABSTRACT, ADAPTERS, World, portal_forms, valid_sample
from .strategies import form_data
from .support import assert_errors_attached, assert_no_nul_accepted, example


def _name(form_class) -> str:
    return f"{form_class.__module__}.{form_class.__qualname__}"


def test_every_form_has_an_adapter():
    found = portal_forms()
    assert len(found) > 30, "the walk found too few forms: is it still looking in the apps?"
    missing = [_name(f) for f in found if f not in ADAPTERS and f not in ABSTRACT]
    assert not missing, f"add these forms to tests/hostile/forms_catalog.py ADAPTERS: {missing}"
    stale = [_name(f) for f in [*ADAPTERS, *ABSTRACT] if f not in found]
    assert not stale, f"no longer in the portal, remove from the catalog: {stale}"


@pytest.mark.django_db
@pytest.mark.parametrize("form_class", sorted(ADAPTERS, key=_name), ids=_name)
def test_no_input_breaks_a_form(form_class):
    world = World()
    adapter = ADAPTERS[form_class]
    probe = adapter.build(world, None)  # makes the objects the form needs, outside the examples
    strategy = form_data(dict(probe.fields), valid_sample(probe, world), huge=100_000)

    # A form alone is quick: twice the pages' examples.
    @settings(max_examples=2 * settings.default.max_examples)
    @given(data=strategy)
    def check(data):
        with example():
            form = adapter.build(world, data)
            form.is_valid()
            assert_errors_attached(form)
            assert_no_nul_accepted(form)

    check()


# Identifiers are stored in one canonical form, in ASCII digits: a lookup by EIN/TIN (one
# organization per EIN), SSN digest or NPI must find the same value however it was typed, and
# a digit from another script (full-width, Arabic-Indic...) must not make a second "different"
# identifier.
CANONICAL = {
    SSNField: r"[0-9]{9}",
    USPhoneField: r"[0-9]{3}-[0-9]{3}-[0-9]{4}",
    ZIPCodeField: r"[0-9]{5}(-[0-9]{4})?",
    EINField: r"[0-9]{9}",
    NPIField: r"[0-9]{10}",
    CCNPTANField: r"[A-Z0-9]{6,15}",
}
_digits_of_any_script = st.characters(categories=["Nd"])
identifier_like = st.one_of(
    st.text(st.one_of(_digits_of_any_script, st.sampled_from(" -().+")), max_size=16),
    st.sampled_from(
        [
            "１２-３４５６７８９",
            "١٢٣٤٥٦٧٨٩",
            "１２３４５６７８９３",
            "٢١٢٠١",
            "(４１０) ５５５-０１００",
        ]
    ),
)


@pytest.mark.parametrize("field_class", list(CANONICAL), ids=lambda f: f.__name__)
def test_identifiers_are_cleaned_to_ascii_or_refused(field_class):
    from django.core.exceptions import ValidationError

    field = field_class(required=False)
    pattern = re.compile(CANONICAL[field_class])

    @given(value=identifier_like)
    def check(value):
        try:
            cleaned = field.clean(value)
        except ValidationError as error:
            assert error.messages and all(m.strip() for m in error.messages)
            return
        assert cleaned == "" or pattern.fullmatch(cleaned), (
            f"{field_class.__name__} accepted {value!r} as {cleaned!r}"
        )

    check()
