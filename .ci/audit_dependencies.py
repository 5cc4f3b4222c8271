"""Known vulnerabilities in the dependencies (`make audit`, ADR 16).

- Python: pip-audit over the installed environment (.venv: the runtime packages, the test and
  run extras, pip itself; the portal's own editable install is skipped), with --strict, so a
  package the service cannot look up fails too. The service is PyPI's JSON API (`-s pypi`,
  the PyPA advisory database); PIP_AUDIT_SERVICE=osv asks OSV instead.
- Front end: `npm audit --omit=dev`, the packages served to browsers (USWDS); axe-core is a
  devDependency, used only by the tests.

A finding, or any other failure, exits 1. A service that cannot be asked (no network, or a
mirror or proxy that does not serve the vulnerability endpoints) is not a finding: a NOTICE
says which check did not run, and the run goes on. PyPI is probed first, because pip-audit
reports a lookup that failed the same way as a package missing from PyPI.
"""

import json
import os
import subprocess  # nosec B404 # runs pip-audit and npm, with fixed arguments
import sys
import urllib.error
import urllib.request
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TIMEOUT_SECONDS = 15
PROBE_PACKAGE = "pip-audit"  # surely on PyPI and installed: its own version is looked up
SERVICES = {"pypi", "osv"}
# npm's codes for a registry it could not reach at all.
NPM_NETWORK_CODES = {"ENOTFOUND", "EAI_AGAIN", "ECONNREFUSED", "ECONNRESET", "ETIMEDOUT"}

OK, FINDINGS, UNREACHABLE, ERROR = "ok", "findings", "unreachable", "error"


def _probe_request(service: str) -> urllib.request.Request:
    installed = version(PROBE_PACKAGE)
    if service == "osv":
        query = {"package": {"name": PROBE_PACKAGE, "ecosystem": "PyPI"}, "version": installed}
        return urllib.request.Request(
            "https://api.osv.dev/v1/query",
            data=json.dumps(query).encode(),
            headers={"Content-Type": "application/json"},
        )
    # The per-version document is what pip-audit reads: some mirrors serve only /pypi/<name>/json.
    return urllib.request.Request(f"https://pypi.org/pypi/{PROBE_PACKAGE}/{installed}/json")


def service_unreachable(service: str, urlopen=urllib.request.urlopen) -> str | None:
    """Why pip-audit's vulnerability service cannot be asked, or None when it answers."""
    request = _probe_request(service)
    try:
        with urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # nosec B310 # fixed https URL
            json.load(response)
    except urllib.error.HTTPError as error:
        return f"{request.full_url} answered HTTP {error.code}"
    except (OSError, ValueError) as error:  # URLError and timeouts are OSErrors
        return f"{request.full_url} did not answer: {error}"
    return None


def python_audit() -> str:
    service = os.environ.get("PIP_AUDIT_SERVICE", "pypi")
    if service not in SERVICES:
        print(f"error: PIP_AUDIT_SERVICE must be one of {sorted(SERVICES)}, not {service!r}")
        return ERROR
    reason = service_unreachable(service)
    if reason:
        print(
            f"NOTICE: Python packages not audited: the {service} service cannot be asked ({reason})."
        )
        return UNREACHABLE
    command = [sys.executable, "-m", "pip_audit", "--vulnerability-service", service, "--strict"]
    command += ["--skip-editable", "--progress-spinner", "off"]
    print("$", " ".join(command[2:]), flush=True)
    completed = subprocess.run(command, cwd=ROOT, check=False)  # noqa: S603  # nosec B603 # fixed
    return OK if completed.returncode == 0 else FINDINGS


def npm_outcome(output: str) -> tuple[str, list[str]]:
    """Reads `npm audit --json`: the outcome and the lines that explain it."""
    try:
        report = json.loads(output)
    except ValueError:
        return ERROR, ["npm audit did not write JSON:", output.strip()[:2000]]
    if "auditReportVersion" in report:
        found = report.get("vulnerabilities", {})
        if not found:
            return OK, []
        lines = []
        for name, entry in sorted(found.items()):
            advisories = [via["title"] for via in entry.get("via", []) if isinstance(via, dict)]
            detail = "; ".join(advisories) or "through " + ", ".join(map(str, entry.get("via", [])))
            lines.append(f"{name} {entry.get('range', '')} ({entry.get('severity')}): {detail}")
        return FINDINGS, lines
    error = report.get("error") if isinstance(report.get("error"), dict) else {}
    code = report.get("code") or error.get("code")
    message = report.get("message") or error.get("summary") or json.dumps(report)[:500]
    if "statusCode" in report or code in NPM_NETWORK_CODES:
        return UNREACHABLE, [message]
    return ERROR, [f"npm audit failed ({code}): {message}"]


def node_audit() -> str:
    command = ["npm", "audit", "--omit=dev", "--json"]
    print("$", " ".join(command), flush=True)
    try:
        completed = subprocess.run(  # noqa: S603  # nosec B603 # fixed arguments, npm from PATH
            command, cwd=ROOT, capture_output=True, text=True, check=False
        )
    except FileNotFoundError:
        print("error: npm is needed (install Node.js and npm)")
        return ERROR
    outcome, lines = npm_outcome(completed.stdout)
    if outcome == UNREACHABLE:
        print(
            f"NOTICE: front-end packages not audited: the npm registry's audit cannot be asked ({lines[0]})."
        )
    elif outcome == OK:
        print("No known vulnerabilities found in the front-end runtime packages")
    else:
        print("\n".join(lines))
    return outcome


def main() -> int:
    outcomes = [python_audit(), node_audit()]
    if FINDINGS in outcomes or ERROR in outcomes:
        print("Dependency audit FAILED")
        return 1
    if UNREACHABLE in outcomes:
        print("Dependency audit: done where a service answered; see the NOTICE above")
    else:
        print("Dependency audit: no known vulnerabilities")
    return 0


if __name__ == "__main__":
    sys.exit(main())
