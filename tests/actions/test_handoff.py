"""Hand-off, fallback, rating and greeting actions (actions/handoff.py, fallback.py,
feedback.py, greeting.py)."""
from conftest import entity, make_tracker, payloads, run_action, slot_events, texts

from actions.fallback import ActionAskRephrase
from actions.greeting import ActionGreet
from actions.handoff import ActionAgentsUnavailable, ActionHandoffRequest, ActionHandoffResolved
from casinra_contracts.handoff import Handoff, handoff_in, rating_buttons


def handoff(messages):
    """The hand-off payload, checked the way the gateway reads it (`casinra_contracts.handoff`)."""
    payload = next(m["custom"]["handoff"] for m in messages if (m.get("custom") or {}).get("handoff"))
    read = next(handoff_in(m) for m in messages if handoff_in(m))
    assert read == Handoff(**{**payload, "references": tuple(payload["references"])})  # nothing dropped
    return payload


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
    assert (payload["topic"], payload["intent"]) == ("payments", "withdrawal_status")
    assert payload["priority"] == "high" and payload["risk"] is None
    assert payload["summary"].startswith("Ahmet Yılmaz (P1001): Çekim talebinin durumu")
    assert payload["summary"].endswith("“beni temsilciye bağlayın”.")
    assert any(e["event"] == "pause" for e in events)
    assert texts(messages) == ""  # the gateway, which knows whether an agent is free, tells the player


def test_fraud_need_set_by_a_flow_is_urgent(domain):
    tracker = make_tracker("P1001", intent="affirm", text="evet kilitleyin", slots={"handoff_intent": "report_fraud"})
    events, messages = run_action(ActionHandoffRequest(), tracker, domain)
    payload = handoff(messages)
    assert (payload["topic"], payload["intent"], payload["reason"]) == ("security", "report_fraud", "fraud")
    assert payload["priority"] == "urgent"
    assert slot_events(events)["handoff_intent"] is None


def test_safety_keyword_escalation_is_urgent_even_for_a_guest(domain):
    tracker = make_tracker(None, intent="responsible_gaming", text="kumar bağımlısı oldum")
    tracker.latest_message["safety"] = {"intent": "responsible_gaming", "phrase": "kumar bagimli"}
    _, messages = run_action(ActionHandoffRequest(), tracker, domain)
    payload = handoff(messages)
    assert payload["reason"] == "safety" and payload["priority"] == "urgent"
    assert payload["topic"] == "responsible_gaming"
    assert payload["summary"].startswith("Giriş yapmamış bir ziyaretçi")


def test_a_detected_risk_sets_topic_and_flag(domain):
    tracker = make_tracker("P1002", intent="goodbye", text="artık her şey bitsin istiyorum")
    tracker.latest_message["safety"] = {"risk": "self_harm", "score": 0.93, "source": "model"}
    payload = handoff(run_action(ActionHandoffRequest(), tracker, domain)[1])
    assert (payload["reason"], payload["risk"], payload["priority"]) == ("safety", "self_harm", "urgent")
    assert payload["topic"] == "responsible_gaming"
    assert payload["summary"].startswith("Elif Demir (P1002): Kendine zarar verme riski")


def test_a_bonus_dispute_is_a_dispute(domain):
    tracker = make_tracker("P1003", intent="bonus_dispute", text="kazancıma el koydunuz, itiraz ediyorum")
    payload = handoff(run_action(ActionHandoffRequest(), tracker, domain)[1])
    assert (payload["topic"], payload["intent"], payload["reason"]) == ("bonus", "bonus_dispute", "dispute")
    assert payload["priority"] == "high"


def test_summary_masks_personal_data(domain):
    tracker = make_tracker("P1002", intent="human_handoff",
                           text="kartım 4543 1234 5678 9012 ve telefonum 0532 123 45 67, temsilci lütfen")
    _, messages = run_action(ActionHandoffRequest(), tracker, domain)
    summary = handoff(messages)["summary"]
    assert "4543" not in summary and "0532" not in summary
    assert "[kart ****9012]" in summary and "[telefon]" in summary


def test_repeated_fallback_is_high_priority(domain):
    tracker = make_tracker("P1003", intent="nlu_fallback", text="asdf qwer")
    payload = handoff(run_action(ActionHandoffRequest(), tracker, domain)[1])
    assert payload["reason"] == "repeated_fallback" and payload["priority"] == "high"
    assert payload["topic"] == "support" and payload["intent"] is None


def test_resolved_greets_back_by_name_and_offers_ratings(domain):
    tracker = make_tracker("P1001", intent="EXTERNAL_handoff_resolved", slots={"agent_name": "Ayşe"})
    _, messages = run_action(ActionHandoffResolved(), tracker, domain)
    assert "Tekrar merhaba Ahmet" in texts(messages) and "Ayşe" in texts(messages)
    assert [b["payload"] for m in messages for b in m.get("buttons", [])] == [b["payload"] for b in rating_buttons()]


def test_agents_unavailable_out_of_hours(domain):
    tracker = make_tracker(None, intent="EXTERNAL_agents_unavailable", slots={"unavailable_reason": "out_of_hours"})
    events, messages = run_action(ActionAgentsUnavailable(), tracker, domain)
    assert "çalışma saatlerimizin dışındayız" in texts(messages)
    assert payloads(messages) == ["/email_ticket", "/callback_request"]


def test_greeting_uses_the_first_name_only_when_signed_in(domain):
    assert "Merhaba Zeynep!" in texts(run_action(ActionGreet(), make_tracker("P1004", intent="greet"), domain)[1])
    guest_text = texts(run_action(ActionGreet(), make_tracker(None, intent="greet"), domain)[1])
    assert guest_text.startswith("Merhaba!")


def test_first_fallback_asks_to_rephrase_and_remembers_it(domain):
    events, messages = run_action(ActionAskRephrase(), make_tracker(None, intent="nlu_fallback"), domain)
    assert slot_events(events)["fallback_once"] is True


def test_a_caller_passes_the_risk_and_the_records_it_made(domain):
    from actions.handoff import request_handoff
    from rasa_sdk.executor import CollectingDispatcher

    dispatcher = CollectingDispatcher()
    tracker = make_tracker("P1001", intent="report_fraud", text="sms ile gelen linke girdim, şifremi yazdım")
    events = request_handoff(dispatcher, tracker, risk="phishing", references=["DLD-261201-ABC234"])
    payload = handoff(dispatcher.messages)
    assert (payload["risk"], payload["reason"], payload["topic"]) == ("phishing", "safety", "security")
    assert payload["references"] == ["DLD-261201-ABC234"] and payload["priority"] == "urgent"
    assert any(e["event"] == "pause" for e in events)
