"""Handing emails to Celery once the response is sent: no page waits on the broker (ADR 14).

A commit's emails are handed to Celery on commit (``services``). During a request, that
handoff waits until the response has been written to the client: Django sends
``request_finished`` when the server closes the response, after its last byte. The person
does not wait for the publish (about 0.6 ms with the broker up; with it down, its refusal),
and the worker, woken by the message, no longer shares the CPU with the rest of the page. The
emails are already committed: should the process die before the handoff, the periodic
redispatch sends them, as when the broker is down.

Outside a request (a Celery task, a management command, a test calling a service) the handoff
runs at once. Django's test client closes each response before it returns, so a test sees
the emails handed over (or, with eager Celery, delivered) as soon as its request returns.
"""

from collections.abc import Callable
from contextvars import ContextVar, copy_context
from functools import partial

from django.core.signals import request_finished, request_started

# The handoffs waiting for the response of the request being handled; None outside a request.
_waiting: ContextVar[list[Callable[[], object]] | None] = ContextVar(
    "outbox_handoffs", default=None
)


def after_response(handoff: Callable[[], object]) -> None:
    """Run ``handoff`` once the response of the request being handled is sent; now if none is.

    It runs in a copy of the context it was decided in: the request's id (django-guid, which
    clears its own at ``request_finished``) still goes with the task to the worker's logs.
    """
    waiting = _waiting.get()
    if waiting is None:
        handoff()
    else:
        waiting.append(partial(copy_context().run, handoff))


def _request_started(**_kwargs) -> None:
    _run_waiting()  # a response that was never closed: its handoffs go now
    _waiting.set([])


def _run_waiting(**_kwargs) -> None:
    """Run the waiting handoffs (each never raises for the broker; see services._publish)."""
    waiting = _waiting.get()
    _waiting.set(None)
    for handoff in waiting or ():
        handoff()


def connect_signals() -> None:
    """Called once by the outbox app's ``ready``."""
    request_started.connect(_request_started, dispatch_uid="outbox-handoff-start")
    request_finished.connect(_run_waiting, dispatch_uid="outbox-handoff-finish")
