"""Re-encrypt every SSN and date of birth under the first key of FIELD_ENCRYPTION_KEYS.

Steps (docs/account-security.md): put the new key first in FIELD_ENCRYPTION_KEYS, keep the old
ones after it, deploy, run this command, then remove the old keys.
"""

from django.core.management.base import BaseCommand

from accounts.rotation import encrypted_values_reencrypt


class Command(BaseCommand):
    help = "Re-encrypts every encrypted value (SSN, date of birth) under the first key."

    def handle(self, *args, **options):
        report = encrypted_values_reencrypt()
        for label, count in report.rewritten.items():
            self.stdout.write(
                f"{label}: {count} re-encrypted, {report.skipped[label]} already current"
            )
        self.stdout.write(self.style.SUCCESS("Every encrypted value now uses the first key."))
