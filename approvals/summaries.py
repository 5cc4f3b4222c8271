"""What a request says, in labelled sections, for the review page and the approver's page."""

from dataclasses import dataclass, field

from django.urls import reverse

from .registration.steps import Step


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


def request_sections(request, *, editable: bool = False) -> list[Section]:
    def edit(step: Step) -> str:
        return reverse(f"registration:{step.value}") if editable else ""

    address = ", ".join(
        part for part in [request.address_line1, request.address_line2, request.city,
                          request.state, request.zip_code] if part
    )  # fmt: skip
    phone = request.work_phone + (
        f" ext. {request.phone_extension}" if request.phone_extension else ""
    )
    sections = [
        Section("Request", [
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
    if request.organization_id:
        organization = request.organization
        sections.append(Section("Organization", [
            {"label": "Organization", "value": organization.legal_name},
            {"label": "Location", "value": f"{organization.city}, {organization.get_state_display()}"},
        ], edit_url=edit(Step.ORGANIZATION), slug="organization"))  # fmt: skip
    sections.append(Section("Justification for Action", [
        {"label": "Justification", "value": request.justification},
    ], edit_url=edit(Step.JUSTIFICATION), slug="justification"))  # fmt: skip
    return sections
