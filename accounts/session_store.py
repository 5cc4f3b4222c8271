"""Sessions as rows in the database (Django's ``db`` backend), saved in fewer round trips.

Django saves an existing session in a transaction of its own: BEGIN, the UPDATE, COMMIT, after
the page's transaction has committed. One UPDATE is atomic by itself, so here it runs alone
(autocommit): one round trip instead of three on every page that changes the session (issue 9).
Inside a transaction (a view saving the session itself, a test) Django's savepoint is kept, so
a failed save leaves the caller's transaction usable, as does creating a session (its INSERT may
collide with a key taken meanwhile).
"""

from django.contrib.sessions.backends import db
from django.contrib.sessions.backends.base import UpdateError
from django.db import DatabaseError, connections, router


class SessionStore(db.SessionStore):
    def save(self, must_create=False):
        using = router.db_for_write(self.model)
        if must_create or self.session_key is None or connections[using].in_atomic_block:
            return super().save(must_create=must_create)
        obj = self.create_model_instance(self._get_session())
        try:
            obj.save(force_update=True, using=using)
        except DatabaseError:  # the row is gone (signed out meanwhile), as Django's save says
            raise UpdateError from None
