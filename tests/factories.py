import factory
from django.utils import timezone

from accounts.models import User
from organizations.models import Community, Organization, RoleAssignment
from organizations.roles import Role

DEMO_PERSON = {  # a row of accounts/data/ssa_demo.csv
    "first_name": "Barbara",
    "last_name": "Okafor",
    "date_of_birth": "03/12/1984",
    "ssn": "123-45-6781",
}


def community(slug: str = "provider-supplier") -> Community:
    return Community.objects.get(slug=slug)  # created by a data migration


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User

    username = factory.Sequence(lambda n: f"USER{n:02d}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username.lower()}@example.org")
    password = factory.django.Password("correct-horse-battery-staple-9")


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    legal_name = factory.Sequence(lambda n: f"Test Clinic {n}")
    ein = factory.Sequence(lambda n: f"{100000000 + n}")
    address_line1 = "1 Main Street"
    city = "Baltimore"
    state = "MD"
    zip_code = "21201"
    community = factory.LazyFunction(community)
    status = Organization.Status.APPROVED


class RoleAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoleAssignment

    user = factory.SubFactory(UserFactory)
    role = Role.SECURITY_OFFICIAL
    organization = factory.SubFactory(OrganizationFactory)
    granted_at = factory.LazyFunction(timezone.now)


def security_official(organization=None) -> User:
    """A signed-up SO with password set and questions answered: ready to approve."""
    from accounts.models import AuthenticationQuestion
    from accounts.services import user_set_authentication_answers

    assignment = RoleAssignmentFactory(
        organization=organization or OrganizationFactory(), role=Role.SECURITY_OFFICIAL
    )
    user = assignment.user
    user_set_authentication_answers(
        user=user, answers=dict.fromkeys(AuthenticationQuestion.objects.all()[:2], "answer")
    )
    return user
