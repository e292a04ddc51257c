"""CSAT and NPS: typed or clicked, stored once in the back-office `feedback` table, NPS at most once
every 90 days per player; the bot confirms only what was stored."""
from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta, timezone

import pytest
from conftest import entity, make_tracker, payloads, run_action, slot_events, texts

from actions.backoffice.service import set_backoffice
from actions.feedback import ActionStoreRating


def rows(db_path, kind=None):
    with sqlite3.connect(db_path) as c:
        query = ("SELECT kind, score, conversation_id, player_id, topic, human, agent_username, dedupe_key "
                 "FROM feedback")
        return c.execute(query + (" WHERE kind = ?" if kind else ""), (kind,) if kind else ()).fetchall()


RESOLVED = {"event": "user", "text": "EXTERNAL: EXTERNAL_handoff_resolved", "parse_data": {
    "intent": {"name": "EXTERNAL_handoff_resolved"},
    "entities": [{"entity": "agent_name", "value": "Ayşe"}, {"entity": "agent_username", "value": "ayse"},
                 {"entity": "topic", "value": "payments"}, {"entity": "handoff_id", "value": "c1@1700000000000"}]}}


def test_a_typed_rating_after_a_resolved_chat_is_stored_once_with_agent_and_topic(db_path, domain):
    tracker = make_tracker("P1001", intent="rate", text="4 yıldız veriyorum", history=[RESOLVED], sender_id="c1")
    events, messages = run_action(ActionStoreRating(), tracker, domain)
    assert "kaydettim" in texts(messages)
    assert rows(db_path, "csat") == [("csat", 4, "c1", "P1001", "payments", 1, "ayse", "csat:c1:c1@1700000000000")]
    # the NPS question follows (first time for this player), with 0–10 buttons
    assert slot_events(events)["feedback_pending"] == "nps"
    assert len([p for p in payloads(messages) if '"nps"' in p]) == 11
    # the same turn again (a retry) and a change of mind: still one row
    run_action(ActionStoreRating(), tracker, domain)
    run_action(ActionStoreRating(), make_tracker("P1001", intent="rate", text='/rate{"rating":"5"}',
                                                 entities=[entity("rating", "5")], history=[RESOLVED],
                                                 sender_id="c1"), domain)
    assert [r[1] for r in rows(db_path, "csat")] == [5]


def test_out_of_ten_is_not_a_csat_answer(db_path, domain):
    tracker = make_tracker("P1001", intent="rate", text="10 üzerinden 8", entities=[entity("rating", "8")],
                           history=[RESOLVED])
    events, messages = run_action(ActionStoreRating(), tracker, domain)
    assert rows(db_path) == [] and slot_events(events)["rating"] is None
    assert payloads(messages) == [f'/rate{{"rating":"{n}"}}' for n in range(1, 6)]
    assert "kaydettim" not in texts(messages)


def test_nps_is_stored_and_asked_at_most_once_in_90_days(db_path, domain):
    first = make_tracker("P1002", intent="rate", text="5", history=[RESOLVED], sender_id="c2")
    run_action(ActionStoreRating(), first, domain)
    answer = make_tracker("P1002", intent="rate", text='/rate{"nps":"9"}', entities=[entity("nps", "9")],
                          slots={"feedback_pending": "nps"}, sender_id="c2")
    events, messages = run_action(ActionStoreRating(), answer, domain)
    assert "9/10" in texts(messages) and slot_events(events)["feedback_pending"] is None
    assert [(r[0], r[1], r[3]) for r in rows(db_path, "nps")] == [("nps", 9, "P1002")]
    # another rated chat a month later: CSAT stored, no NPS question
    events, messages = run_action(ActionStoreRating(), make_tracker("P1002", intent="rate", text="beş",
                                                                    sender_id="c3"), domain)
    assert "feedback_pending" not in slot_events(events) and '"nps"' not in str(payloads(messages))
    # 91 days later it is asked again
    with sqlite3.connect(db_path) as c:
        old = (datetime.now(timezone.utc) - timedelta(days=91)).replace(tzinfo=None).isoformat(" ")
        c.execute("UPDATE feedback SET asked_at = ?, created_at = ? WHERE kind = 'nps'", (old, old))
    events, _ = run_action(ActionStoreRating(), make_tracker("P1002", intent="rate", text="4", sender_id="c4"),
                           domain)
    assert slot_events(events)["feedback_pending"] == "nps"


def test_a_typed_nps_answer_out_of_five_is_asked_again(db_path, domain):
    run_action(ActionStoreRating(), make_tracker("P1003", intent="rate", text="5", sender_id="c5"), domain)
    events, messages = run_action(ActionStoreRating(), make_tracker(
        "P1003", intent="rate", text="5 üzerinden 4", slots={"feedback_pending": "nps"}, sender_id="c5"), domain)
    assert [r[1] for r in rows(db_path, "nps")] == [None] and len(payloads(messages)) == 11
    run_action(ActionStoreRating(), make_tracker("P1003", intent="rate", text="sekiz",
                                                 slots={"feedback_pending": "nps"}, sender_id="c5"), domain)
    assert [r[1] for r in rows(db_path, "nps")] == [8]


def test_a_guest_rating_of_the_bot_is_stored_without_nps(db_path, domain):
    tracker = make_tracker(None, intent="rate", text="2 puan", sender_id="g1",
                           history=[{"event": "user", "text": "bonus nasıl çevrilir",
                                     "parse_data": {"intent": {"name": "bonus_info"}, "entities": []}}])
    events, messages = run_action(ActionStoreRating(), tracker, domain)
    assert rows(db_path) == [("csat", 2, "g1", None, "bonus", 0, None, "csat:g1:bot")]
    assert "feedback_pending" not in slot_events(events)


def test_nothing_is_confirmed_when_the_back_office_is_down(db_path, domain, monkeypatch):
    monkeypatch.setenv("CASINRA_DB_URL", "sqlite:////nonexistent/dir/x.db")
    set_backoffice(None)
    events, messages = run_action(ActionStoreRating(), make_tracker("P1001", intent="rate", text="5"), domain)
    assert "kaydedemedim" in texts(messages) and "kaydettim" not in texts(messages)
