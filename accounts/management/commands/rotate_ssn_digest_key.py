"""Recompute every SSN digest under the current SSN_DIGEST_KEY, from the encrypted SSN.

Steps (docs/account-security.md): stop the portal (a registration between the key change and
this command would miss a duplicate), set SSN_DIGEST_KEY to the new key, run this command,
start the portal.
"""

from django.core.management.base import BaseCommand

from accounts.rotation import ssn_digests_recompute


class Command(BaseCommand):
    help = "Recomputes every ssn_digest under the current SSN_DIGEST_KEY from the stored SSN."

    def handle(self, *args, **options):
        report = ssn_digests_recompute()
        for label, count in report.rewritten.items():
            self.stdout.write(f"{label}: {count} digests recomputed")
            if report.skipped[label]:
                self.stdout.write(
                    self.style.WARNING(
                        f"{label}: {report.skipped[label]} rows have no stored SSN (made before "
                        "it was kept): their digests were left as they are and will no longer "
                        "match a registration under the new key."
                    )
                )
        self.stdout.write(self.style.SUCCESS("Digests recomputed."))
