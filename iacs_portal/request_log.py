"""One log line per request: method, path, status and duration, under the request's id.

Only those: never the query string, a header, a cookie or the body (the POST of the User
Information step holds an SSN). A path that carries a secret (the emailed reset link) is cut to
its prefix by iacs_portal.logs. Static files and the health check, which a load balancer polls
every few seconds, are logged at DEBUG, below production's INFO.
"""

import logging
import time

from .logs import redact

logger = logging.getLogger("iacs_portal.request")

QUIET_PREFIXES = ("/static/", "/favicon.ico", "/health/")
MAX_PATH_LENGTH = 300


class RequestLogMiddleware:
    """Second in MIDDLEWARE, right after the request id is set, so it times everything else."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        duration_ms = round((time.perf_counter() - started) * 1000, 1)
        path = redact(request.path)[:MAX_PATH_LENGTH]
        quiet = request.path.startswith(QUIET_PREFIXES) and response.status_code < 500
        logger.log(
            logging.DEBUG if quiet else logging.INFO,
            "%s %s %s %.1fms",
            request.method,
            path,
            response.status_code,
            duration_ms,
            extra={
                "method": request.method,
                "path": path,
                "status": response.status_code,
                "duration_ms": duration_ms,
            },
        )
        return response
