"""Audit events, each sealed by a SHA-256 hash that also covers the event before it.

Why a chain, and what it does and does not prove: docs/decisions/0006-audit-trail.md.
"""

import hashlib
import json
from datetime import UTC

from django.conf import settings
from django.db import models

GENESIS_HASH = "0" * 64  # the "previous hash" of the first event


class AuditTrailIsAppendOnly(Exception):
    """Raised when code tries to change or remove an audit event."""


class AuditChainHeadMissing(Exception):
    """Events exist but the chain head row does not: someone removed it. Nothing is appended."""


class AuditEventQuerySet(models.QuerySet):
    # Django's deletion collector nulls ``actor`` through the base manager, not this one, so
    # deleting a user still works (and the PostgreSQL trigger allows exactly that change).
    def update(self, **kwargs):
        raise AuditTrailIsAppendOnly("Audit events cannot be updated.")

    def delete(self):
        raise AuditTrailIsAppendOnly("Audit events cannot be deleted.")


class AuditEvent(models.Model):
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The User ID at the time, kept when the account is deleted; empty for the system.
    actor_label = models.CharField("actor (User ID)", max_length=150, blank=True)
    client_address = models.GenericIPAddressField(null=True, blank=True)
    action = models.CharField(max_length=64)  # e.g. "request.approved", "role.revoked"
    target_type = models.CharField(max_length=100)  # model label, e.g. "approvals.accessrequest"
    target_id = models.CharField(max_length=64)
    from_state = models.CharField(max_length=64, blank=True)
    to_state = models.CharField(max_length=64, blank=True)
    reason = models.TextField(blank=True)
    # Unique: even if the lock were bypassed, two events could not share a predecessor.
    previous_hash = models.CharField(max_length=64, unique=True)
    hash = models.CharField(max_length=64, unique=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["id"]  # chain order: events are appended one at a time under a lock
        indexes = [
            models.Index(fields=["target_type", "target_id"], name="audit_event_target"),
            models.Index(fields=["at"], name="audit_event_at"),
        ]

    def __str__(self):
        who = self.actor_label or "system"
        return f"{self.at:%Y-%m-%d %H:%M:%S} {self.action} {self.target_type}#{self.target_id} by {who}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AuditTrailIsAppendOnly("Audit events cannot be updated.")
        kwargs["force_insert"] = True
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditTrailIsAppendOnly("Audit events cannot be deleted.")

    def canonical(self) -> str:
        """The event's own fields as sorted-key JSON: what its hash seals.

        ``actor_id`` is deliberately absent: deleting a user sets it to NULL (SET_NULL), which
        must not look like tampering. The User ID in ``actor_label`` is what is sealed.
        """
        return json.dumps(
            {
                "at": self.at.astimezone(UTC).isoformat(timespec="microseconds"),
                "actor_label": self.actor_label,
                "client_address": self.client_address,
                "action": self.action,
                "target_type": self.target_type,
                "target_id": self.target_id,
                "from_state": self.from_state,
                "to_state": self.to_state,
                "reason": self.reason,
            },
            sort_keys=True,
            separators=(",", ":"),
            ensure_ascii=False,
        )

    def compute_hash(self, previous_hash: str) -> str:
        digest = hashlib.sha256(previous_hash.encode("ascii"))
        digest.update(self.canonical().encode("utf-8"))
        return digest.hexdigest()


class AuditChainHead(models.Model):
    """One row holding the newest event's hash; locking it serialises appends.

    Every append locks this row (SELECT ... FOR UPDATE) inside the caller's transaction, so two
    transactions can never chain to the same predecessor. It also lets the verifier notice that
    the newest events were deleted.
    """

    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    hash = models.CharField(max_length=64, default=GENESIS_HASH)

    class Meta:
        constraints = [
            models.CheckConstraint(condition=models.Q(id=1), name="audit_head_single_row")
        ]

    def __str__(self):
        return f"audit chain head {self.hash[:12]}…"
