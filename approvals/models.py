import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from accounts.model_fields import EncryptedDateField, EncryptedTextField
from accounts.models import EmailVerification, ProfessionalContact
from organizations.models import Community, Organization, UserGroup
from organizations.roles import Role


def _pending_queue_index(scope: str, other_scope: str, *, name: str) -> models.Index:
    """Submitted requests by ``scope``, oldest first, then what the queue's filter reads."""
    return models.Index(
        fields=[scope, "submitted_at", "id", "role", other_scope, "applicant", "ssn_digest"],
        condition=models.Q(status="submitted"),  # AccessRequest.Status.SUBMITTED
        name=name,
    )


class AccessRequest(ConcurrentTransitionMixin, ProfessionalContact):
    """A request for a role: a registration draft, then a submitted request, then a decision.

    The status changes only through the transition methods below (the field is protected).
    """

    class Kind(models.TextChoices):
        REGISTRATION = "registration", "New user registration"
        ADDITIONAL_ROLE = "additional_role", "Additional role"
        ASSOCIATION = "association", "Surrogate group association"

    class GroupAction(models.TextChoices):
        CREATE_PROVIDER = "create_provider", "Create a provider user group"
        CREATE_SURROGATE = "create_surrogate", "Create a surrogate user group"
        JOIN = "join", "Administer an existing user group"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Pending approval"
        APPROVED = "approved", "Approved"
        DENIED = "denied", "Denied"
        CANCELLED = "cancelled", "Cancelled"
        EXPIRED = "expired", "Expired"

    class DenialReason(models.TextChoices):
        NOT_EMPLOYED = "not_employed", "The applicant does not work for this organization"
        NOT_NEEDED = "not_needed", "The role is not needed for the applicant's duties"
        UNVERIFIED = "unverified", "The applicant's identity or details could not be confirmed"
        DUPLICATE = "duplicate", "The applicant already has this access"
        OTHER = "other", "Another reason (explained below)"

    kind = models.CharField(max_length=20, choices=Kind, default=Kind.REGISTRATION)
    status = FSMField(max_length=10, choices=Status, default=Status.DRAFT, protected=True)
    tracking_number = models.CharField(max_length=20, unique=True, null=True, blank=True)
    role = models.CharField(max_length=30, choices=Role, blank=True)
    community = models.ForeignKey(Community, on_delete=models.PROTECT)
    organization = models.ForeignKey(
        Organization,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="access_requests",
    )
    group = models.ForeignKey(
        UserGroup,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="access_requests",
    )
    group_action = models.CharField(max_length=20, choices=GroupAction, blank=True)
    # What the role's own step entered before it exists as a row: the organization a Security
    # Official registers, the group a UGA creates, an Individual Practitioner's practice.
    # Validated by that step's form; the organization and group rows are made on submission.
    details = models.JSONField(default=dict, blank=True)
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="access_requests",
    )

    # User Information, checked against SSA. The SSN and date of birth are encrypted at rest
    # (ADR 10); the last four digits are for display, the keyed digest for recognising the same
    # person again.
    first_name = models.CharField(max_length=100, blank=True)
    middle_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100, blank=True)
    suffix = models.CharField(max_length=20, blank=True)
    date_of_birth = EncryptedDateField(null=True, blank=True)
    ssn = EncryptedTextField("SSN", blank=True, default="", editable=False)
    ssn_last4 = models.CharField(max_length=4, blank=True)
    ssn_digest = models.CharField(max_length=64, blank=True)
    email = models.EmailField(blank=True)
    email_verification = models.ForeignKey(
        EmailVerification, on_delete=models.SET_NULL, null=True, blank=True
    )

    justification = models.TextField(blank=True)
    completed_steps = models.JSONField(default=list, blank=True)
    terms_accepted_at = models.DateTimeField(null=True, blank=True)
    role_terms_accepted_at = models.DateTimeField(null=True, blank=True)
    ssa_verified_at = models.DateTimeField(null=True, blank=True)

    created_at = models.DateTimeField(default=timezone.now)
    last_activity_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    denial_reason = models.CharField(max_length=20, choices=DenialReason, blank=True)
    decision_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-submitted_at", "-created_at"]
        indexes = [
            # The Pending Approvals queue (routing.decidable_requests): the submitted requests of
            # an organization or of a group in the queue's order, with every column its filter
            # reads, so that its count, its filters' places and a page's ids are read from the
            # index alone (ADR 18).
            _pending_queue_index("organization", "group", name="request_pending_organization"),
            _pending_queue_index("group", "organization", name="request_pending_group"),
            models.Index(fields=["ssn_digest"], name="request_person"),
            # The CMS approvers' queue is every pending request of a role (SO, practitioner),
            # oldest first (ADR 18).
            models.Index(fields=["status", "role", "submitted_at"], name="request_role_queue"),
        ]
        permissions = [
            (
                "decide_staff_requests",
                "Can decide Security Official and Individual Practitioner requests (CMS approver)",
            ),
            ("resend_request_email", "Can resend a request's acknowledgement email"),
        ]

    def __str__(self) -> str:
        return self.tracking_number or f"Draft {self.pk}"

    @property
    def applicant_name(self) -> str:
        parts = [self.first_name, self.middle_name, self.last_name, self.suffix]
        return " ".join(part for part in parts if part)

    @property
    def is_registration(self) -> bool:
        return self.kind == self.Kind.REGISTRATION

    @property
    def where(self) -> str:
        """Where the role would be held, in words: "at Org", "in group G at Org", or ""."""
        if self.group_id:
            return f"in the user group {self.group.name} at {self.group.organization.legal_name}"
        if self.organization_id:
            return f"at {self.organization.legal_name}"
        return ""

    @property
    def summary(self) -> str:
        """The role asked for and where, e.g. "User Group Administrator at Clinic"."""
        return " ".join(part for part in [self.get_role_display(), self.where] if part)

    @property
    def masked_ssn(self) -> str:
        return f"***-**-{self.ssn_last4}" if self.ssn_last4 else ""

    def is_stale_draft(self) -> bool:
        cutoff = timezone.now() - settings.REGISTRATION_DRAFT_TTL
        return self.status == self.Status.DRAFT and self.last_activity_at < cutoff

    @transition(field=status, source=Status.DRAFT, target=Status.SUBMITTED)
    def submit(self) -> None:
        self.submitted_at = timezone.now()
        self.tracking_number = self._new_tracking_number()

    @transition(field=status, source=Status.SUBMITTED, target=Status.APPROVED)
    def approve(self, *, by) -> None:
        self.decided_at = timezone.now()
        self.decided_by = by

    @transition(field=status, source=Status.SUBMITTED, target=Status.DENIED)
    def deny(self, *, by, reason: str, note: str) -> None:
        self.decided_at = timezone.now()
        self.decided_by = by
        self.denial_reason = reason
        self.decision_note = note

    @transition(field=status, source=Status.SUBMITTED, target=Status.CANCELLED)
    def cancel(self, *, by) -> None:
        """The applicant withdraws their pending request."""
        self.decided_at = timezone.now()
        self.decided_by = by

    @transition(field=status, source=Status.SUBMITTED, target=Status.EXPIRED)
    def expire(self) -> None:
        """Nobody decided it within PENDING_REQUEST_TTL."""
        self.decided_at = timezone.now()

    @property
    def expires_at(self):
        if self.submitted_at is None:
            return None
        return self.submitted_at + settings.PENDING_REQUEST_TTL

    @staticmethod
    def _new_tracking_number() -> str:
        """A random tracking number, not yet checked: the submit's UPDATE takes it only while
        no other request has it (``submitting._save_submission``), and the column is unique."""
        digits = f"{secrets.randbelow(10**10):010d}"
        return f"IR-{digits[:5]}-{digits[5:]}"
