"""The session engine: Django's database sessions (rows shared by every process, ADR 15), with
fewer statements for the same rows (``SignInSessionMixin``, ADR 20).
"""

from django.contrib.sessions.backends import db

from .session_keys import SignInSessionMixin


class SessionStore(SignInSessionMixin, db.SessionStore):
    pass
