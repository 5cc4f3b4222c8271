"""Production mode serves the whole flow: gunicorn (2 workers, production settings) and a Celery
worker, on PostgreSQL and Redis, mail over SMTP. An Individual Practitioner registers, a CMS
approver approves, the practitioner signs in, all in Chromium over http://127.0.0.1 with the
production's Secure cookies; every log line is JSON, and the worker's carry the request ids."""

import json

import pytest
from django.contrib.auth.hashers import Argon2PasswordHasher
from django.db import connection

from tests.registration import ssa_person

from .approvers import PASSWORD, staff_approver
from .practitioner import ROLE_AFTER_APPROVAL, practitioner_registers
from .production_portal import ProductionJourney, run_production_portal

pytestmark = [
    pytest.mark.browser,
    pytest.mark.celery_worker,  # needs Redis
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def portal(transactional_db, tmp_path):
    if connection.vendor != "postgresql":
        pytest.skip(
            "production mode runs on PostgreSQL only: set DATABASE_URL to a postgres:// URL"
        )
    yield from run_production_portal(tmp_path)


@pytest.fixture
def journey(portal, browser_page, axe) -> ProductionJourney:
    return ProductionJourney(browser_page, portal, axe)


def json_lines(text: str) -> list[dict]:
    """Every line a JSON object: the web's and the worker's logs have nothing else."""
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def test_production_mode_serves_registration_approval_and_first_sign_in(portal, journey):
    health = portal.wait_until_healthy()
    assert health["status"] == "ok"
    assert health["checks"] == {"database": "ok", "cache": "ok", "broker": "ok"}
    approver = staff_approver()
    # Production hashes with Argon2; the test settings' fast hasher is not accepted there.
    hasher = Argon2PasswordHasher()
    approver.password = hasher.encode(PASSWORD, hasher.salt())
    approver.save(update_fields=["password"])
    grace = ssa_person("Grace")

    tracking = practitioner_registers(journey, grace)  # the code came over SMTP

    journey.approve(tracking, approver=approver, password=PASSWORD)
    journey.first_sign_in(grace)
    assert journey.my_roles() == [ROLE_AFTER_APPROVAL]
    cookies = {cookie["name"]: cookie for cookie in journey.page.context.cookies()}
    assert cookies["sessionid"]["secure"] and cookies["sessionid"]["httpOnly"]
    journey.log_out()

    web, worker = json_lines(portal.log_of("web")), json_lines(portal.log_of("worker"))
    assert sum("Booting worker" in line["message"] for line in web) == 2
    requests = [line for line in web if line["logger"] == "iacs_portal.request"]
    assert {"POST", "GET"} <= {line["method"] for line in requests}
    request_ids = {line["request_id"] for line in requests}
    in_tasks = [line for line in worker if "task_id" in line]
    assert in_tasks and all(line["request_id"] in request_ids for line in in_tasks)
