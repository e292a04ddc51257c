"""The hand-off as agents see it: contract ids, each with its Turkish label."""
from casinra_contracts.handoff import Handoff
from casinra_contracts.topics import REASONS, RISKS, TOPICS

from casinra_handoff.state import Conversation
from casinra_handoff.views import handoff_view, player_ref


def test_handoff_view_labels_every_id():
    view = handoff_view(Handoff(topic="security", reason="safety", priority="urgent", risk="phishing",
                                intent="report_fraud", summary="özet", language="en", references=("DLD-1",)))
    assert view.model_dump() == {
        "topic": "security", "topic_label": TOPICS["security"],
        "intent": "report_fraud", "intent_label": "Dolandırıcılık ya da yetkisiz işlem bildirimi",
        "reason": "safety", "reason_label": REASONS["safety"], "priority": "urgent", "priority_label": "Acil",
        "risk": "phishing", "risk_label": RISKS["phishing"][1], "summary": "özet", "language": "en",
        "references": ["DLD-1"],
    }
    plain = handoff_view(Handoff())
    assert (plain.topic_label, plain.intent_label, plain.risk_label) == (TOPICS["support"], None, None)


def test_a_stored_request_is_validated_again():
    conv = Conversation(id="c_1", reason="made_up", topic="genel", priority="urgent", risk="self_harm")
    h = conv.handoff
    assert (h.topic, h.reason, h.priority, h.risk) == ("support", "bot_escalation", "urgent", "self_harm")
    assert Conversation(id="c_2").handoff is None
    assert player_ref(conv) is None and player_ref(Conversation(id="c_3", player_id="P1")).name == "P1"
