"""The communities of SPEC 2, created by a data migration and kept by the demo data command."""

from .roles import Role

ALL_ROLES = [role.value for role in Role]

COMMUNITIES = [
    {
        "slug": "provider-supplier",
        "name": "Provider/Supplier Community",
        "description": "Medicare physicians, providers and suppliers, their staff, and the "
        "companies working on their behalf.",
        "offered_roles": ALL_ROLES,
        "order": 1,
    },
    {
        "slug": "fi-carrier-mac",
        "name": "FI/Carrier/MAC Community",
        "description": "Users who work within Medicare Fee-for-Service contracting organizations: "
        "Fiscal Intermediaries, Carriers and Medicare Administrative Contractors.",
        "offered_roles": ALL_ROLES,
        "order": 2,
    },
]


def ensure_communities(community_model) -> None:
    for data in COMMUNITIES:
        community_model.objects.update_or_create(
            slug=data["slug"], defaults={k: v for k, v in data.items() if k != "slug"}
        )
