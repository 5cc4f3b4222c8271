from django.conf import settings
from django.db import models
from django.db.models.functions import Upper
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

    legal_name = models.CharField("legal business name", max_length=200)
    ein = models.CharField("EIN/TIN", max_length=9, unique=True, help_text="Nine digits.")
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

    class Meta:
        ordering = ["legal_name"]
        indexes = [
            models.Index(fields=["status", "country", "state"], name="org_search_scope"),
            models.Index(Upper("legal_name"), name="org_legal_name_upper"),
        ]

    def __str__(self) -> str:
        return self.legal_name

    @property
    def location(self) -> str:
        return f"{self.city}, {self.state}"


class RoleAssignment(models.Model):
    """A role one person holds, in an organization where the role has one."""

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
    status = models.CharField(max_length=10, choices=Status, default=Status.ACTIVE)
    granted_at = models.DateTimeField(default=timezone.now)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        ordering = ["-granted_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "organization"],
                condition=models.Q(status="active"),
                name="one_active_role_per_org",
            )
        ]

    def __str__(self) -> str:
        where = f" at {self.organization}" if self.organization_id else ""
        return f"{self.get_role_display()}{where}"
