"""The web workers' garbage collection: after each response, not in the middle of a request.

CPython's cyclic collector runs when a process has allocated more container objects than it
freed since the last run: 700, by default, for the youngest generation, a threshold a page
crosses every few requests. It then runs inside whichever request crossed it, and now and then
it scans the oldest generation: every object the worker ever loaded (Django, the apps, their
modules: about 135,000 objects, over 100 ms a scan on the benchmark's machine). Under the
benchmark's load a request paid 0.16 to 0.3 ms of collection on average, most of it in the pages
that allocate most (ADR 24).

gunicorn's hooks (``gunicorn.conf.py``) call the two functions here:

- ``settle()``, once the worker has loaded the application: collects once, then freezes what
  is left (``gc.freeze``), so that no later collection scans the loaded application again;
  then raises the youngest generation's threshold to ``IN_REQUEST_THRESHOLD``, so that only a
  request allocating unusually much (a large export, say) collects while it runs.
- ``collect_after_response()``, once the response is written (gunicorn's ``post_request``):
  collects what CPython's own thresholds (``THRESHOLDS``) say is due, as its allocator would
  have, but after the person got the page.

The same objects are collected, by the same rule, only later: memory stays as bounded as before
(a request's garbage waits at most for the end of that request). The Celery worker, the
management commands and the development server keep CPython's defaults.
"""

import gc

# CPython's own thresholds (gc.get_threshold() of a new interpreter): the rule applied after
# each response.
THRESHOLDS = (700, 10, 10)
# The youngest generation's threshold while a request runs: a safety net, far above what a
# request leaves allocated (under the benchmark 700 were passed every five requests or so).
IN_REQUEST_THRESHOLD = 100_000


def due_generation(counts: tuple[int, int, int], thresholds=THRESHOLDS) -> int | None:
    """The generation CPython's allocator would collect now, given ``gc.get_count()``: none
    until the youngest passes its threshold; then the oldest one past its own (it collects the
    younger ones with it)."""
    if counts[0] <= thresholds[0]:
        return None
    for generation in (2, 1):
        if counts[generation] > thresholds[generation]:
            return generation
    return 0


def settle() -> None:
    """Once the application is loaded: freeze it out of every later collection, and collect
    during requests only past ``IN_REQUEST_THRESHOLD`` (module docstring)."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(IN_REQUEST_THRESHOLD, THRESHOLDS[1], THRESHOLDS[2])


def collect_after_response() -> int | None:
    """Collect what CPython's thresholds say is due; the generation collected, or None."""
    generation = due_generation(gc.get_count())
    if generation is not None:
        gc.collect(generation)
    return generation
