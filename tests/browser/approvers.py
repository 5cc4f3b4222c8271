"""The people who approve a journey's request, made directly: each can sign in at once."""

import factory
from django.contrib.auth.models import Permission

from accounts.models import AuthenticationQuestion
from accounts.services import user_set_authentication_answers
from accounts.two_factor import user_requires_two_factor
from organizations.models import UserGroup
from tests.factories import OrganizationFactory, RoleAssignmentFactory, UserFactory
from tests.two_factor import authenticator

PASSWORD = "correct-horse-battery-staple-9"  # UserFactory's


class UserGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = UserGroup

    organization = factory.SubFactory(OrganizationFactory)
    kind = UserGroup.Kind.PROVIDER
    name = factory.Sequence(lambda n: f"Billing {n}")
    description = "Claims and eligibility checks."
    status = UserGroup.Status.APPROVED


def _ready_to_sign_in(user):
    """First-login setup done: no temporary password, two questions answered, and (where the
    role requires it) an authenticator app set up, whose codes Journey.sign_in enters."""
    user_set_authentication_answers(
        user=user, answers=dict.fromkeys(AuthenticationQuestion.objects.all()[:2], "answer")
    )
    if user_requires_two_factor(user):
        authenticator(user)
    return user


def staff_approver():
    """A CMS approver at the help desk: decides Security Official and practitioner requests."""
    user = UserFactory(is_staff=True, first_name="Hana", last_name="Diaz")
    user.user_permissions.add(
        Permission.objects.get(
            content_type__app_label="approvals", codename="decide_staff_requests"
        )
    )
    return _ready_to_sign_in(user)


def role_holder(role: str, *, organization=None, group=None):
    """Someone holding ``role`` in an organization, or in one of its user groups."""
    if group is not None:
        organization = group.organization
    assignment = RoleAssignmentFactory(role=role, organization=organization, group=group)
    return _ready_to_sign_in(assignment.user)
