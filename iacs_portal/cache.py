"""Production's cache: Django's Redis backend, with one Redis client kept per connection pool.

Django's ``RedisCacheClient.get_client`` builds a new ``redis.Redis`` on every cache call. The
connections are pooled, but building the client is not free: redis-py copies its table of
about 340 response callbacks into each new one, about 90 µs of CPU on the benchmark's machine,
more than the round trip to Redis it precedes (about 40 µs). A rate-limited POST paid it once
or twice (issue 9). A ``redis.Redis`` is safe to share between threads (each command takes a
connection from the pool and gives it back), so one built for a pool is kept and reused.

Everything else is Django's backend: the same keys, serializer, timeouts, options, and the
same errors when Redis does not answer.
"""

from django.core.cache.backends import redis as django_redis


class RedisCacheClient(django_redis.RedisCacheClient):
    """Django's client, whose ``get_client`` returns the one Redis client of its pool."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}  # id of a pool (kept in self._pools for good) -> its Redis client

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(django_redis.RedisCache):
    """``django.core.cache.backends.redis.RedisCache`` with the client above."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient
