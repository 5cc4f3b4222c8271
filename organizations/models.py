from django.conf import settings
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Lower, Upper
from django.utils import timezone

from accounts.geo import COUNTRIES, US_STATES_AND_TERRITORIES

from .roles import Role


class Community(models.Model):
    """A CMS user community (SPEC 2); data managed in the admin, with the roles it offers."""

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=100, unique=True)
    description = models.TextField(help_text="The business relationship with CMS it describes.")
    offered_roles = models.JSONField(default=list, help_text='Role codes offered, e.g. ["bso"].')
    order = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["order", "name"]
        verbose_name_plural = "communities"

    def __str__(self) -> str:
        return self.name

    def offers(self, role: str) -> bool:
        return role in self.offered_roles


class Organization(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        APPROVED = "approved", "Approved"
        SUSPENDED = "suspended", "Suspended"
        DENIED = "denied", "Not approved"

    legal_name = models.CharField("legal business name", max_length=200)
    ein = models.CharField("EIN/TIN", max_length=9, help_text="Nine digits.")
    npi = models.CharField("NPI", max_length=10, blank=True)
    ccn_ptan = models.CharField("CCN/PTAN", max_length=20, blank=True)
    address_line1 = models.CharField("address line 1", max_length=200)
    address_line2 = models.CharField("address line 2", max_length=200, blank=True)
    city = models.CharField(max_length=100)
    country = models.CharField(max_length=2, choices=COUNTRIES, default="US")
    state = models.CharField("state or territory", max_length=2, choices=US_STATES_AND_TERRITORIES)
    zip_code = models.CharField("ZIP code", max_length=10)
    community = models.ForeignKey(Community, on_delete=models.PROTECT, related_name="organizations")
    status = models.CharField(max_length=10, choices=Status, default=Status.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["legal_name"]
        constraints = [
            # An organization is registered once. One that CMS did not approve frees its EIN.
            models.UniqueConstraint(
                fields=["ein"], condition=~Q(status="denied"), name="one_organization_per_ein"
            )
        ]
        indexes = [
            models.Index(fields=["status", "country", "state"], name="org_search_scope"),
            models.Index(Upper("legal_name"), name="org_legal_name_upper"),
            # Part of a name anywhere: legal_name__icontains is UPPER(legal_name) LIKE
            # UPPER('%x%') on PostgreSQL, which a trigram index on that expression serves.
            # PostgreSQL only (migration 0006 skips it elsewhere; ADR 18).
            GinIndex(OpClass(Upper("legal_name"), name="gin_trgm_ops"), name="org_legal_name_trgm"),
            # The wizard's search names a state: with the state in the same GIN index (btree_gin)
            # only that state's matches are read from the table (migration 0007; ADR 18).
            GinIndex(
                F("state"),
                OpClass(Upper("legal_name"), name="gin_trgm_ops"),
                name="org_state_name_trgm",
            ),
        ]
        permissions = [
            (
                "change_organization_status",
                "Can approve, deny, suspend or reinstate an organization",
            ),
            (
                "reseat_security_official",
                "Can hand an organization's Security Official role to another person",
            ),
        ]

    def __str__(self) -> str:
        return self.legal_name

    @property
    def location(self) -> str:
        return f"{self.city}, {self.state}"


class UserGroup(models.Model):
    """A group of end users in a provider organization, run by its User Group Administrators.

    A provider group is formed inside the organization. A surrogate group is run by an outside
    company (a billing company, a contractor) for that one provider organization: a company that
    works for three organizations has three surrogate groups (SPEC 3).
    """

    class Kind(models.TextChoices):
        PROVIDER = "provider", "Provider user group"
        SURROGATE = "surrogate", "Surrogate user group"

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        APPROVED = "approved", "Approved"
        DENIED = "denied", "Not approved"

    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="user_groups"
    )
    kind = models.CharField(max_length=10, choices=Kind)
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True)
    # The outside company that runs a surrogate group; empty for a provider group.
    company_name = models.CharField("company name", max_length=200, blank=True)
    company_ein = models.CharField("company EIN/TIN", max_length=9, blank=True)
    company_address_line1 = models.CharField("company address", max_length=200, blank=True)
    company_city = models.CharField("company city", max_length=100, blank=True)
    company_state = models.CharField(
        "company state or territory", max_length=2, blank=True, choices=US_STATES_AND_TERRITORIES
    )
    company_zip_code = models.CharField("company ZIP code", max_length=10, blank=True)
    company_phone = models.CharField("company phone", max_length=20, blank=True)
    status = models.CharField(max_length=10, choices=Status, default=Status.PENDING)
    created_at = models.DateTimeField(default=timezone.now)
    approved_at = models.DateTimeField(null=True, blank=True)

    COMPANY_FIELDS = (
        "company_name", "company_ein", "company_address_line1", "company_city",
        "company_state", "company_zip_code", "company_phone",
    )  # fmt: skip

    class Meta:
        ordering = ["organization__legal_name", "name"]
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                "organization",
                condition=~Q(status="denied"),
                name="one_group_name_per_organization",
            ),
            models.CheckConstraint(
                condition=Q(kind="provider") | ~Q(company_name=""),
                name="surrogate_group_has_company",
            ),
        ]
        permissions = [("change_usergroup_status", "Can approve or deny a user group")]

    def __str__(self) -> str:
        return f"{self.name} ({self.organization})"

    @property
    def is_surrogate(self) -> bool:
        return self.kind == self.Kind.SURROGATE

    def company_values(self) -> dict:
        return {name: getattr(self, name) for name in self.COMPANY_FIELDS}


class RoleAssignment(models.Model):
    """A role one person holds: in an organization, in a user group of it, or on its own."""

    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        REVOKED = "revoked", "Revoked"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="role_assignments"
    )
    role = models.CharField(max_length=30, choices=Role)
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="role_assignments",
    )
    group = models.ForeignKey(
        UserGroup,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="role_assignments",
    )
    status = models.CharField(max_length=10, choices=Status, default=Status.ACTIVE)
    granted_at = models.DateTimeField(default=timezone.now)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Set when an SO, BSO or UGA removes the role (organizations.services.role_revoke).
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    revocation_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-granted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "organization", "group"],
                condition=Q(status="active"),
                name="one_active_role_per_scope",
            )
        ]

    def __str__(self) -> str:
        if self.group_id:
            return f"{self.get_role_display()}, {self.group.name} at {self.group.organization}"
        where = f" at {self.organization}" if self.organization_id else ""
        return f"{self.get_role_display()}{where}"
