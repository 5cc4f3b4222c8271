"""Which requests run in a database transaction (ATOMIC_REQUESTS, with one exception), and the
session written in it.

Every view runs in a transaction (``ATOMIC_REQUESTS``), so a change and its audit event and
email commit together or not at all. A view made with ``AtomicUnlessSafe`` keeps that for every
method except GET and HEAD, which only read: they run in autocommit, without the BEGIN and
COMMIT round trips a one-query page would otherwise pay (the registration wizard's pages,
issue 9). Such a view must not write on GET; a single self-contained statement (a stale draft
deleted) is its own transaction in autocommit.

A view in a transaction that changed the session has it written before the transaction commits
(``session_saved_in_transaction``, ADR 20): one commit a request, where Django's session
middleware wrote the row after the transaction, in a commit of its own, which waits for the
disk as long as the page's own. On PostgreSQL its UPDATE is held and sent with the COMMIT
(ADR 23), and a row gone by then fails the COMMIT with ``SESSION_GONE``: the same 400.
"""

from functools import update_wrapper, wraps

from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.exceptions import SessionInterrupted
from django.db import DatabaseError, connection, transaction

SAFE_METHODS = frozenset({"GET", "HEAD"})
# The SQLSTATE of a session saved held (``save_held``: its UPDATE sent with the COMMIT, ADR 23)
# whose row was gone by then: what UpdateError says of a save made at once.
SESSION_GONE = "IAS01"
SESSION_GONE_WORDS = (  # SessionMiddleware's own
    "The request's session was deleted before the request completed. The user may have "
    "logged out in a concurrent request, for example."
)


def session_saved_in_transaction(view):
    """``view``, whose session, when it changed it, is saved before the view's transaction ends.

    As ``SessionMiddleware`` would save it after the response (changed, not empty, not a 500),
    but inside the transaction, so the row commits with the view's changes. The middleware then
    only sets the cookie: the engine (``accounts.session_store``) skips a save of what it just
    wrote, and writes again whatever changed the session after (a message stored in it, say).
    A row found gone (signed out in another tab meanwhile) stops the request with the 400 the
    middleware gave (SessionInterrupted), and now nothing of it commits. Outside a transaction
    (a GET in autocommit) nothing is saved here, nor in a transaction that will roll back (a
    service refused without a savepoint of its own, the view answering with a message: the
    approver's decision refused): the middleware saves the session after it, as before.
    """

    @wraps(view)
    def saving_view(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        session = getattr(request, "session", None)
        if (
            session is not None
            and session.modified
            and response.status_code != 500
            and not session.is_empty()
            and connection.in_atomic_block
            and not connection.needs_rollback
        ):
            try:
                # Held for the COMMIT where the engine can (accounts.session_store): a row gone
                # by then fails it with SESSION_GONE (atomic_unless_safe).
                getattr(session, "save_held", session.save)()
            except UpdateError:
                raise SessionInterrupted(SESSION_GONE_WORDS) from None
        return response

    return saving_view


class AtomicUnlessSafe:
    """A class-based view whose POST (and any other unsafe method) runs in a transaction, as
    ``ATOMIC_REQUESTS`` would run it, with its session saved in it, and whose GET and HEAD run
    in autocommit."""

    @classmethod
    def as_view(cls, **initkwargs):
        view = super().as_view(**initkwargs)
        atomic_view = transaction.atomic(session_saved_in_transaction(view))

        def atomic_unless_safe(request, *args, **kwargs):
            if request.method in SAFE_METHODS:
                return view(request, *args, **kwargs)
            try:
                return atomic_view(request, *args, **kwargs)
            except DatabaseError as error:  # rolled back: nothing of the request commits
                if getattr(error.__cause__, "pgcode", None) == SESSION_GONE:
                    raise SessionInterrupted(SESSION_GONE_WORDS) from None
                raise

        update_wrapper(atomic_unless_safe, view)
        return transaction.non_atomic_requests(atomic_unless_safe)
