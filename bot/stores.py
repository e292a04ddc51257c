"""Rasa's Redis tracker and lock stores on the Redis of the settings (`CASINRA_REDIS_URL`).

`endpoints.yml` names these classes, so the stores read one URL (any form redis-py accepts,
`rediss://` and passwords included) instead of host, port and database written out by hand.
Keys: `casinra:tracker:<conversation>` and `casinra:lock:<conversation>` (Rasa accepts only an
alphanumeric prefix and adds the `tracker:` / `lock:` part itself).

Personal data (docs/security.md): a tracker expires `CASINRA_TRACKER_TTL_S` after its last turn
(default 7 days, the gateway's history), and what players typed is stored with card numbers,
IBANs, T.C. kimlik numbers, phone numbers and e-mail addresses masked (`casinra_contracts.pii`).
The bot works on the clear text during the turn; what a form needs keeps its slot.
"""
from __future__ import annotations

import json
from typing import Any, Dict, Optional, Text

import redis
from pydantic import Field
from rasa.core.brokers.broker import EventBroker
from rasa.core.lock_store import DEFAULT_SOCKET_TIMEOUT_IN_SECONDS, RedisLockStore
from rasa.core.tracker_store import RedisTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from bot.settings import BotSettings
from casinra_contracts.pii import mask_text

KEY_PREFIX = "casinra"
SPOKEN = ("user", "bot")  # events that carry what someone wrote


class StoreSettings(BotSettings):
    # seconds a conversation's tracker is kept after its last turn (KVKK retention, docs/security.md)
    tracker_ttl_s: int = Field(7 * 24 * 3600, gt=0)


def mask_dialogue(dialogue: Dict[str, Any]) -> Dict[str, Any]:
    """A serialised dialogue with personal data masked in every text and entity value."""
    for event in dialogue.get("events") or []:
        if event.get("event") not in SPOKEN:
            continue
        if isinstance(event.get("text"), str):
            event["text"] = mask_text(event["text"])
        parse = event.get("parse_data")
        if isinstance(parse, dict):
            if isinstance(parse.get("text"), str):
                parse["text"] = mask_text(parse["text"])
            for entity in parse.get("entities") or []:
                if isinstance(entity, dict) and isinstance(entity.get("value"), str):
                    entity["value"] = mask_text(entity["value"])
    return dialogue


class CasinraTrackerStore(RedisTrackerStore):
    """Conversation trackers in Redis, shared by every Rasa replica; they expire, and hold masked text."""

    def __init__(self, domain: Domain, host: Optional[Text] = None,
                 event_broker: Optional[EventBroker] = None, **kwargs: Any) -> None:
        # `host` is endpoints.yml's `url`, unused: the URL comes from the settings.
        kwargs.pop("key_prefix", None)
        settings = StoreSettings()
        kwargs.setdefault("record_exp", settings.tracker_ttl_s)
        super().__init__(domain, event_broker=event_broker, key_prefix=KEY_PREFIX, **kwargs)
        # Rasa's constructor builds a client from host/port/db (it connects lazily): replace it.
        self.red = redis.StrictRedis.from_url(settings.redis_url, decode_responses=True)

    def serialise_tracker(self, tracker: DialogueStateTracker) -> Text:  # type: ignore[override]
        return json.dumps(mask_dialogue(tracker.as_dialogue().as_dict()))


class CasinraLockStore(RedisLockStore):
    """Per-conversation locks in Redis, so two replicas never process one conversation at once."""

    def __init__(self, endpoint_config: Optional[EndpointConfig] = None) -> None:
        super().__init__(key_prefix=KEY_PREFIX)
        # as above: the client of the settings' URL instead of Rasa's host/port/db one
        self.red = redis.StrictRedis.from_url(BotSettings().redis_url,
                                              socket_timeout=DEFAULT_SOCKET_TIMEOUT_IN_SECONDS)
