from datetime import UTC, datetime

import pytest
import time_machine

# 5 seconds into a 30-second step of the authenticator apps, so a test can move a few seconds
# without changing the code an app shows.
START = datetime(2026, 3, 2, 14, 0, 5, tzinfo=UTC)


@pytest.fixture
def clock():
    """Time stands still at START until the test moves it (``clock.shift``)."""
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller
