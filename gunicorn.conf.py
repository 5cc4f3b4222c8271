"""gunicorn's settings for the web process (Procfile `web`), read from the environment.

| variable | default | |
|---|---|---|
| GUNICORN_BIND | 0.0.0.0:$PORT (PORT 8000) | where to listen; the load balancer sends here |
| WEB_CONCURRENCY | 2 | worker processes (each one request at a time); about 2 per core |
| GUNICORN_TIMEOUT | 30 | seconds a request may take before its worker is restarted |
| LOG_FORMAT, LOG_LEVEL | json, INFO | as the portal's own logs |
| GUNICORN_GC_AFTER_RESPONSE | true | collect garbage after each response (below); false: as CPython does |

No access log: the portal writes one line per request itself (iacs_portal.request_log) with the
request id, the path without its query string and the duration. gunicorn's own messages (start,
workers, timeouts) are JSON lines like the portal's when LOG_FORMAT is json.
"""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iacs_portal.settings.production")

wsgi_app = "iacs_portal.wsgi:application"
bind = [os.environ.get("GUNICORN_BIND") or f"0.0.0.0:{os.environ.get('PORT', '8000')}"]
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
# A worker is replaced after this many requests, so that slow leaks never build up.
max_requests = 2000
max_requests_jitter = 200
# gunicornc's control socket is one path per user ($HOME/.gunicorn): off, so that two servers on
# one machine (a test beside make prod) never take each other's.
control_socket_disable = True
accesslog = None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "INFO").lower()

if os.environ.get("LOG_FORMAT", "json") == "json":
    _json_handler = {
        "class": "logging.StreamHandler",
        "formatter": "json",
        "stream": "ext://sys.stderr",
    }
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"json": {"()": "iacs_portal.logs.JsonFormatter"}},
        "handlers": {"console": _json_handler, "error_console": _json_handler},
        "root": {"level": loglevel.upper(), "handlers": ["console"]},
        "loggers": {
            "gunicorn.error": {
                "level": loglevel.upper(),
                "handlers": ["error_console"],
                "propagate": False,
                "qualname": "gunicorn.error",
            },
            "gunicorn.access": {"level": "INFO", "handlers": [], "propagate": False},
        },
    }

# Garbage collection after each response, not during the request, the loaded application frozen
# out of it: iacs_portal.garbage_collection (ADR 24).
if os.environ.get("GUNICORN_GC_AFTER_RESPONSE", "true").lower() in ("true", "1", "yes", "on"):

    def post_worker_init(worker):
        from iacs_portal.garbage_collection import settle

        settle()

    def post_request(worker, req, environ, resp):
        from iacs_portal.garbage_collection import collect_after_response

        collect_after_response()
