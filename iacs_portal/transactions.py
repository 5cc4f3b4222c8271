"""Which requests run in a database transaction (ATOMIC_REQUESTS, with one exception).

Every view runs in a transaction (``ATOMIC_REQUESTS``), so a change and its audit event and
email commit together or not at all. A view made with ``AtomicUnlessSafe`` keeps that for every
method except GET and HEAD, which only read: they run in autocommit, without the BEGIN and
COMMIT round trips a one-query page would otherwise pay (the registration wizard's pages,
issue 9). Such a view must not write on GET; a single self-contained statement (a stale draft
deleted) is its own transaction in autocommit.
"""

from functools import update_wrapper

from django.db import transaction

SAFE_METHODS = frozenset({"GET", "HEAD"})


class AtomicUnlessSafe:
    """A class-based view whose POST (and any other unsafe method) runs in a transaction, as
    ``ATOMIC_REQUESTS`` would run it, and whose GET and HEAD run in autocommit."""

    @classmethod
    def as_view(cls, **initkwargs):
        view = super().as_view(**initkwargs)
        atomic_view = transaction.atomic(view)

        def atomic_unless_safe(request, *args, **kwargs):
            if request.method in SAFE_METHODS:
                return view(request, *args, **kwargs)
            return atomic_view(request, *args, **kwargs)

        update_wrapper(atomic_unless_safe, view)
        return transaction.non_atomic_requests(atomic_unless_safe)
