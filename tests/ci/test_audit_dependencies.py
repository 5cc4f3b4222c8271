"""`make audit` (.ci/audit_dependencies.py): a finding fails, a service that cannot be asked is a
NOTICE. The npm reports are shaped as npm 11 writes them with --json."""

import importlib.util
import io
import json
import urllib.error
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / ".ci" / "audit_dependencies.py"
spec = importlib.util.spec_from_file_location("audit_dependencies", SCRIPT)
audit = importlib.util.module_from_spec(spec)
spec.loader.exec_module(audit)

CLEAN = {
    "auditReportVersion": 2,
    "vulnerabilities": {},
    "metadata": {"vulnerabilities": {"info": 0, "low": 0, "moderate": 0, "high": 0, "total": 0}},
}
VULNERABLE = {
    "auditReportVersion": 2,
    "vulnerabilities": {
        "@uswds/uswds": {
            "name": "@uswds/uswds",
            "severity": "moderate",
            "via": ["receptor"],
            "range": "<=3.14.0",
        },
        "receptor": {
            "name": "receptor",
            "severity": "moderate",
            "via": [{"title": "Prototype pollution in receptor", "url": "https://example.test/1"}],
            "range": "<1.0.1",
        },
    },
    "metadata": {"vulnerabilities": {"moderate": 2, "total": 2}},
}
ENDPOINT_REFUSED = {
    "message": "405 Method Not Allowed - POST https://registry.npmjs.org/-/npm/v1/security/advisories/bulk",
    "statusCode": 405,
    "error": {"summary": "", "detail": ""},
}
OFFLINE = {
    "error": {
        "code": "ENOTFOUND",
        "summary": "request to https://registry.npmjs.org/ failed, reason: getaddrinfo ENOTFOUND",
    }
}
NO_LOCKFILE = {
    "error": {"code": "ENOLOCK", "summary": "This command requires an existing lockfile."}
}


def test_a_clean_npm_report_passes():
    assert audit.npm_outcome(json.dumps(CLEAN)) == (audit.OK, [])


def test_an_npm_finding_fails_and_names_the_package_and_advisory():
    outcome, lines = audit.npm_outcome(json.dumps(VULNERABLE))

    assert outcome == audit.FINDINGS
    assert "receptor <1.0.1 (moderate): Prototype pollution in receptor" in lines
    assert "@uswds/uswds <=3.14.0 (moderate): through receptor" in lines


@pytest.mark.parametrize("report", [ENDPOINT_REFUSED, OFFLINE])
def test_an_npm_audit_service_that_cannot_be_asked_is_a_notice(report):
    assert audit.npm_outcome(json.dumps(report))[0] == audit.UNREACHABLE


@pytest.mark.parametrize("output", [json.dumps(NO_LOCKFILE), "npm ERR! something else"])
def test_any_other_npm_failure_fails(output):
    assert audit.npm_outcome(output)[0] == audit.ERROR


def _answering(status=200, body=b'{"info": {}, "vulnerabilities": []}'):
    def urlopen(request, timeout):
        if status != 200:
            raise urllib.error.HTTPError(request.full_url, status, "nope", {}, None)
        return io.BytesIO(body)

    return urlopen


def _offline(request, timeout):
    raise urllib.error.URLError("Name or service not known")


def test_pypi_probe_asks_for_the_per_version_document_pip_audit_reads():
    asked = []

    def urlopen(request, timeout):
        asked.append(request.full_url)
        return io.BytesIO(b"{}")

    assert audit.service_unreachable("pypi", urlopen=urlopen) is None
    version = audit.version("pip-audit")
    assert asked == [f"https://pypi.org/pypi/pip-audit/{version}/json"]


@pytest.mark.parametrize("service", ["pypi", "osv"])
def test_a_service_that_answers_is_reachable(service):
    assert audit.service_unreachable(service, urlopen=_answering()) is None


@pytest.mark.parametrize(
    ("urlopen", "reason"),
    [
        (_answering(status=404), "answered HTTP 404"),
        (_offline, "did not answer"),
        (_answering(body=b"<html>a proxy's page</html>"), "did not answer"),
    ],
)
def test_a_service_that_cannot_be_asked_says_why(urlopen, reason):
    assert reason in audit.service_unreachable("pypi", urlopen=urlopen)


def test_pip_audit_findings_fail_the_run(monkeypatch, capsys):
    monkeypatch.setattr(audit, "service_unreachable", lambda service: None)
    monkeypatch.setattr(audit.subprocess, "run", lambda *a, **k: type("C", (), {"returncode": 1}))
    monkeypatch.setattr(audit, "node_audit", lambda: audit.OK)

    assert audit.main() == 1
    assert "Dependency audit FAILED" in capsys.readouterr().out


def test_unreachable_services_are_a_notice_and_pass(monkeypatch, capsys):
    monkeypatch.setattr(audit, "service_unreachable", lambda service: "HTTP 404")
    monkeypatch.setattr(audit, "node_audit", lambda: audit.UNREACHABLE)

    assert audit.main() == 0
    assert "NOTICE: Python packages not audited" in capsys.readouterr().out


def test_an_unknown_service_is_refused(monkeypatch):
    monkeypatch.setenv("PIP_AUDIT_SERVICE", "pypi.example")
    assert audit.python_audit() == audit.ERROR
