"""Rasa's Redis tracker and lock stores on the Redis of the settings (`CASINRA_REDIS_URL`).

`endpoints.yml` names these classes, so the stores read one URL (any form redis-py accepts,
`rediss://` and passwords included) instead of host, port and database written out by hand.
Keys: `casinra:tracker:<conversation>` and `casinra:lock:<conversation>` (Rasa accepts only an
alphanumeric prefix and adds the `tracker:` / `lock:` part itself).
"""
from __future__ import annotations

from typing import Any, Optional, Text

import redis
from rasa.core.brokers.broker import EventBroker
from rasa.core.lock_store import DEFAULT_SOCKET_TIMEOUT_IN_SECONDS, RedisLockStore
from rasa.core.tracker_store import RedisTrackerStore
from rasa.shared.core.domain import Domain
from rasa.utils.endpoints import EndpointConfig

from bot.settings import BotSettings

KEY_PREFIX = "casinra"


class CasinraTrackerStore(RedisTrackerStore):
    """Conversation trackers in Redis, shared by every Rasa replica."""

    def __init__(self, domain: Domain, host: Optional[Text] = None,
                 event_broker: Optional[EventBroker] = None, **kwargs: Any) -> None:
        # `host` is endpoints.yml's `url`, unused: the URL comes from the settings.
        kwargs.pop("key_prefix", None)
        super().__init__(domain, event_broker=event_broker, key_prefix=KEY_PREFIX, **kwargs)
        # Rasa's constructor builds a client from host/port/db (it connects lazily): replace it.
        self.red = redis.StrictRedis.from_url(BotSettings().redis_url, decode_responses=True)


class CasinraLockStore(RedisLockStore):
    """Per-conversation locks in Redis, so two replicas never process one conversation at once."""

    def __init__(self, endpoint_config: Optional[EndpointConfig] = None) -> None:
        super().__init__(key_prefix=KEY_PREFIX)
        # as above: the client of the settings' URL instead of Rasa's host/port/db one
        self.red = redis.StrictRedis.from_url(BotSettings().redis_url,
                                              socket_timeout=DEFAULT_SOCKET_TIMEOUT_IN_SECONDS)
