"""Hypothesis settings for the hostile-input tests.

``hostile``: few examples per form or page and no deadline, so the whole package stays within
its share of CI's time. In CI (``CI`` set, as ``.ci/run`` runs) the examples are derandomized:
the same inputs every run, so a red build is reproducible and no run passes by luck. Locally
each run draws new examples; set ``HYPOTHESIS_PROFILE=hostile-ci`` to replay CI's, or
``hostile-explore`` to try ten times as many.
"""

import os

from hypothesis import HealthCheck, settings

_COMMON = {
    "deadline": None,
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large],
    "print_blob": True,
}
settings.register_profile("hostile", max_examples=25, **_COMMON)
settings.register_profile("hostile-ci", max_examples=25, derandomize=True, database=None, **_COMMON)
# For a hunt before a release: HYPOTHESIS_PROFILE=hostile-explore (a few minutes).
settings.register_profile("hostile-explore", max_examples=250, **_COMMON)
settings.load_profile(
    os.environ.get("HYPOTHESIS_PROFILE") or ("hostile-ci" if os.environ.get("CI") else "hostile")
)
