from unittest import mock

import pytest

from iacs_portal.outbox.tasks import outgoing_email_deliver, outgoing_emails_deliver

from .support import SCRIPTED, ScriptedBackend


@pytest.fixture
def backend(settings, monkeypatch):
    """The scripted mail backend (``support.ScriptedBackend``); set its attributes to fail."""
    settings.EMAIL_BACKEND = SCRIPTED
    for name, value in vars(ScriptedBackend).items():
        if name in {"refuse", "refusals_left", "kill", "delay", "attempts"}:
            monkeypatch.setattr(ScriptedBackend, name, value)
    return ScriptedBackend


@pytest.fixture
def published():
    """What is handed to either deliver task while inside; the tasks do not run."""
    handed = []

    def recorder(task):
        def apply_async(args=None, **options):
            handed.append((task.name.rsplit(".", 1)[-1], *args))

        return apply_async

    with (
        mock.patch.object(outgoing_email_deliver, "apply_async", recorder(outgoing_email_deliver)),
        mock.patch.object(
            outgoing_emails_deliver, "apply_async", recorder(outgoing_emails_deliver)
        ),
    ):
        yield handed
