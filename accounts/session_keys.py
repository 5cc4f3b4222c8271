"""Fewer statements for the rows of Django's database sessions (ADR 20), mixed into the session
engine (``accounts.session_store``).

- A new key is not looked up first: the INSERT that must create its row fails on a key in use
  (``CreateError``) and ``create`` draws another, so the look-up only cost a query.
- ``cycle_key`` (every sign-in, against session fixation) deletes the old row at once, in one
  statement, but only draws the new key: its row is inserted by the next ``save``, with the
  data as it is by then, where Django inserts it at once and updates it at the end.
- A ``save`` of what this store wrote already, under the same key, writes nothing: the sign-in
  saves its session inside its own transaction (``accounts.signin``), and the middleware's
  save at the end of the request then only sets the cookie.
"""

from django.contrib.sessions.backends.base import VALID_KEY_CHARS, CreateError
from django.utils.crypto import get_random_string


class SignInSessionMixin:
    """Before Django's database ``SessionStore`` in the bases."""

    def __init__(self, session_key=None):
        super().__init__(session_key)
        self._row_missing = False  # a key drawn by cycle_key, whose row is not inserted yet
        self._written = None  # (key, serialized data) as this store last wrote them

    def _get_new_session_key(self):
        return get_random_string(32, VALID_KEY_CHARS)

    def cycle_key(self):
        data = self._session
        old_key = self.session_key
        self._session_key = self._get_new_session_key()
        self._session_cache = data
        self._row_missing = True
        self.modified = True
        if old_key:
            self.delete(old_key)

    def save(self, must_create=False):
        if self._row_missing and not must_create:
            try:
                return self.save(must_create=True)
            except CreateError:  # the key drawn is in use after all: another one
                return self.create()
        if self.session_key is None:
            return self.create()
        written = (
            self.session_key,
            self.serializer().dumps(self._get_session(no_load=must_create)),
        )
        if not must_create and written == self._written:
            return
        super().save(must_create=must_create)
        self._row_missing = False
        self._written = written

    def delete(self, session_key=None):
        if session_key is None:
            if self.session_key is None:
                return
            session_key = self.session_key
        if session_key == self.session_key:
            self._written = None
        self.model.objects.filter(session_key=session_key).delete()
