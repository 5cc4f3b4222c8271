"""Production's cache backend (iacs_portal.cache): Django's Redis backend, its client kept."""

import os
import threading
from unittest import mock

import pytest
import redis
from django.core.cache import caches
from django.core.cache.backends import redis as django_redis

from iacs_portal.cache import RedisCache
from tests.network import closed_port


def redis_url() -> str:
    return os.environ.get("CELERY_TEST_BROKER_URL") or "redis://127.0.0.1:6379/15"


@pytest.fixture
def redis_cache(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "iacs_portal.cache.RedisCache",
            "LOCATION": redis_url(),
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
            "KEY_PREFIX": "test-cache",
        }
    }
    cache = caches["default"]
    try:
        cache.delete("probe")
    except redis.ConnectionError:
        pytest.skip(f"Redis does not answer at {redis_url()}")
    yield cache
    cache.clear()


def test_one_client_is_built_for_a_pool_and_reused(redis_cache):
    """Django's backend builds a redis.Redis on every call; this one builds it once."""
    built = mock.Mock(wraps=redis.Redis)
    redis_cache._cache._client = built
    redis_cache._cache._clients.clear()  # the fixture's probe built one already
    for attempt in range(5):
        redis_cache.set("key", attempt)
        assert redis_cache.get("key") == attempt
    assert built.call_count == 1
    assert redis_cache._cache.get_client(write=True) is redis_cache._cache.get_client()


def test_it_stores_as_djangos_backend_does(redis_cache):
    redis_cache.set("count", 1, timeout=30)
    assert redis_cache.incr("count", 2) == 3
    assert redis_cache.add("count", 9) is False
    assert redis_cache.get_many(["count", "missing"]) == {"count": 3}
    assert redis_cache.delete("count") is True
    assert redis_cache.get("count", "gone") == "gone"
    # The same key and value as Django's own backend, which reads what this one wrote.
    redis_cache.set("shared", {"a": 1})
    django_backend = django_redis.RedisCache(redis_url(), {"KEY_PREFIX": "test-cache"})
    assert django_backend.get("shared") == {"a": 1}
    django_backend.set("from-django", [1, 2])
    assert redis_cache.get("from-django") == [1, 2]


def test_threads_share_the_client_and_each_gets_its_own_answers(redis_cache):
    client = redis_cache._cache
    answers, errors = {}, []

    def work(number):
        try:
            for round_ in range(50):
                redis_cache.set(f"thread-{number}", (number, round_))
                answers[number] = redis_cache.get(f"thread-{number}")
        except Exception as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=work, args=(number,)) for number in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert answers == {number: (number, 49) for number in range(4)}
    assert len(client._clients) == 1


def test_each_server_keeps_its_own_client():
    """Several servers: writes go to the first, reads to the others, each pool its own client."""
    servers = [f"redis://127.0.0.1:{closed_port()}/0" for _ in range(3)]
    backend = RedisCache(servers, {})
    writer = backend._cache.get_client(write=True)
    readers = {id(backend._cache.get_client()) for _ in range(40)}
    assert backend._cache.get_client(write=True) is writer
    assert id(writer) not in readers and len(readers) == 2
    pools = {id(client.connection_pool) for client in backend._cache._clients.values()}
    assert pools == {id(pool) for pool in backend._cache._pools.values()} and len(pools) == 3


def test_a_redis_that_does_not_answer_raises_as_djangos_backend():
    backend = RedisCache(
        f"redis://127.0.0.1:{closed_port()}/0",
        {"OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1}},
    )
    with pytest.raises(redis.ConnectionError):
        backend.get("anything")
