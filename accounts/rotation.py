"""Key rotation over every model, found through the app registry (accounts imports no app).

- ``encrypted_values_reencrypt``: every value of every encrypted field (accounts.model_fields)
  re-encrypted under the first key of FIELD_ENCRYPTION_KEYS.
- ``ssn_digests_recompute``: every ``ssn_digest`` recomputed under the current SSN_DIGEST_KEY
  from the encrypted SSN beside it, on each model that has both fields.
"""

from dataclasses import dataclass, field

from django.apps import apps
from django.db import transaction
from django.db.models import TextField
from django.db.models.functions import Cast

from .crypto import encrypted_with_current_key
from .identity import ssn_digest


@dataclass
class RotationReport:
    rewritten: dict[str, int] = field(default_factory=dict)
    skipped: dict[str, int] = field(default_factory=dict)  # already current, or no SSN


def _encrypted_fields(model) -> list[str]:
    return [f.attname for f in model._meta.concrete_fields if getattr(f, "encrypted", False)]


def encrypted_values_reencrypt(*, batch_size: int = 500) -> RotationReport:
    report = RotationReport()
    for model in apps.get_models():
        names = _encrypted_fields(model)
        if not names:
            continue
        label = model._meta.label
        report.rewritten[label] = report.skipped[label] = 0
        with transaction.atomic():
            for pk, *stored in _stored_tokens(model, names).iterator(chunk_size=batch_size):
                if all(not token or encrypted_with_current_key(token) for token in stored):
                    report.skipped[label] += 1
                    continue
                row = model._base_manager.get(pk=pk)
                # Saving the decrypted values encrypts them under the first key.
                model._base_manager.filter(pk=pk).update(
                    **{name: getattr(row, name) for name in names}
                )
                report.rewritten[label] += 1
    return report


def _stored_tokens(model, names):
    """Each row's pk and its stored tokens as text: a cast to a plain text field bypasses the
    encrypted fields' decryption (their ``from_db_value``)."""
    stored = {f"stored_{name}": Cast(name, output_field=TextField()) for name in names}
    return model._base_manager.order_by("pk").annotate(**stored).values_list("pk", *stored)


def ssn_digests_recompute(*, batch_size: int = 500) -> RotationReport:
    report = RotationReport()
    for model in apps.get_models():
        names = {f.name for f in model._meta.concrete_fields}
        if not {"ssn", "ssn_digest"} <= names:
            continue
        label = model._meta.label
        report.rewritten[label] = report.skipped[label] = 0
        with transaction.atomic():
            rows = model._base_manager.order_by("pk")
            for row in rows.iterator(chunk_size=batch_size):
                if not row.ssn:
                    # Made before the SSN was kept (ADR 10): its digest cannot be recomputed.
                    report.skipped[label] += 1
                    continue
                digest = ssn_digest(row.ssn)
                if digest != row.ssn_digest:
                    model._base_manager.filter(pk=row.pk).update(ssn_digest=digest)
                report.rewritten[label] += 1
    return report
