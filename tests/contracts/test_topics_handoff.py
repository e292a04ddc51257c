from casinra_contracts.handoff import Handoff, handoff_in, rating_buttons, rating_from_payload, rating_payload
from casinra_contracts.topics import INTENTS, REASONS, RISKS, TOPICS, intent_label, priority_band, topic_label, topic_of


def test_every_intent_maps_to_a_known_topic_and_every_risk_too():
    assert all(topic in TOPICS for topic, _ in INTENTS.values())
    assert all(topic in TOPICS for topic, _ in RISKS.values())
    assert topic_of("kyc_info/documents") == "kyc"
    assert topic_of("greet") is None
    assert intent_label("bonus_dispute") == "Bonus ya da kazanç itirazı"
    assert topic_label(None) == TOPICS["support"]


def test_priority_bands():
    assert [priority_band(p) for p in ("urgent", "high", "normal", None, "x")] == [0, 1, 2, 2, 2]


def test_handoff_round_trip_and_validation():
    h = Handoff(topic="bonus", reason="dispute", priority="high", summary="özet", intent="bonus_dispute",
                references=("TK-1",))
    assert handoff_in({"text": "", "custom": h.message()}) == h
    bad = Handoff.from_dict({"topic": "nope", "reason": 5, "priority": "mega", "intent": "DROP TABLE", "summary": "x" * 2000})
    assert (bad.topic, bad.reason, bad.priority, bad.intent, len(bad.summary)) == ("support", "bot_escalation", "normal", None, 500)
    assert Handoff.from_dict({"risk": "self_harm", "priority": "normal"}).priority == "urgent"
    assert handoff_in({"text": "merhaba"}) is None
    assert set(REASONS) >= {"player_request", "safety", "dispute"}


def test_rating_payloads():
    assert rating_payload(4) == '/rate{"rating":"4"}'
    assert [rating_from_payload(b["payload"]) for b in rating_buttons()] == [1, 2, 3, 4, 5]
    assert rating_from_payload('/rate{"rating":"9"}') is None
