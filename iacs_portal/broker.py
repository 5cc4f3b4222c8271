"""The Celery broker's transport: kombu's Redis transport, with one Redis client kept a channel.

kombu's Redis channel builds a new ``redis.Redis`` for nearly every command it sends
(``Channel.conn_or_acquire`` without a client): each email handed to Celery paid it once, about
90 µs of CPU (redis-py copies its table of about 340 response callbacks into each client), as
much as building the message. Its connections are pooled already; the client is not. A
``redis.Redis`` is safe to share (each command borrows a connection from the pool), so the
channel here builds one, on first use, and sends every such command through it. Everything
else is kombu's: the URL, the pools, the options (``CELERY_BROKER_TRANSPORT_OPTIONS``), the
errors when Redis does not answer. Used for ``redis://`` brokers (settings ``delivery``).

redis-py names itself and its version to the server (``CLIENT SETINFO``) on every connection,
and reads its version from the installed package's metadata for each connection it makes: a
file read and a parse of its headers, about 0.4 ms of CPU. A kept connection pays it once; but
while the broker is down every email handed over makes a new connection that fails, and that
read was a third of the attempt's cost, spent after each page that queues an email. The
channel here gives redis-py the same name and version, read once (``DRIVER``).
"""

from contextlib import contextmanager
from functools import cached_property

from kombu.transport import redis
from redis.driver_info import DriverInfo

# redis-py's own name and version (its defaults), read from the package's metadata once.
DRIVER = DriverInfo()


class Channel(redis.Channel):
    def _connparams(self, asynchronous=False):
        return {**super()._connparams(asynchronous), "driver_info": DRIVER}

    @cached_property
    def _kept_client(self):
        return self._create_client()

    @contextmanager
    def conn_or_acquire(self, client=None):
        """As kombu's: ``client`` when one is given, else the channel's own (kept) client."""
        yield client or self._kept_client


class Transport(redis.Transport):
    Channel = Channel
