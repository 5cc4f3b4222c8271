"""The broker's transport (iacs_portal.broker): kombu's Redis transport, its client kept."""

import os
from unittest import mock

import pytest
import redis
from kombu import Connection
from kombu.exceptions import OperationalError
from kombu.transport import redis as kombu_redis  # noqa: F401 (imported before redis.Redis is wrapped)
from redis.utils import get_lib_version

import iacs_portal.broker  # noqa: F401 (likewise)
from tests.network import closed_port


def broker_url() -> str:
    return os.environ.get("CELERY_TEST_BROKER_URL") or "redis://127.0.0.1:6379/15"


@pytest.fixture
def queue_name():
    name = f"test-broker-{os.getpid()}"
    yield name
    redis.Redis.from_url(broker_url()).delete(name)


def publish_and_read(transport: str, queue_name: str, count: int) -> tuple[list, int]:
    """``count`` messages through ``transport`` and back; how many Redis clients were built."""
    built = mock.Mock(wraps=redis.Redis)
    with (
        mock.patch.object(redis, "Redis", built),
        Connection(broker_url(), transport=transport) as conn,
    ):
        try:
            conn.ensure_connection(max_retries=1)
        except Exception:
            pytest.skip(f"Redis does not answer at {broker_url()}")
        queue = conn.SimpleQueue(queue_name)
        for number in range(count):
            queue.put({"email_id": number})
        received = []
        for _ in range(count):
            message = queue.get(timeout=5)
            received.append(message.payload)
            message.ack()
        queue.close()
    return received, built.call_count


def test_messages_go_and_come_back_through_one_client(queue_name):
    received, built = publish_and_read("iacs_portal.broker:Transport", queue_name, 10)
    assert received == [{"email_id": number} for number in range(10)]
    # kombu's own transport builds one for (nearly) every command: each put, get and ack.
    _, built_by_kombu = publish_and_read("redis", queue_name, 10)
    assert built_by_kombu >= 20
    assert built <= 3  # the channel's kept client, the one it reads with, a pool's checks


def test_a_broker_that_does_not_answer_raises_as_kombus_transport():
    url = f"redis://127.0.0.1:{closed_port()}/0"
    conn = Connection(url, transport="iacs_portal.broker:Transport", connect_timeout=1)
    with conn, pytest.raises(OperationalError):
        conn.ensure_connection(max_retries=0)


def attempts_reading_the_version(transport: str, attempts: int) -> int:
    """How many times redis-py read its version while ``attempts`` publishes failed."""
    url = f"redis://127.0.0.1:{closed_port()}/0"
    with mock.patch("redis.utils.get_lib_version", wraps=get_lib_version) as read:
        for _ in range(attempts):
            conn = Connection(url, transport=transport, connect_timeout=1)
            with conn, pytest.raises(OperationalError):
                conn.ensure_connection(max_retries=0)
    return read.call_count


def test_a_broker_that_is_down_costs_no_read_of_redis_pys_version():
    # kombu's own transport: each failed attempt reads the installed package's metadata.
    assert attempts_reading_the_version("redis", 3) >= 3
    assert attempts_reading_the_version("iacs_portal.broker:Transport", 3) == 0


def test_the_broker_is_told_redis_pys_own_name_and_version(queue_name):
    with Connection(broker_url(), transport="iacs_portal.broker:Transport") as conn:
        try:
            conn.ensure_connection(max_retries=1)
        except Exception:
            pytest.skip(f"Redis does not answer at {broker_url()}")
        pool = conn.default_channel.client.connection_pool
        told = pool.get_connection().driver_info  # what CLIENT SETINFO sends
    # redis-py's defaults: its name and the installed version (Redis 7.2 and later show them).
    assert (told.formatted_name, told.lib_version) == ("redis-py", get_lib_version())
