"""Rasa's stores on the settings' Redis URL, with a prefix Rasa accepts."""
import asyncio
import socket
import uuid
from urllib.parse import urlparse

import pytest
from rasa.core.lock_store import LockStore
from rasa.core.tracker_store import create_tracker_store
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig, read_endpoint_config

from bot.settings import BotSettings
from bot.stores import CasinraLockStore, CasinraTrackerStore

ENDPOINTS = "endpoints.yml"


@pytest.fixture
def settings_env(monkeypatch):
    monkeypatch.setenv("CASINRA_REDIS_URL", "redis://:pw@127.0.0.9:6555/3")
    monkeypatch.setenv("CASINRA_CHANNEL_SECRET", "s")


def test_endpoints_name_the_casinra_stores(settings_env, monkeypatch):
    monkeypatch.setenv("CASINRA_ACTION_URL", "http://127.0.0.1:1/webhook")
    monkeypatch.setenv("CASINRA_ACTION_TOKEN", "t")
    monkeypatch.setenv("CASINRA_GATEWAY_URL", "http://127.0.0.1:2")
    monkeypatch.setenv("CASINRA_RASA_TOKEN", "r")
    tracker_store = create_tracker_store(read_endpoint_config(ENDPOINTS, "tracker_store"), Domain.empty())
    lock_store = LockStore.create(read_endpoint_config(ENDPOINTS, "lock_store"))
    assert isinstance(tracker_store, CasinraTrackerStore)
    assert isinstance(lock_store, CasinraLockStore)


def test_stores_use_the_settings_url_and_an_accepted_prefix(settings_env):
    tracker_store = CasinraTrackerStore(Domain.empty(), host=None)
    lock_store = CasinraLockStore(EndpointConfig(type="bot.stores.CasinraLockStore"))
    for client in (tracker_store.red, lock_store.red):
        kwargs = client.connection_pool.connection_kwargs
        assert (kwargs["host"], kwargs["port"], kwargs["db"], kwargs["password"]) == ("127.0.0.9", 6555, 3, "pw")
    assert tracker_store.key_prefix == "casinra:tracker:"
    assert lock_store.key_prefix == "casinra:lock:"


def redis_up(url: str) -> bool:
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname, parsed.port or 6379), timeout=1):
            return True
    except OSError:
        return False


def test_a_tracker_round_trips_through_redis():
    settings = BotSettings()
    if not redis_up(settings.redis_url):
        pytest.skip(f"no Redis at {settings.redis_url} (scripts/test.sh starts one)")
    store = CasinraTrackerStore(Domain.empty())
    sender = f"test-{uuid.uuid4().hex[:8]}"
    tracker = DialogueStateTracker(sender, slots=[])
    tracker.update(UserUttered("merhaba"))
    try:
        asyncio.run(store.save(tracker))
        assert store.red.exists(f"casinra:tracker:{sender}")
        assert asyncio.run(store.retrieve(sender)).latest_message.text == "merhaba"
    finally:
        store.red.delete(f"casinra:tracker:{sender}")
