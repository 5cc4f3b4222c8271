import pytest

from .support import SCRIPTED, ScriptedBackend


@pytest.fixture
def backend(settings, monkeypatch):
    """The scripted mail backend (``support.ScriptedBackend``); set its attributes to fail."""
    settings.EMAIL_BACKEND = SCRIPTED
    for name, value in vars(ScriptedBackend).items():
        if name in {"refuse", "refusals_left", "kill", "delay", "attempts"}:
            monkeypatch.setattr(ScriptedBackend, name, value)
    return ScriptedBackend
