"""The sign-in code step's reads, compiled once per process (iacs_portal.compiled_reads): the
same objects as the ORM's queryset in every case."""

import datetime
import time

import pytest
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.test import RequestFactory
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice

from accounts.models import AuthenticatorApp, LoginFailure, User
from accounts.signin import (
    PENDING_SESSION_KEY,
    _pending_user,
    pending_user,
    pending_user_and_apps,
)
from accounts.two_factor import _CONFIRMED_DEVICES_LOCKED
from tests.factories import UserFactory, set_up

pytestmark = pytest.mark.django_db


def request_pending(user_id):
    """A request between the two stages, the password accepted now."""
    request = RequestFactory().post("/login/code/")
    request.session = {PENDING_SESSION_KEY: {"user_id": user_id, "at": time.time()}}
    return request


def orm_pending_user(user_id):
    """The read as the ORM wrote it before it was compiled once."""
    failures = LoginFailure.objects.filter(user=OuterRef("pk"))
    return (
        User.objects.filter(pk=user_id, is_active=True)
        .annotate(had_login_failures=Exists(failures))
        .first()
    )


@pytest.mark.parametrize(
    "active, failures", [(True, 0), (True, 1), (True, 3), (False, 0), (False, 2)]
)
def test_the_pending_user_read_is_the_orms(active, failures):
    user = set_up(
        UserFactory(
            is_active=active,
            locked_until=timezone.now(),
            ssn="123456789",  # encrypted fields: decrypted alike
            date_of_birth=datetime.date(1980, 2, 29),
        )
    )
    other = set_up(UserFactory())  # another person's failures are not this one's
    LoginFailure.objects.create(user=other, at=timezone.now())
    for _ in range(failures):
        LoginFailure.objects.create(user=user, at=timezone.now())
    orm = orm_pending_user(user.pk)
    got = pending_user(request_pending(user.pk))
    if orm is None:
        assert not active and got is None
        return
    assert got.had_login_failures is orm.had_login_failures is (failures > 0)
    for field in User._meta.concrete_fields:
        assert getattr(got, field.attname) == getattr(orm, field.attname), field.name
    assert got._state.adding is False and got._state.db == "default"


def test_the_pending_user_read_of_no_account_is_none():
    missing = (User.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1
    assert orm_pending_user(missing) is None
    assert list(_pending_user(user_id=missing)) == []
    assert pending_user(request_pending(missing)) is None


@pytest.mark.parametrize("model", [AuthenticatorApp, StaticDevice])
def test_the_locked_device_read_is_the_orms(model):
    user, other = set_up(UserFactory()), set_up(UserFactory())
    mine = [model.objects.create(user=user, name=name, confirmed=True) for name in ("a", "b")]
    model.objects.create(user=user, name="not confirmed", confirmed=False)
    model.objects.create(user=other, name="another person's", confirmed=True)
    with transaction.atomic():
        orm = list(model.objects.devices_for_user(user, confirmed=True).select_for_update())
        got = _CONFIRMED_DEVICES_LOCKED[model](user_id=user.pk)
    assert sorted(device.pk for device in got) == sorted(device.pk for device in mine)
    by_pk = {device.pk: device for device in orm}
    for device in got:
        for field in model._meta.concrete_fields:
            assert getattr(device, field.attname) == getattr(by_pk[device.pk], field.attname)
    if model is AuthenticatorApp:  # the key, decrypted
        assert {device.key for device in got} == {device.key for device in mine}


@pytest.mark.parametrize("apps, failures", [(1, 0), (1, 2), (2, 0), (0, 0), (0, 1)])
def test_the_pending_user_read_with_their_apps_is_the_two_reads(apps, failures):
    """The code POST's one statement (accounts.signin): the person as ``pending_user`` reads
    them, their confirmed apps as ``code_verify`` reads them, locked."""
    user = set_up(UserFactory(ssn="123456789", date_of_birth=datetime.date(1980, 2, 29)))
    other = set_up(UserFactory())
    mine = [
        AuthenticatorApp.objects.create(user=user, name=str(n), confirmed=True) for n in range(apps)
    ]
    AuthenticatorApp.objects.create(user=user, name="not confirmed", confirmed=False)
    AuthenticatorApp.objects.create(user=other, name="another person's", confirmed=True)
    for _ in range(failures):
        LoginFailure.objects.create(user=user, at=timezone.now())
    with transaction.atomic():
        got_user, got_apps = pending_user_and_apps(request_pending(user.pk))
        orm_apps = list(AuthenticatorApp.objects.devices_for_user(user, confirmed=True))
    orm_user = orm_pending_user(user.pk)
    assert got_user.had_login_failures is orm_user.had_login_failures is (failures > 0)
    for field in User._meta.concrete_fields:
        if field.name not in ("ssn", "date_of_birth"):  # deferred: read if asked for
            assert getattr(got_user, field.attname) == getattr(orm_user, field.attname)
    assert {"ssn", "date_of_birth"} <= got_user.get_deferred_fields()
    assert sorted(app.pk for app in got_apps) == sorted(app.pk for app in mine)
    by_pk = {app.pk: app for app in orm_apps}
    for app in got_apps:
        assert app.user is got_user
        for field in AuthenticatorApp._meta.concrete_fields:
            assert getattr(app, field.attname) == getattr(by_pk[app.pk], field.attname)


def test_the_pending_user_read_with_their_apps_finds_no_inactive_person():
    user = set_up(UserFactory(is_active=False))
    AuthenticatorApp.objects.create(user=user, name="app", confirmed=True)
    with transaction.atomic():
        assert pending_user_and_apps(request_pending(user.pk)) == (None, [])
        nobody = RequestFactory().post("/login/code/")
        nobody.session = {}
        assert pending_user_and_apps(nobody) == (None, None)
