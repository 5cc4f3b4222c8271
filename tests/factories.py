import factory
from django.utils import timezone

from accounts.models import User
from organizations.models import Community, Organization, RoleAssignment, UserGroup
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
    # Fixed names, not Faker's: a random surname such as "Long" would make a test's passphrase
    # ("a long and memorable passphrase") contain the person's name, and be refused.
    first_name = factory.Iterator(["Dana", "Marcus", "Priya", "Owen", "Nadia", "Victor"])
    last_name = factory.Iterator(["Reyes", "Bell", "Nair", "Hart", "Brooks", "Lam"])
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


class UserGroupFactory(factory.django.DjangoModelFactory):
    """An approved provider user group; ``surrogate=True`` for one run by an outside company."""

    class Meta:
        model = UserGroup

    class Params:
        surrogate = factory.Trait(
            kind=UserGroup.Kind.SURROGATE,
            company_name=factory.Sequence(lambda n: f"Outside Billing {n}"),
            company_address_line1="9 Pier Road",
            company_city="Towson",
            company_state="MD",
            company_zip_code="21204",
            company_phone="410-555-0199",
        )

    organization = factory.SubFactory(OrganizationFactory)
    kind = UserGroup.Kind.PROVIDER
    name = factory.Sequence(lambda n: f"Group {n}")
    description = "Test group"
    status = UserGroup.Status.APPROVED


class RoleAssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoleAssignment

    user = factory.SubFactory(UserFactory)
    role = Role.SECURITY_OFFICIAL
    organization = factory.SubFactory(OrganizationFactory)
    granted_at = factory.LazyFunction(timezone.now)


def set_up(user: User) -> User:
    """Answer two authentication questions, so first-login setup lets the user through."""
    from accounts.models import AuthenticationQuestion
    from accounts.services import user_set_authentication_answers

    user_set_authentication_answers(
        user=user, answers=dict.fromkeys(AuthenticationQuestion.objects.all()[:2], "answer")
    )
    return user


def role_holder(role: str, *, organization=None, group=None, user=None) -> User:
    """A signed-up person holding ``role`` in the organization or group: ready to sign in."""
    if group is not None:
        organization = group.organization
    assignment = RoleAssignmentFactory(
        user=user or UserFactory(), role=role, organization=organization, group=group
    )
    return set_up(assignment.user)


def security_official(organization=None) -> User:
    """A signed-up SO with password set and questions answered: ready to approve."""
    return role_holder(Role.SECURITY_OFFICIAL, organization=organization or OrganizationFactory())


def backup_security_official(organization) -> User:
    return role_holder(Role.BACKUP_SECURITY_OFFICIAL, organization=organization)


def group_administrator(group) -> User:
    return role_holder(Role.USER_GROUP_ADMINISTRATOR, group=group)


def staff_member(group: str | None, **fields) -> User:
    """Help desk staff in one of the staff groups ("Help Desk", "CMS Approver"), or in none."""
    from django.contrib.auth.models import Group

    user = set_up(UserFactory(**{"is_staff": True, **fields}))
    if group:
        user.groups.add(Group.objects.get(name=group))
    return user


def staff_approver(*, permission: bool = True, **fields) -> User:
    """A CMS approver at the help desk; without ``permission``, staff in no group."""
    return staff_member("CMS Approver" if permission else None, **fields)


def account_holder(person, **fields) -> User:
    """The signed-up account of an SSA stub person (``tests.registration.Person``)."""
    from accounts.identity import ssn_digest

    digits = person.ssn.replace("-", "")
    fields = {
        "first_name": person.first_name,
        "last_name": person.last_name,
        "email": person.email,
        "ssn": digits,
        "ssn_last4": digits[-4:],
        "ssn_digest": ssn_digest(digits),
        **fields,
    }
    return set_up(UserFactory(**fields))


def submitted_request(role: str, *, organization=None, group=None, **fields):
    """A request as the wizard submits it, without the wizard: for routing and queue tests."""
    from approvals.models import AccessRequest

    if group is not None:
        organization = organization or group.organization
    access_request = AccessRequest.objects.create(
        community=community(),
        role=role,
        organization=organization,
        group=group,
        first_name="Pat",
        last_name="Applicant",
        email="pat.applicant@example.org",
        justification="Needed for my duties.",
        **fields,
    )
    access_request.submit()
    access_request.save()
    return access_request


def failed_email(user: User):
    """The User ID email to ``user``, recorded as failed: what the help desk may retry."""
    from accounts.emails import user_email_enqueue
    from iacs_portal.outbox.models import OutgoingEmail

    email = user_email_enqueue(event="account_id", user=user)
    OutgoingEmail.objects.filter(pk=email.pk).update(status=OutgoingEmail.Status.FAILED)
    email.refresh_from_db()
    return email
