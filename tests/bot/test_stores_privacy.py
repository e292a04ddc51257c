"""Rasa's trackers expire and hold masked text (issue 12, defect 8). Real Redis."""
import asyncio
import json
import uuid

from rasa.shared.core.domain import Domain
from rasa.shared.core.events import BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.stores import CasinraLockStore, CasinraTrackerStore
from tests.bot.test_channel_ledger import redis_url  # noqa: F401  (a private redis-server)

TYPED = ("kartım 4111 1111 1111 1111, IBAN TR33 0006 1005 1978 6457 8413 26, TC 12345678901, "
         "tel 0532 123 45 67, ahmet@example.com; TX-10000001 için 1.500,00 TL")


def test_trackers_expire_and_hold_no_personal_data(redis_url, monkeypatch, caplog):  # noqa: F811
    monkeypatch.setenv("CASINRA_REDIS_URL", redis_url)
    monkeypatch.setenv("CASINRA_TRACKER_TTL_S", "600")
    caplog.set_level("WARNING")
    store = CasinraTrackerStore(Domain.empty())
    CasinraLockStore()
    assert not [r for r in caplog.records if "prefix" in r.getMessage()]  # Rasa accepted the key prefix
    sender = f"c_{uuid.uuid4().hex}"
    tracker = DialogueStateTracker(sender, slots=[])
    tracker.update(UserUttered(TYPED, parse_data={"text": TYPED, "intent": {"name": "x", "confidence": 1.0},
                                                   "entities": [{"entity": "email", "value": "ahmet@example.com"}]}))
    tracker.update(BotUttered("ahmet@example.com adresinize yazdım"))
    asyncio.run(store.save(tracker))
    key = f"casinra:tracker:{sender}"
    stored = store.red.get(key)
    assert 0 < store.red.ttl(key) <= 600
    for secret in ("4111 1111", "TR33", "12345678901", "123 45 67", "ahmet@example.com"):
        assert secret not in stored, secret
    events = json.loads(stored)["events"]
    user = next(e for e in events if e["event"] == "user")
    assert "TX-10000001" in user["text"] and "1.500,00 TL" in user["text"] and "[kart ****1111]" in user["text"]
    # a second turn merges cleanly with the masked first one (no duplicated events)
    again = asyncio.run(store.retrieve(sender))
    again.update(UserUttered("ikinci mesaj"))
    asyncio.run(store.save(again))
    final = json.loads(store.red.get(key))["events"]
    assert [e["text"] for e in final if e["event"] == "user"] == [user["text"], "ikinci mesaj"]
