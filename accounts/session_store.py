"""The session engine: Django's database sessions (rows shared by every process, ADR 15), in
fewer statements for the same rows (issue 9).

- ``SignInSessionMixin`` (``accounts.session_keys``, ADR 20): no look-up before a new key's
  INSERT, the sign-in's key cycle in one DELETE, a save of what was written already skipped.
- ``OneStatementSave`` (ADR 15): Django saves an existing session in a transaction of its own,
  BEGIN, the UPDATE, COMMIT, after the page's transaction has committed. One UPDATE is atomic by
  itself, so here it runs alone (autocommit): one round trip instead of three on every page
  that changes the session. Inside a transaction (the sign-in saving its session, a test)
  Django's savepoint is kept, so a failed save leaves the caller's transaction usable, as does
  creating a session (its INSERT may collide with a key taken meanwhile).
"""

from django.contrib.sessions.backends import db
from django.contrib.sessions.backends.base import UpdateError
from django.db import DatabaseError, connections, router

from .session_keys import SignInSessionMixin


class OneStatementSave(db.SessionStore):
    def save(self, must_create=False):
        using = router.db_for_write(self.model)
        if must_create or self.session_key is None or connections[using].in_atomic_block:
            return super().save(must_create=must_create)
        obj = self.create_model_instance(self._get_session())
        try:
            obj.save(force_update=True, using=using)
        except DatabaseError:  # the row is gone (signed out meanwhile), as Django's save says
            raise UpdateError from None


class SessionStore(SignInSessionMixin, OneStatementSave):
    pass
