"""Fixtures for the action-server tests: a real seeded SQLite back-office per test, trackers
with trusted-channel metadata, and a runner that returns (events, messages)."""
from __future__ import annotations

import asyncio
import shutil
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional, Tuple

import pytest
import yaml
from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.backoffice.seed import seed
from actions.backoffice.service import get_backoffice, set_backoffice
from actions.settings import ActionSettings

REPO = Path(__file__).resolve().parents[2]
DEMO_NAMES = {"P1001": "Ahmet Yılmaz", "P1002": "Elif Demir", "P1003": "Mehmet Kaya",
              "P1004": "Zeynep Çelik"}


@pytest.fixture(scope="session")
def seeded_template(tmp_path_factory) -> Path:
    """One seeded database per session; each test gets its own copy."""
    path = tmp_path_factory.mktemp("backoffice-template") / "backoffice.db"
    seed(ActionSettings(db_url=f"sqlite:///{path}"))
    return path


@pytest.fixture
def db_path(tmp_path, seeded_template, monkeypatch) -> Path:
    path = tmp_path / "backoffice.db"
    shutil.copy(seeded_template, path)
    monkeypatch.setenv("CASINRA_DB_URL", f"sqlite:///{path}")
    monkeypatch.setenv("CASINRA_BACKOFFICE_CALL_TIMEOUT", "5")
    set_backoffice(None)
    yield path
    set_backoffice(None)


@pytest.fixture
def backoffice(db_path):
    return get_backoffice()


@pytest.fixture(scope="session")
def domain() -> Dict[str, Any]:
    return yaml.safe_load((REPO / "domain.yml").read_text(encoding="utf-8"))


def make_tracker(
    player_id: Optional[str] = "P1001",
    *,
    intent: Optional[str] = None,
    text: str = "",
    entities: Iterable[Dict[str, Any]] = (),
    slots: Optional[Dict[str, Any]] = None,
    candidates: Optional[Dict[str, Any]] = None,
    requested_slot: Optional[str] = None,
    active_loop: Optional[str] = None,
    metadata: Optional[Dict[str, Any]] = None,
    history: Iterable[Dict[str, Any]] = (),
    sender_id: str = "test-conversation",
) -> Tracker:
    """A tracker whose latest user message carries the trusted channel's metadata.

    ``candidates`` are slot values extracted from this message (as Rasa hands them to a
    form validation action); ``slots`` are values already set before.
    """
    if metadata is None:
        metadata = {"player_id": player_id, "player_name": DEMO_NAMES.get(player_id, "Oyuncu")} \
            if player_id else {}
    entity_list = [dict(e) for e in entities]
    latest = {
        "text": text,
        "intent": {"name": intent, "confidence": 0.98} if intent else {},
        "entities": entity_list,
        "metadata": metadata,
        "message_id": "m1",
    }
    events: List[Dict[str, Any]] = [{"event": "session_started"}, *history,
                                    {"event": "action", "name": "action_listen"},
                                    {"event": "user", "text": text, "parse_data": latest,
                                     "metadata": metadata}]
    all_slots: Dict[str, Any] = {"requested_slot": requested_slot, **(slots or {})}
    for name, value in (candidates or {}).items():
        events.append({"event": "slot", "name": name, "value": value})
        all_slots[name] = value
    return Tracker(sender_id, all_slots, latest, events, False, None,
                   {"name": active_loop} if active_loop else {}, "action_listen")


def entity(name: str, value: str) -> Dict[str, Any]:
    return {"entity": name, "value": value, "start": 0, "end": len(value), "extractor": "test"}


def run_action(action: Action, tracker: Tracker,
               domain: Optional[Dict[str, Any]] = None) -> Tuple[List[Dict[str, Any]], List[Dict[str, Any]]]:
    dispatcher = CollectingDispatcher()
    events = asyncio.run(action.run(dispatcher, tracker, domain or {}))
    return events, dispatcher.messages


def texts(messages: List[Dict[str, Any]]) -> str:
    return "\n".join(m.get("text") or "" for m in messages)


def payloads(messages: List[Dict[str, Any]]) -> List[str]:
    return [b["payload"] for m in messages for b in (m.get("buttons") or [])]


def slot_events(events: List[Dict[str, Any]]) -> Dict[str, Any]:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


@pytest.fixture
def audit_rows(db_path):
    """Read the audit log of the test database."""
    import sqlite3

    def read(action: Optional[str] = None) -> List[Tuple]:
        with sqlite3.connect(db_path) as conn:
            query = "SELECT actor_type, actor_id, action, target, details FROM audit_log"
            if action:
                return conn.execute(query + " WHERE action = ?", (action,)).fetchall()
            return conn.execute(query).fetchall()

    return read
