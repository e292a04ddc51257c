"""Hand-off, fallback, rating and greeting actions (actions/handoff.py, fallback.py,
feedback.py, greeting.py)."""
from conftest import entity, make_tracker, payloads, run_action, slot_events, texts

from actions.fallback import ActionAskRephrase
from actions.feedback import ActionStoreRating
from actions.greeting import ActionGreet
from actions.handoff import ActionAgentsUnavailable, ActionHandoffRequest, ActionHandoffResolved


def handoff(messages):
    return next(m["custom"]["handoff"] for m in messages if (m.get("custom") or {}).get("handoff"))


def user(text, intent, **extra):
    return {"event": "user", "text": text, "parse_data": {"intent": {"name": intent}, "entities": [], **extra}}


def test_player_request_after_a_withdrawal_question(domain):
    tracker = make_tracker(
        "P1001", intent="human_handoff", text="beni temsilciye bağlayın",
        history=[user("çekimim nerede", "withdrawal_status")],
    )
    events, messages = run_action(ActionHandoffRequest(), tracker, domain)
    payload = handoff(messages)
    assert payload["reason"] == "player_request"
    assert payload["topic"] == "withdrawal_status"
    assert payload["priority"] == "high"
    assert payload["summary"].startswith("Ahmet Yılmaz (P1001) para çekme talebinin durumu")
    assert payload["summary"].endswith(".")
    assert any(e["event"] == "pause" for e in events)
    assert "aktarıyorum" in texts(messages)


def test_fraud_topic_set_by_a_flow_is_urgent(domain):
    tracker = make_tracker("P1001", intent="affirm", text="evet kilitleyin", slots={"handoff_topic": "report_fraud"})
    events, messages = run_action(ActionHandoffRequest(), tracker, domain)
    payload = handoff(messages)
    assert payload["priority"] == "urgent" and payload["topic"] == "report_fraud"
    assert slot_events(events)["handoff_topic"] is None


def test_safety_keyword_escalation_is_urgent_even_for_a_guest(domain):
    tracker = make_tracker(None, intent="responsible_gaming", text="kumar bağımlısı oldum")
    tracker.latest_message["safety"] = {"intent": "responsible_gaming", "phrase": "kumar bagimli"}
    _, messages = run_action(ActionHandoffRequest(), tracker, domain)
    payload = handoff(messages)
    assert payload["reason"] == "safety_keyword" and payload["priority"] == "urgent"
    assert payload["summary"].startswith("Giriş yapmamış bir ziyaretçi")


def test_summary_masks_personal_data(domain):
    tracker = make_tracker("P1002", intent="human_handoff",
                           text="kartım 4543 1234 5678 9012 ve telefonum 0532 123 45 67, temsilci lütfen")
    _, messages = run_action(ActionHandoffRequest(), tracker, domain)
    summary = handoff(messages)["summary"]
    assert "4543" not in summary and "0532" not in summary and "[kart]" in summary


def test_repeated_fallback_is_high_priority(domain):
    tracker = make_tracker("P1003", intent="nlu_fallback", text="asdf qwer")
    payload = handoff(run_action(ActionHandoffRequest(), tracker, domain)[1])
    assert payload["reason"] == "repeated_fallback" and payload["priority"] == "high"


def test_resolved_greets_back_by_name_and_offers_ratings(domain):
    tracker = make_tracker("P1001", intent="EXTERNAL_handoff_resolved", slots={"agent_name": "Ayşe"})
    _, messages = run_action(ActionHandoffResolved(), tracker, domain)
    assert "Tekrar merhaba Ahmet" in texts(messages) and "Ayşe" in texts(messages)
    assert payloads(messages) == [f'/rate{{"rating":"{n}"}}' for n in range(1, 6)]


def test_agents_unavailable_out_of_hours(domain):
    tracker = make_tracker(None, intent="EXTERNAL_agents_unavailable", slots={"unavailable_reason": "out_of_hours"})
    events, messages = run_action(ActionAgentsUnavailable(), tracker, domain)
    assert "çalışma saatlerimizin dışındayız" in texts(messages)
    assert payloads(messages) == ["/email_ticket", "/callback_request"]


def test_rating_is_stored_and_bad_ratings_are_asked_again(domain):
    good = make_tracker("P1001", intent="rate", text='/rate{"rating":"4"}', entities=[entity("rating", "4")])
    events, messages = run_action(ActionStoreRating(), good, domain)
    assert slot_events(events)["rating"] == "4" and "Teşekkür" in texts(messages)
    bad = make_tracker("P1001", intent="rate", text="9 puan", entities=[entity("rating", "9")])
    events, messages = run_action(ActionStoreRating(), bad, domain)
    assert slot_events(events)["rating"] is None and len(payloads(messages)) == 5


def test_greeting_uses_the_first_name_only_when_signed_in(domain):
    assert "Merhaba Zeynep!" in texts(run_action(ActionGreet(), make_tracker("P1004", intent="greet"), domain)[1])
    guest_text = texts(run_action(ActionGreet(), make_tracker(None, intent="greet"), domain)[1])
    assert guest_text.startswith("Merhaba!")


def test_first_fallback_asks_to_rephrase_and_remembers_it(domain):
    events, messages = run_action(ActionAskRephrase(), make_tracker(None, intent="nlu_fallback"), domain)
    assert slot_events(events)["fallback_once"] is True
