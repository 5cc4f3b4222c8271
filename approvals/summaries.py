"""What a request says, in labelled sections, for the review page and the approver's page."""

from dataclasses import dataclass, field

from django.urls import reverse

from accounts.geo import COUNTRIES, US_STATES_AND_TERRITORIES

from .registration.steps import Step, sequence

STATES = dict(US_STATES_AND_TERRITORIES)
COUNTRY_NAMES = dict(COUNTRIES)


@dataclass
class Section:
    title: str
    items: list[dict]
    edit_url: str = ""
    slug: str = field(default="")


def user_information(request) -> Section:
    return Section("User Information", [
        {"label": "Name", "value": request.applicant_name},
        {"label": "Date of birth", "value": request.date_of_birth.strftime("%m/%d/%Y") if request.date_of_birth else ""},
        {"label": "Social Security number", "value": request.masked_ssn},
        {"label": "Email address", "value": request.email},
    ], slug="user-information")  # fmt: skip


def _address(values: dict, prefix: str = "") -> str:
    parts = [values.get(f"{prefix}address_line1"), values.get(f"{prefix}address_line2"),
             values.get(f"{prefix}city"), values.get(f"{prefix}state"),
             values.get(f"{prefix}zip_code")]  # fmt: skip
    return ", ".join(part for part in parts if part)


def _organization_items(request) -> list[dict]:
    """The organization: the one chosen, or the one a Security Official registers."""
    if request.organization_id:
        organization = request.organization
        values = {
            "legal_name": organization.legal_name, "ein": organization.ein,
            "npi": organization.npi, "ccn_ptan": organization.ccn_ptan,
            "city": organization.city, "state": organization.state,
        }  # fmt: skip
        if request.role != "so":
            return [
                {"label": "Organization", "value": organization.legal_name},
                {"label": "Location", "value": f"{organization.city}, {STATES.get(organization.state, '')}"},
            ]  # fmt: skip
        values.update({"address_line1": organization.address_line1,
                       "address_line2": organization.address_line2,
                       "zip_code": organization.zip_code, "country": organization.country})  # fmt: skip
    else:
        values = request.details.get("organization")
        if not values:
            return []
    return [
        {"label": "Legal business name", "value": values["legal_name"]},
        {"label": "EIN/TIN", "value": f"{values['ein'][:2]}-{values['ein'][2:]}"},
        {"label": "NPI", "value": values.get("npi") or "Not given"},
        {"label": "CCN or PTAN", "value": values.get("ccn_ptan") or "Not given"},
        {"label": "Address", "value": _address(values)},
        {"label": "Country", "value": COUNTRY_NAMES.get(values.get("country", ""), "")},
    ]


def _group_items(request) -> list[dict]:
    """The user group: the one chosen, or the one a UGA asks to create."""
    action = request.get_group_action_display() if request.group_action else ""
    items = [{"label": "Action", "value": action}] if action else []
    if request.group_id:
        group = request.group
        values = {"name": group.name, "description": group.description, **group.company_values()}
        kind = group.get_kind_display()
    else:
        values = request.details.get("group")
        if not values:
            return items
        kind = "Surrogate user group" if values.get("company_name") else "Provider user group"
    items += [
        {"label": "User group", "value": values["name"]},
        {"label": "Kind", "value": kind},
        {"label": "Description", "value": values.get("description", "")},
    ]
    if values.get("company_name"):
        items += [
            {"label": "Company", "value": values["company_name"]},
            {"label": "Company address", "value": _address(values, "company_")},
            {"label": "Company phone", "value": values.get("company_phone", "")},
        ]
    return items


def _practice_items(request) -> list[dict]:
    values = request.details.get("practice")
    if not values:
        return []
    return [
        {"label": "Practice name", "value": values["practice_name"]},
        {"label": "NPI", "value": values["npi"]},
        {"label": "TIN", "value": values.get("tin") or "Not given"},
        {"label": "Practice address", "value": _address(values)},
    ]


def request_sections(request, *, editable: bool = False) -> list[Section]:
    steps = sequence(request.role, request.kind)

    def edit(step: Step) -> str:
        return reverse(f"registration:{step.value}") if editable and step in steps else ""

    address = _address(request.contact_values())
    phone = request.work_phone + (
        f" ext. {request.phone_extension}" if request.phone_extension else ""
    )
    sections = [
        Section("Request", [
            {"label": "Request", "value": request.get_kind_display()},
            {"label": "Community", "value": request.community.name},
            {"label": "Role", "value": request.get_role_display()},
        ], slug="request"),
        user_information(request),
        Section("Professional Contact Information", [
            {"label": "Company name", "value": request.company_name},
            {"label": "Address", "value": address},
            {"label": "Country", "value": request.get_country_display()},
            {"label": "Work phone", "value": phone},
            {"label": "Work email", "value": request.work_email},
        ], edit_url=edit(Step.CONTACT), slug="contact"),
    ]  # fmt: skip
    organization_step = Step.NEW_ORGANIZATION if request.role == "so" else Step.ORGANIZATION
    for title, items, step, slug in [
        ("Organization", _organization_items(request), organization_step, "organization"),
        ("User Group", _group_items(request), Step.USER_GROUP, "user-group"),
        ("Practice", _practice_items(request), Step.PRACTICE, "practice"),
    ]:
        if items:
            sections.append(Section(title, items, edit_url=edit(step), slug=slug))
    sections.append(Section("Justification for Action", [
        {"label": "Justification", "value": request.justification},
    ], edit_url=edit(Step.JUSTIFICATION), slug="justification"))  # fmt: skip
    return sections
