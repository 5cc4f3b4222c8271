"""An Individual Practitioner's registration in the browser, up to its tracking number: the
shortest whole journey (no organization, no two-factor setup for the new user)."""

from tests.registration import Person

from .journey import Journey

ROLE_AFTER_APPROVAL = {
    "Role": "Individual Practitioner",
    "Organization": "None (personal)",
    "User group": "—",
    "Status": "Active",
}


def practitioner_registers(journey: Journey, person: Person) -> str:
    """From the warning screen to the acknowledgement; returns the tracking number."""
    page = journey.page
    journey.enter_portal()
    journey.start_registration("Individual Practitioner")
    journey.enter_user_information(person)
    journey.verify_email(person)
    journey.enter_contact(
        person,
        company=f"{person.first_name} {person.last_name} MD",
        street="7 Church Circle",
        city="Frederick",
        state="Maryland",
        zip_code="21701",
    )
    assert journey.sees_heading("Practice Information")
    assert page.get_by_label("Practice name").input_value() == (
        f"{person.first_name} {person.last_name} MD"
    )
    page.get_by_label("NPI", exact=True).fill("1234567893")
    journey.press("Next")
    journey.justify("I bill Medicare for my own patients.")
    assert journey.review_shows("Practice", "NPI") == "1234567893"
    return journey.submit()
