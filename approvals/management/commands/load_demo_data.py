"""Idempotent demo data: communities, questions, approved organizations, their SOs, user
groups with their administrators, and a CMS approver at the help desk.

Run by `make run`. The accounts it prints are listed in the README; the people a newcomer can
register as are in accounts/data/ssa_demo.csv.
"""

from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction

from accounts.models import AuthenticationQuestion, User
from accounts.questions import ensure_questions
from accounts.services import user_change_password, user_set_authentication_answers
from organizations.communities import ensure_communities
from organizations.models import Community, Organization, UserGroup
from organizations.roles import Role
from organizations.services import role_assign

DEMO_PASSWORD = "Demo-Portal-Passphrase-2026"  # nosec B105 # the demo accounts' published password
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

SURROGATE_COMPANY = {
    "company_name": "Summit Billing Services",
    "company_ein": "261234573",
    "company_address_line1": "400 Commerce Drive",
    "company_city": "Columbia",
    "company_state": "MD",
    "company_zip_code": "21044",
    "company_phone": "410-555-0190",
}
USER_GROUPS = [
    # (User ID, first, last, organization EIN, group name, kind, description)
    ("DEMOUGA1", "Nadia", "Brooks", "521234567", "Billing Office", UserGroup.Kind.PROVIDER,
     "Claims and eligibility staff."),
    ("DEMOUGA2", "Victor", "Lam", "741234568", "Summit Billing for Lone Star",
     UserGroup.Kind.SURROGATE, "Summit Billing Services staff working for Lone Star."),
]  # fmt: skip
STAFF_APPROVER = ("DEMOHD1", "Hana", "Diaz")
HELP_DESK_AGENT = ("DEMOHD2", "Omar", "Reyes")


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
            user = self._person(user_id, first, last, questions, company=name)
            role_assign(
                user=user, role=Role.SECURITY_OFFICIAL, organization=organization, granted_by=None
            )
            rows.append((user_id, f"{first} {last}", f"SO of {name}", f"{city}, {state}"))
        self._organization(
            *PENDING_ORGANIZATION, "provider-supplier", status=Organization.Status.PENDING
        )
        for user_id, first, last, ein, group_name, kind, description in USER_GROUPS:
            organization = Organization.objects.get(ein=ein)
            group, _ = UserGroup.objects.update_or_create(
                organization=organization,
                name=group_name,
                defaults={
                    "kind": kind,
                    "description": description,
                    "status": UserGroup.Status.APPROVED,
                    **(SURROGATE_COMPANY if kind == UserGroup.Kind.SURROGATE else {}),
                },
            )
            user = self._person(user_id, first, last, questions, company=organization.legal_name)
            role_assign(
                user=user, role=Role.USER_GROUP_ADMINISTRATOR, organization=None, group=group,
                granted_by=None,
            )  # fmt: skip
            rows.append((user_id, f"{first} {last}", f"UGA of {group}", ""))
        for (user_id, first, last), group, what in [
            (STAFF_APPROVER, "CMS Approver", "CMS approver (help desk staff)"),
            (HELP_DESK_AGENT, "Help Desk", "help desk agent (admin at /admin/)"),
        ]:
            staff = self._person(user_id, first, last, questions, company="CMS help desk")
            staff.is_staff = True
            staff.save(update_fields=["is_staff"])
            staff.groups.add(Group.objects.get(name=group))
            rows.append((user_id, f"{first} {last}", what, ""))

        self.stdout.write(self.style.SUCCESS("Demo data ready. Accounts:"))
        for user_id, person, what, place in rows:
            where = f" ({place})" if place else ""
            self.stdout.write(f"  {user_id:8} {person:16} {what}{where}")
        self.stdout.write(f"  Password for each: {DEMO_PASSWORD}")
        self.stdout.write("  People you can register as: accounts/data/ssa_demo.csv")

    @staticmethod
    def _person(user_id, first, last, questions, *, company):
        user, created = User.objects.get_or_create(
            username=user_id,
            defaults={
                "first_name": first,
                "last_name": last,
                "email": f"{user_id.lower()}@demo.example.org",
                "company_name": company,
            },
        )
        if created:
            user_change_password(user=user, new_password=DEMO_PASSWORD)
            user_set_authentication_answers(
                user=user, answers=dict.fromkeys(questions, DEMO_ANSWER)
            )
        return user

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
