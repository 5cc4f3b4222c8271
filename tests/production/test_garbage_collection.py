"""gunicorn's workers collect garbage after each response, by CPython's own rule (ADR 24).

What changes the interpreter's collector (freezing, thresholds) runs in a fresh interpreter,
never in the one running the tests.
"""

import json
import runpy
import subprocess
import sys
from pathlib import Path

import pytest

from iacs_portal.garbage_collection import THRESHOLDS, due_generation

ROOT = Path(__file__).resolve().parents[2]


def test_the_rule_is_cpythons_own_thresholds():
    import gc

    # A new interpreter's: the rule applied after each response is the one CPython applies.
    script = "import gc, json; print(json.dumps(gc.get_threshold()))"
    fresh = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert tuple(json.loads(fresh.stdout)) == THRESHOLDS
    assert gc.isenabled()


@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        ((700, 10, 10), None),  # the youngest not past its threshold: nothing is due
        ((0, 50, 50), None),  # the older ones wait for the youngest, as in CPython
        ((701, 0, 0), 0),
        ((701, 10, 10), 0),
        ((701, 11, 10), 1),
        ((701, 11, 11), 2),
        ((701, 0, 11), 2),  # the oldest past its own threshold: collected with the younger
    ],
)
def test_due_generation_at_each_threshold(counts, expected):
    assert due_generation(counts) == expected


# A gunicorn worker's life, through the hooks gunicorn.conf.py gives it.
WORKER = """
import gc, json, runpy
from iacs_portal.garbage_collection import IN_REQUEST_THRESHOLD, collect_after_response

hooks = runpy.run_path("gunicorn.conf.py")
hooks["post_worker_init"](None)  # the application loaded
frozen, thresholds = gc.get_freeze_count(), gc.get_threshold()
garbage = []
for _ in range(1000):  # a request's allocations, collected by nobody while it runs
    node = []
    node.append(node)  # a cycle only the collector can free
    garbage.append(node)
del garbage, node
before = gc.get_count()[0]
hooks["post_request"](None, None, {}, None)  # the response written
collected = gc.get_count()[0] < before
print(json.dumps({
    "frozen": frozen, "thresholds": thresholds, "in_request": IN_REQUEST_THRESHOLD,
    "before": before, "collected": collected, "after": gc.get_count()[0],
    "again": collect_after_response(),
}))
"""


def test_a_worker_freezes_the_application_and_collects_after_the_response():
    result = subprocess.run(
        [sys.executable, "-c", WORKER], capture_output=True, text=True, cwd=ROOT, check=True
    )
    seen = json.loads(result.stdout)
    assert seen["frozen"] > 0  # the loaded modules: no later collection scans them
    assert seen["thresholds"] == [seen["in_request"], THRESHOLDS[1], THRESHOLDS[2]]
    assert seen["before"] > THRESHOLDS[0]  # nothing collected while the "request" ran
    assert seen["collected"]  # then collected, as CPython would have
    assert seen["after"] < THRESHOLDS[0]
    assert seen["again"] is None  # nothing is due right after (the youngest collected)


def _hooks(monkeypatch, value: str | None) -> dict:
    if value is None:
        monkeypatch.delenv("GUNICORN_GC_AFTER_RESPONSE", raising=False)
    else:
        monkeypatch.setenv("GUNICORN_GC_AFTER_RESPONSE", value)
    return runpy.run_path(str(ROOT / "gunicorn.conf.py"))


def test_gunicorn_collects_after_each_response_by_default(monkeypatch):
    config = _hooks(monkeypatch, None)
    assert callable(config["post_worker_init"])
    assert callable(config["post_request"])


def test_gunicorn_leaves_cpythons_collector_alone_when_turned_off(monkeypatch):
    config = _hooks(monkeypatch, "false")
    assert "post_worker_init" not in config
    assert "post_request" not in config
