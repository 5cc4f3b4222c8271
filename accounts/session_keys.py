"""Fewer statements for the rows of Django's database sessions (ADR 20), mixed into the session
engine (``accounts.session_store``).

- A new key is not looked up first: the INSERT that must create its row fails on a key in use
  (``CreateError``) and ``create`` draws another, so the look-up only cost a query.
- ``cycle_key`` (every sign-in, against session fixation) only draws the new key: its row is
  inserted by the next ``save``, with the data as it is by then, where Django inserts it at
  once and updates it at the end. The old row is deleted at once, in one statement, or, where
  the store can (``_folds_replaced_row``: PostgreSQL), by that same INSERT, one statement for
  both; a ``delete``/``flush`` before that save deletes it too.
- A ``save`` of what this store wrote already, under the same key, writes nothing: the sign-in
  saves its session inside its own transaction (``accounts.signin``), and the middleware's
  save at the end of the request then only sets the cookie.
"""

from django.contrib.sessions.backends.base import VALID_KEY_CHARS, CreateError
from django.utils.crypto import get_random_string


class SignInSessionMixin:
    """Before Django's database ``SessionStore`` in the bases, with a store that answers
    ``_folds_replaced_row()``: whether its INSERT of a new row also deletes ``_replaces``' row,
    in the same statement (``accounts.session_store``)."""

    def __init__(self, session_key=None):
        super().__init__(session_key)
        self._row_missing = False  # a key drawn by cycle_key, whose row is not inserted yet
        self._written = None  # (key, serialized data) as this store last wrote them
        self._replaces = None  # the key cycled away from, whose row the next insert deletes

    def _get_new_session_key(self):
        return get_random_string(32, VALID_KEY_CHARS)

    def cycle_key(self):
        data = self._session
        old_key = self.session_key
        old_row_missing = self._row_missing  # cycled again before a save: no row to delete
        self._session_key = self._get_new_session_key()
        self._session_cache = data
        self._row_missing = True
        self.modified = True
        if not old_key or old_row_missing:
            return
        if self._folds_replaced_row():
            self._replaces = old_key
        else:
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
        keys = [session_key] if session_key is not None else []
        if session_key is None or session_key == self.session_key:
            self._written = None
            if session_key is None and self.session_key is not None:
                keys.append(self.session_key)
            if self._replaces is not None:  # the key cycle's old row, not deleted yet
                keys.append(self._replaces)
                self._replaces = None
        if len(keys) == 1:
            self.model.objects.filter(session_key=keys[0]).delete()
        elif keys:
            self.model.objects.filter(session_key__in=keys).delete()
