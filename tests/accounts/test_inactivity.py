from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.tasks import disable_inactive_accounts
from iacs_portal.audit.models import AuditEvent
from tests.factories import UserFactory

from .recovery_support import LINK, NEW_PASSWORD, PASSWORD, enter, make_person, sign_in, signed_in

pytestmark = pytest.mark.django_db
DAY = timedelta(days=1)
SUBJECT = "FYI: Your IACS Account Was Disabled for Inactivity"


@pytest.fixture
def on_commit(django_capture_on_commit_callbacks):
    return lambda: django_capture_on_commit_callbacks(execute=True)


def run_daily_task(at, on_commit):
    with time_machine.travel(at, tick=False), on_commit():
        disable_inactive_accounts.delay()


def test_the_task_runs_daily_from_beat():
    entry = settings.CELERY_BEAT_SCHEDULE["disable-inactive-accounts"]
    assert entry["task"] == "accounts.tasks.disable_inactive_accounts"
    assert entry["schedule"] == DAY
    assert timedelta(days=60) == settings.ACCOUNT_INACTIVITY_LIMIT


@pytest.mark.parametrize(
    ("idle", "disabled"),
    [(timedelta(days=59), False), (timedelta(days=60) - timedelta(seconds=1), False),
     (timedelta(days=60), True), (timedelta(days=61), True)],
)  # fmt: skip
def test_sixty_days_without_sign_in_disables(on_commit, idle, disabled):
    now = timezone.now()
    user = make_person(last_login=now - idle, date_joined=now - timedelta(days=400))
    run_daily_task(now, on_commit)
    user.refresh_from_db()
    assert user.is_active is not disabled
    assert (user.disabled_for_inactivity_at is not None) is disabled


@pytest.mark.parametrize(("days", "disabled"), [(59, False), (60, True), (61, True)])
def test_never_signed_in_counts_from_creation(on_commit, days, disabled):
    now = timezone.now()
    user = UserFactory(last_login=None, date_joined=now - timedelta(days=days))
    run_daily_task(now, on_commit)
    user.refresh_from_db()
    assert user.is_active is not disabled


def test_disabling_is_audited_and_emailed_once(on_commit):
    now = timezone.now()
    user = make_person(last_login=now - 61 * DAY)
    run_daily_task(now, on_commit)
    run_daily_task(now + DAY, on_commit)  # the next day: already disabled, nothing again
    [event] = AuditEvent.objects.filter(action="account.disabled_inactive")
    assert event.target_id == str(user.pk) and event.actor is None
    [notice] = mail.outbox
    assert notice.subject == SUBJECT and notice.to == [user.email]
    assert "Forgot Password" in notice.body
    assert not LINK.search(notice.body)


def test_staff_are_disabled_superusers_are_not(on_commit):
    now = timezone.now()
    staff = UserFactory(is_staff=True, last_login=now - 61 * DAY)
    root = UserFactory(is_staff=True, is_superuser=True, last_login=now - 61 * DAY)
    run_daily_task(now, on_commit)
    staff.refresh_from_db()
    root.refresh_from_db()
    assert not staff.is_active
    assert root.is_active


def test_the_limit_is_a_setting(on_commit, settings):
    settings.ACCOUNT_INACTIVITY_LIMIT = timedelta(days=10)
    now = timezone.now()
    user = make_person(last_login=now - 10 * DAY)
    run_daily_task(now, on_commit)
    user.refresh_from_db()
    assert not user.is_active


def test_a_disabled_account_gets_the_generic_login_failure(client, on_commit):
    now = timezone.now()
    user = make_person(last_login=now - 61 * DAY)
    run_daily_task(now, on_commit)
    disabled = sign_in(client, user)
    wrong = sign_in(Client(), make_person(), "not the password at all")
    assert not signed_in(client)
    assert disabled.context["form"].non_field_errors() == wrong.context["form"].non_field_errors()


def test_forgot_password_reenables_the_account(client, on_commit):
    now = timezone.now()
    user = make_person(last_login=now - 61 * DAY)
    run_daily_task(now, on_commit)
    mail.outbox.clear()
    enter(client)
    with on_commit():
        client.post(
            reverse("accounts:forgot_password"), {"username": user.username, "email": user.email}
        )
    link = LINK.search(mail.outbox[0].body).group(0).split("://", 1)[1].split("/", 1)[1]
    client.get("/" + link)
    form = client.get(reverse("accounts:password_reset_questions")).context["form"]
    client.post(reverse("accounts:password_reset_questions"), dict.fromkeys(form.fields, "answer"))
    with on_commit():
        client.post(
            reverse("accounts:password_reset_new"),
            {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        )
    user.refresh_from_db()
    assert user.is_active and user.disabled_for_inactivity_at is None
    assert AuditEvent.objects.filter(action="account.reenabled", target_id=str(user.pk)).exists()
    assert sign_in(Client(), user, NEW_PASSWORD).url == reverse("accounts:my_profile")
    assert not user.check_password(PASSWORD)
