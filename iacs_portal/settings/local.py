"""Local development: DEBUG on, SQLite, tasks in process, mail to the outbox (all defaults)."""

import os

os.environ.setdefault("DEBUG", "true")

from .base import *  # noqa: E402,F403
