"""Requests at the same instant, for the tests of races (PostgreSQL row locks)."""

import threading
from unittest import mock

from django.db import connections


def posts_at_once(clients, url: str, data: dict, *, held_at: tuple[object, str]) -> list:
    """Each client posts ``data`` to ``url`` in its own thread and database connection; the
    requests are held at the door of ``held_at`` (a module and the name of a function it calls)
    until all have reached it, so what that function does, they do at the same instant.

    The status code of each response, in the clients' order (or the error a request raised).
    """
    module, name = held_at
    function = getattr(module, name)
    barrier = threading.Barrier(len(clients))
    statuses = [None] * len(clients)

    def together(*args, **kwargs):
        barrier.wait(timeout=10)
        return function(*args, **kwargs)

    def post(index, client):
        try:
            statuses[index] = client.post(url, data).status_code
        except Exception as error:  # shown by the caller's assertion on the statuses
            statuses[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=post, args=pair) for pair in enumerate(clients)]
    with mock.patch.object(module, name, together):
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=30)
    return statuses
