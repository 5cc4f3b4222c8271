"""The benchmark's settings: production's, with only what a load test from one address needs.

Every deviation from iacs_portal.settings.production, and why (docs/performance.md lists them):
- ROOT_URLCONF adds the floor (tests.performance.urls): a bare view and a minimal template,
  measured through the same middleware and server as the pages.
- The template directory of the floor's template.
The per-client rate limits are raised through their RATE_LIMIT_* variables by the harness (all
the load comes from 127.0.0.1), not here; HTTPS redirect and Secure cookies are turned off by
variables as `make prod` does (plain HTTP on 127.0.0.1).
"""

from pathlib import Path

from iacs_portal.settings.production import *  # noqa: F403
from iacs_portal.settings.production import TEMPLATES

ROOT_URLCONF = "tests.performance.urls"
TEMPLATES[0]["DIRS"] = [*TEMPLATES[0]["DIRS"], Path(__file__).resolve().parent / "templates"]
