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
    journey.enter_portal()
    journey.start_registration("Individual Practitioner")
    journey.enter_user_information(person)
    journey.verify_email(person)
    return practice_submitted(journey, person)


def practice_submitted(journey: Journey, person) -> str:
    """The role's part, from Professional Contact Information to the acknowledgement, for a
    new registration or a signed-in user's request (``person`` is then the User)."""
    page = journey.page
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
