"""What counts as a passing outage of Redis (a restart, a failover, a dropped connection): the
errors a socket's loops retry with backoff instead of dying (`sockets.resilient`)."""
from __future__ import annotations

from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

# BusyLoadingError (Redis still loading its data set after a restart) is a ConnectionError
TRANSIENT: tuple[type[BaseException], ...] = (RedisConnectionError, RedisTimeoutError, ConnectionError, TimeoutError)
