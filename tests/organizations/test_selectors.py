"""Reads on organizations and groups that the wizard's choices rest on (SPEC 3 and 4.10)."""

import pytest
from django.db import connection

from organizations.models import Community, Organization, RoleAssignment
from organizations.selectors import (
    SearchResult,
    _search_choice_sql,
    _search_page_sql,
    active_community,
    group_name_taken,
    joinable_groups,
    organization_is_selectable,
    organization_search,
    organization_search_choice,
    organization_search_page,
    organization_with_ein,
    surrogate_groups_administered,
    user_holds_role,
)
from tests.factories import (
    OrganizationFactory,
    RoleAssignmentFactory,
    UserFactory,
    UserGroupFactory,
    community,
    group_administrator,
)

pytestmark = pytest.mark.django_db

MD = {"country": "US", "state": "MD"}


def names(queryset) -> list[str]:
    return [organization.legal_name for organization in queryset]


def test_search_finds_approved_organizations_by_any_part_of_the_name_in_order():
    for name in ("Harbor Medical", "Inner Harbor Clinic", "Hillside"):
        OrganizationFactory(legal_name=name)
    assert names(organization_search(name="  HARBOR ", **MD)) == [
        "Harbor Medical",
        "Inner Harbor Clinic",
    ]


@pytest.mark.parametrize("status", ["pending", "suspended", "denied"])
def test_search_never_offers_an_organization_that_is_not_approved(status):
    organization = OrganizationFactory(legal_name="Harbor Medical", status=status)
    assert not organization_search(name="Harbor", **MD).exists()
    assert not organization_is_selectable(organization_id=organization.pk)


def test_search_is_limited_to_the_state_country_and_community():
    OrganizationFactory(legal_name="Harbor Virginia", state="VA")
    OrganizationFactory(legal_name="Harbor Mac", community=community("fi-carrier-mac"))
    OrganizationFactory(legal_name="Harbor Maryland")
    found = organization_search(name="Harbor", community=community(), **MD)
    assert names(found) == ["Harbor Maryland"]


def test_search_counts_the_approved_and_apart_the_pending_and_suspended_but_not_denied():
    for status in ("pending", "suspended", "denied", "approved", "approved"):
        OrganizationFactory(legal_name=f"Harbor {status}", status=status)
    OrganizationFactory(legal_name="Harbor elsewhere", status="pending", state="VA")
    OrganizationFactory(legal_name="Hillside", status="approved")
    rows, approved, unselectable = organization_search_page(name="harbor", limit=50, **MD)
    assert (names(rows), approved, unselectable) == (["Harbor approved", "Harbor approved"], 2, 2)
    assert organization_search_page(name="nowhere", limit=50, **MD) == ([], 0, 0)


def test_a_search_page_lists_the_first_approved_by_name_and_counts_them_all():
    for name in ("Harbor D", "Harbor B", "Harbor C", "Harbor A"):
        OrganizationFactory(legal_name=name)
    OrganizationFactory(legal_name="Harbor 0 pending", status="pending")
    rows, approved, unselectable = organization_search_page(name="harbor", limit=2, **MD)
    assert (names(rows), approved, unselectable) == (["Harbor A", "Harbor B"], 4, 1)
    rows, _, _ = organization_search_page(name="harbor", limit=10, **MD)
    assert names(rows) == ["Harbor A", "Harbor B", "Harbor C", "Harbor D"]


