from types import SimpleNamespace

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import transaction

from accounts.models import AuthenticationQuestion
from accounts.questions import ensure_questions
from iacs_portal.staff_groups import ensure_staff_groups
from organizations.communities import ensure_communities
from organizations.models import Community

from .support import actor_clients
from .world import add_reset_links, build_world


@pytest.fixture(scope="package")
def authz_world(django_db_setup, django_db_blocker, tmp_path_factory) -> SimpleNamespace:
    """The world and a client per actor, built once for tests/authz and rolled back after it.

    The matrix only reads: each of its requests runs in a savepoint that is rolled back.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        # A transactional test before this package may have flushed the data migrations' rows.
        ensure_communities(Community)
        ensure_questions(AuthenticationQuestion)
        ensure_staff_groups(Group, Permission)
        world = build_world(tmp_path_factory.mktemp("outbox"))
        world.clients = actor_clients(world)
        add_reset_links(world)  # after the sign-ins, which spend earlier links
        yield world
        transaction.set_rollback(True)
