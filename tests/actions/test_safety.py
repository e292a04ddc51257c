"""Safety escalations (actions/safety.py): careful first words, a record with a reference, at
most one yes/no question, then an urgent hand-off with the risk."""
import sqlite3

from conftest import make_tracker, run_action, slot_events

from actions.safety import ActionSafetyEscalation, ActionSafetyFollowup
from casinra_contracts.handoff import handoff_in


def utters(messages):
    return [m.get("response") for m in messages if m.get("response")]


def request(messages):
    return next((handoff_in(m) for m in messages if handoff_in(m)), None)


def marked(tracker, risk):
    tracker.latest_message["safety"] = {"risk": risk, "score": 0.9, "source": "model"}
    return tracker


def test_a_takeover_is_recorded_and_one_question_asked(domain, db_path):
    tracker = marked(make_tracker("P1001", intent="login_problem",
                                  text="mail adresim değişmiş, ben yapmadım, TX-10000001 de benim değil"),
                     "account_takeover")
    events, messages = run_action(ActionSafetyEscalation(), tracker, domain)
    assert utters(messages)[:3] == ["utter_safety_account_takeover", "utter_safety_recorded", "utter_safety_ask_lock"]
    slots = slot_events(events)
    assert slots["safety_pending"] == "account_takeover" and slots["safety_reference"].startswith("DLD-")
    assert request(messages) is None  # the one question comes first
    with sqlite3.connect(db_path) as conn:
        kind, priority, tx, description = conn.execute(
            "SELECT kind, priority, transaction_id, description FROM tickets WHERE reference = ?",
            (slots["safety_reference"],)).fetchone()
    assert (kind, priority, tx) == ("fraud", "urgent", "TX-10000001")
    assert "ben yapmadım" in description


def test_the_answer_locks_and_hands_off_as_urgent(domain, db_path):
    tracker = make_tracker("P1001", intent="affirm", text="evet kilitleyin",
                           slots={"safety_pending": "account_takeover", "safety_reference": "DLD-1"})
    events, messages = run_action(ActionSafetyFollowup(), tracker, domain)
    assert "utter_safety_locked" in utters(messages)
    handoff = request(messages)
    assert (handoff.priority, handoff.risk, handoff.topic, handoff.intent) == (
        "urgent", "account_takeover", "security", "report_fraud")
    assert handoff.references == ("DLD-1",)
    assert slot_events(events)["safety_pending"] is None
    assert any(e["event"] == "pause" for e in events)
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("SELECT locked FROM players WHERE id = 'P1001'").fetchone()[0] in (1, True)


def test_any_other_answer_still_hands_off_without_locking(domain, db_path):
    tracker = make_tracker("P1002", intent="nlu_fallback", text="param gidecek mi çok korkuyorum",
                           slots={"safety_pending": "phishing", "safety_reference": "DLD-2"})
    _, messages = run_action(ActionSafetyFollowup(), tracker, domain)
    assert "utter_safety_lock_later" in utters(messages)
    assert request(messages).risk == "phishing"
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("SELECT locked FROM players WHERE id = 'P1002'").fetchone()[0] in (0, False)


def test_a_guest_goes_straight_to_an_urgent_agent(domain, db_path):
    tracker = marked(make_tracker(None, intent="report_fraud", text="kartımdan yapmadığım ödemeler var"),
                     "unauthorised_activity")
    events, messages = run_action(ActionSafetyEscalation(), tracker, domain)
    assert "utter_safety_ask_lock" not in utters(messages)
    assert request(messages).priority == "urgent"
    assert slot_events(events)["safety_reference"].startswith("DLD-")


def test_self_harm_gets_the_crisis_words_first_and_an_agent_at_once(domain, db_path):
    tracker = marked(make_tracker("P1003", intent="goodbye", text="artık yaşamak istemiyorum"), "self_harm")
    events, messages = run_action(ActionSafetyEscalation(), tracker, domain)
    assert utters(messages)[0] == "utter_safety_self_harm"
    text = domain["responses"]["utter_safety_self_harm"][0]["text"]
    assert text.index("112") < text.index("115") and "limit" not in text
    handoff = request(messages)
    assert (handoff.priority, handoff.risk, handoff.topic) == ("urgent", "self_harm", "responsible_gaming")


def test_safety_in_a_form_leaves_the_form(domain, db_path):
    tracker = marked(make_tracker("P1001", intent="deposit_limit", text="durduramıyorum kendimi",
                                  active_loop="deposit_limit_form", requested_slot="limit_period"),
                     "loss_of_control")
    events, _ = run_action(ActionSafetyEscalation(), tracker, domain)
    assert {"event": "active_loop", "name": None} in [{k: e.get(k) for k in ("event", "name")} for e in events]


def test_every_risk_has_careful_words(domain):
    from casinra_contracts.topics import RISKS

    for risk in RISKS:
        assert f"utter_safety_{risk}" in domain["responses"], risk
