"""Addresses for tests of services that do not answer."""

import socket


def closed_port() -> int:
    """A local port nothing listens on (it was free a moment ago): connecting is refused, as to
    a stopped Redis."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def unreachable_redis_cache() -> dict:
    """CACHES pointing at a Redis that does not answer."""
    return {
        "default": {
            "BACKEND": "iacs_portal.cache.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{closed_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
