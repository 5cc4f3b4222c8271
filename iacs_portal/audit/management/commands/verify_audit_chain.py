"""Check the audit trail end to end: exit 0 if every hash and link holds, 1 at the first break."""

from django.core.management.base import BaseCommand, CommandError

from iacs_portal.audit.services import audit_chain_verify


class Command(BaseCommand):
    help = "Recompute every audit event's hash in order and report the first one that does not fit."

    def handle(self, *args, **options):
        check = audit_chain_verify()
        if check.intact:
            self.stdout.write(
                self.style.SUCCESS(f"Verified {check.verified} audit events: the chain is intact.")
            )
            return
        event = check.broken_event
        where = (
            f"event {event.pk} ({event.at.isoformat()}, {event.action})"
            if event is not None
            else "the chain head"
        )
        raise CommandError(
            f"Audit chain broken at {where}: {check.problem}. "
            f"{check.verified} events before it verified."
        )
