"""Idempotent demo data: communities, questions, approved organizations and their SOs.

Run by `make run`. The SO accounts it prints are listed in the README; the people a newcomer
can register as are in accounts/data/ssa_demo.csv.
"""

from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.models import AuthenticationQuestion, User
from accounts.questions import ensure_questions
from accounts.services import user_change_password, user_set_authentication_answers
from organizations.communities import ensure_communities
from organizations.models import Community, Organization
from organizations.roles import Role
from organizations.services import role_assign

DEMO_PASSWORD = "Demo-Portal-Passphrase-2026"
DEMO_ANSWER = "demo"

ORGANIZATIONS = [
    # (legal name, EIN, city, state, ZIP, community, SO User ID, SO first, SO last)
    ("Chesapeake Family Medicine LLC", "521234567", "Baltimore", "MD", "21201",
     "provider-supplier", "DEMOSO1", "Dana", "Reyes"),
    ("Lone Star Cardiology Associates", "741234568", "Austin", "TX", "78701",
     "provider-supplier", "DEMOSO2", "Marcus", "Bell"),
    ("Pacific Coast Home Health Inc", "941234569", "Sacramento", "CA", "95814",
     "provider-supplier", "DEMOSO3", "Priya", "Nair"),
    ("Chesapeake Pediatric Partners", "521234570", "Annapolis", "MD", "21401",
     "provider-supplier", "DEMOSO4", "Owen", "Hart"),
    ("Great Lakes Medicare Services", "381234571", "Detroit", "MI", "48226",
     "fi-carrier-mac", "DEMOSO5", "Lena", "Kowalski"),
]  # fmt: skip

PENDING_ORGANIZATION = ("Blue Ridge Rural Clinic", "541234572", "Roanoke", "VA", "24011")


class Command(BaseCommand):
    help = "Load demo communities, organizations and Security Official accounts (idempotent)."

    @transaction.atomic
    def handle(self, *args, **options):
        ensure_communities(Community)
        ensure_questions(AuthenticationQuestion)
        questions = list(AuthenticationQuestion.objects.all()[:2])
        rows = []
        for name, ein, city, state, zip_code, community, user_id, first, last in ORGANIZATIONS:
            organization = self._organization(name, ein, city, state, zip_code, community)
            user, created = User.objects.get_or_create(
                username=user_id,
                defaults={
                    "first_name": first,
                    "last_name": last,
                    "email": f"{user_id.lower()}@demo.example.org",
                    "company_name": name,
                },
            )
            if created:
                user_change_password(user=user, new_password=DEMO_PASSWORD)
                user_set_authentication_answers(
                    user=user, answers=dict.fromkeys(questions, DEMO_ANSWER)
                )
            role_assign(
                user=user, role=Role.SECURITY_OFFICIAL, organization=organization, granted_by=None
            )
            rows.append((user_id, f"{first} {last}", name, f"{city}, {state}"))
        self._organization(
            *PENDING_ORGANIZATION, "provider-supplier", status=Organization.Status.PENDING
        )

        self.stdout.write(self.style.SUCCESS("Demo data ready. Security Official accounts:"))
        for user_id, person, organization, place in rows:
            self.stdout.write(f"  {user_id:8} {person:16} SO of {organization} ({place})")
        self.stdout.write(f"  Password for each: {DEMO_PASSWORD}")
        self.stdout.write("  People you can register as: accounts/data/ssa_demo.csv")

    @staticmethod
    def _organization(
        name, ein, city, state, zip_code, community, status=Organization.Status.APPROVED
    ):
        organization, _ = Organization.objects.update_or_create(
            ein=ein,
            defaults={
                "legal_name": name,
                "address_line1": "100 Main Street",
                "city": city,
                "state": state,
                "zip_code": zip_code,
                "community": Community.objects.get(slug=community),
                "status": status,
            },
        )
        return organization