def test_a_search_page_matches_as_the_search_does_and_lists_plain_rows():
    """The page's own statement: the same matches as ``organization_search`` (a part of the
    name in any case, ``%`` and ``_`` taken literally; the community when given), in its order,
    each row the id and what the choice shows, without a model object."""
    first = OrganizationFactory(legal_name="100% Care_Group", city="Towson")
    OrganizationFactory(legal_name="1000 Care Group")
    OrganizationFactory(legal_name="100% care_group elsewhere", state="VA")
    for name in ("0% care_", "% CARE_G", "care_group"):
        rows, approved, unselectable = organization_search_page(name=name, limit=50, **MD)
        assert rows == [SearchResult(first.pk, "100% Care_Group", "Towson", "MD")]
        assert (approved, unselectable) == (1, 0)
        assert names(rows) == names(organization_search(name=name, **MD))
    other = Community.objects.exclude(pk=first.community_id).first()
    assert organization_search_page(name="care", limit=50, community=other, **MD) == ([], 0, 0)
    rows, _, _ = organization_search_page(name="care", limit=50, community=first.community, **MD)
    assert sorted(names(rows)) == ["100% Care_Group", "1000 Care Group"]
    assert names(rows) == names(organization_search(name="care", **MD))


def test_a_choice_is_found_exactly_when_the_search_matches_it():
    """The choice's own statement: an organization is found by its id exactly when
    ``organization_search`` matches it (a part of the name in any case, ``%`` and ``_`` taken
    literally, the country, state and community, approved only), with its name read."""
    made = [
        OrganizationFactory(legal_name="100% Care_Group", city="Towson"),
        OrganizationFactory(legal_name="1000 Care Group"),
        OrganizationFactory(legal_name="100% care_group elsewhere", state="VA"),
        OrganizationFactory(legal_name="100% Care_Group pending", status="pending"),
        OrganizationFactory(legal_name="100% Care_Group suspended", status="suspended"),
        OrganizationFactory(legal_name="100% Care_Group denied", status="denied"),
        OrganizationFactory(
            legal_name="100% Care_Group MAC", community=community("fi-carrier-mac")
        ),
    ]
    parts = ["0% care_", "% CARE_G", " care ", "100% Care_Group", "nowhere"]
    searches = [{"name": part, **MD} for part in parts]
    searches.append({"name": "care", "country": "US", "state": "VA"})
    found_some = False
    for search in searches:
        for scope in (None, community(), community().pk):  # a draft holds the community's id
            matched = set(
                organization_search(**search, community=scope).values_list("pk", flat=True)
            )
            for organization in made:
                chosen = organization_search_choice(
                    organization_id=organization.pk, **search, community=scope
                )
                assert (chosen is not None) == (organization.pk in matched), (search, organization)
                if chosen is not None:
                    found_some = True
                    assert chosen == organization and chosen.legal_name == organization.legal_name
                    assert "status" in chosen.get_deferred_fields()
                    assert chosen.city == organization.city  # a deferred field, read when asked
    assert found_some


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's prepared statements")
def test_on_postgresql_a_search_and_its_choice_run_prepared():
    """Planned once per connection (ADR 22): the tests above run each statement more than the
    five times after which PostgreSQL may plan it once for all names, with the same results."""
    found = OrganizationFactory(legal_name="Harbor Care")
    rows, _, _ = organization_search_page(name="arbor", limit=50, **MD)
    assert rows[0].pk == found.pk
    assert organization_search_choice(organization_id=found.pk, name="arbor", **MD) == found
    for sql in (_search_page_sql(community=False), _search_choice_sql(community=False)):
        assert connection._prepared[sql].startswith("iacs_read_")


@pytest.mark.parametrize("organization_id", [0, -1, 2**63, -(2**63) - 1, 10**30])
def test_a_choice_of_an_id_no_organization_can_have_is_found_as_the_orm_finds_it(
    organization_id, django_assert_max_num_queries
):
    OrganizationFactory(legal_name="Harbor Medical")
    assert not Organization.objects.filter(pk=organization_id).exists()
    with django_assert_max_num_queries(1):
        assert (
            organization_search_choice(organization_id=organization_id, name="Harbor", **MD) is None
        )


def test_an_ein_is_taken_until_cms_denies_the_organization():
    denied = OrganizationFactory(ein="521234567", status="denied")
    assert organization_with_ein(ein="521234567") is None
    pending = OrganizationFactory(ein="521234567", status="pending")
    assert organization_with_ein(ein="521234567") == pending
    assert denied != pending


