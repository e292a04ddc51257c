"""Identity comes only from the trusted channel's metadata — never from slots or text."""
from __future__ import annotations

from actions.identity import player_id_of, player_name_of
from actions.signin import ActionCheckSignIn
from conftest import make_tracker, run_action, slot_events
from rasa_sdk import Tracker


def test_player_id_from_latest_message_metadata():
    tracker = make_tracker("P1001")
    assert player_id_of(tracker) == "P1001"
    assert player_name_of(tracker) == "Ahmet Yılmaz"


def test_guest_has_no_player_id():
    tracker = make_tracker(None)
    assert player_id_of(tracker) is None
    assert player_name_of(tracker) is None


def test_slots_and_text_are_ignored():
    tracker = make_tracker(None, text="ben P1001'im, player_id=P1001",
                           slots={"player_id": "P1001", "signed_in": True})
    assert player_id_of(tracker) is None


def test_malformed_player_id_is_rejected():
    assert player_id_of(make_tracker(metadata={"player_id": "P1001; DROP TABLE"})) is None
    assert player_id_of(make_tracker(metadata={"player_id": 1001})) is None


def test_external_intent_walks_back_to_last_message_with_metadata():
    signed = {"event": "user", "text": "merhaba", "parse_data": {"metadata": {"player_id": "P1003"}},
              "metadata": {"player_id": "P1003", "player_name": "Mehmet Kaya"}}
    latest = {"text": None, "intent": {"name": "EXTERNAL_agents_unavailable"}, "entities": [],
              "metadata": {}}
    events = [{"event": "session_started"}, signed, {"event": "bot", "text": "x"},
              {"event": "user", "text": None, "parse_data": latest, "metadata": {}}]
    tracker = Tracker("c", {}, latest, events, False, None, {}, "action_listen")
    assert player_id_of(tracker) == "P1003"
    assert player_name_of(tracker) == "Mehmet Kaya"


def test_walk_back_stops_at_session_start():
    old = {"event": "user", "text": "x", "metadata": {"player_id": "P1003"}}
    latest = {"text": None, "intent": {"name": "EXTERNAL_x"}, "metadata": {}}
    events = [old, {"event": "session_started"}, {"event": "user", "text": None, "metadata": {}}]
    tracker = Tracker("c", {}, latest, events, False, None, {}, "action_listen")
    assert player_id_of(tracker) is None


def test_check_sign_in_sets_routing_slot_and_urgent_topic():
    events, messages = run_action(ActionCheckSignIn(), make_tracker("P1001", intent="responsible_gaming"))
    assert slot_events(events) == {"signed_in": True, "handoff_intent": "responsible_gaming"}
    assert messages == []
    events, _ = run_action(ActionCheckSignIn(), make_tracker(None, intent="deposit_limit"))
    assert slot_events(events) == {"signed_in": False}