def test_a_group_name_is_taken_in_its_organization_whatever_its_case():
    group = UserGroupFactory(name="Billing")
    UserGroupFactory(name="Denied team", organization=group.organization, status="denied")
    assert group_name_taken(organization=group.organization, name="  billing ")
    assert not group_name_taken(organization=group.organization, name="Denied team")
    assert not group_name_taken(organization=OrganizationFactory(), name="Billing")


def test_only_approved_groups_of_an_approved_organization_can_be_joined():
    organization = OrganizationFactory()
    provider = UserGroupFactory(organization=organization, name="Zeta")
    surrogate = UserGroupFactory(organization=organization, name="Alpha", surrogate=True)
    UserGroupFactory(organization=organization, status="pending")
    UserGroupFactory(organization=organization, status="denied")
    assert list(joinable_groups(organization=organization)) == [provider, surrogate]
    Organization.objects.filter(pk=organization.pk).update(status="suspended")
    assert not joinable_groups(organization=organization).exists()


def test_surrogate_groups_administered_are_the_active_uga_roles_in_surrogate_groups():
    surrogate = UserGroupFactory(surrogate=True)
    uga = group_administrator(surrogate)
    group_administrator_of_provider = UserGroupFactory()
    RoleAssignmentFactory(
        user=uga, role="uga", group=group_administrator_of_provider,
        organization=group_administrator_of_provider.organization,
    )  # fmt: skip
    revoked = UserGroupFactory(surrogate=True)
    RoleAssignmentFactory(
        user=uga, role="uga", group=revoked, organization=revoked.organization, status="revoked"
    )
    member = UserGroupFactory(surrogate=True)
    RoleAssignmentFactory(user=uga, role="end_user", group=member, organization=member.organization)
    assert list(surrogate_groups_administered(user=uga)) == [surrogate]


def test_a_role_is_held_only_in_its_own_scope_and_while_active():
    group = UserGroupFactory()
    user = UserFactory()
    assignment = RoleAssignmentFactory(
        user=user, role="uga", group=group, organization=group.organization
    )
    assert user_holds_role(user=user, role="uga", organization=group.organization, group=group)
    assert user_holds_role(user=user, role="uga", group=group)
    assert not user_holds_role(user=user, role="uga", organization=group.organization)
    assert not user_holds_role(user=user, role="uga", group=UserGroupFactory())
    assert not user_holds_role(
        user=user, role="end_user", organization=group.organization, group=group
    )
    assignment.status = RoleAssignment.Status.REVOKED
    assignment.save()
    assert not user_holds_role(user=user, role="uga", organization=group.organization, group=group)


# The registration's community, by slug (compiled once).


@pytest.mark.parametrize("slug", ["provider-supplier", "closed", "no-such-community", ""])
def test_active_community_is_the_orms_active_one(slug):
    Community.objects.create(slug="closed", name="Closed", is_active=False)
    expected = Community.objects.filter(slug=slug, is_active=True).first()
    found = active_community(slug=slug)
    assert found == expected
    if expected is not None:
        assert [getattr(found, f.attname) for f in Community._meta.concrete_fields] == [
            getattr(expected, f.attname) for f in Community._meta.concrete_fields
        ]


def test_the_terms_step_reads_its_community_without_compiling_it(client, orm_compiles):
    from django.urls import reverse

    from tests.registration import enter_portal

    url = reverse("registration:terms", args=["provider-supplier"])
    enter_portal(client)
    client.get(url)  # the first read compiles it, once per process
    orm_compiles.clear()
    assert client.get(url).status_code == 200
    assert client.post(url, {"accept": "on"}).status_code == 302
    assert "SQLCompiler organizations.Community" not in orm_compiles
    Community.objects.filter(slug="provider-supplier").update(is_active=False)
    assert client.get(url).status_code == 404
