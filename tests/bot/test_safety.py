import pytest
from rasa.shared.nlu.training_data.message import Message

from bot.safety import DEFAULT_KEYWORDS, SafetyEscalation, load_rules, match_safety

RULES = load_rules(DEFAULT_KEYWORDS)


@pytest.mark.parametrize(
    "text, intent",
    [
        ("KENDİMİ SİTEDEN ENGELLEMEK İSTİYORUM", "responsible_gaming"),
        ("kumar bagimlisi oldum galiba", "responsible_gaming"),
        ("self exclusion nasil yapilir", "responsible_gaming"),
        ("hesabim calindi", "report_fraud"),
        ("Birisi hesabımı ele geçirmiş", "report_fraud"),
        ("benim yapmadığım bir çekim var", "report_fraud"),
    ],
)
def test_safety_phrases(text, intent):
    assert match_safety(text, RULES)[0] == intent


@pytest.mark.parametrize("text", ["bonusum yüklenmedi", "para çekme ne kadar sürer", "merhaba"])
def test_ordinary_messages_are_left_alone(text):
    assert match_safety(text, RULES) is None


def component():
    return SafetyEscalation({**SafetyEscalation.get_default_config()})


def test_unsure_classifier_is_overridden_and_marked():
    message = Message.build(text="kendimi oyundan uzaklaştırmak istiyorum")
    message.set("intent", {"name": "nlu_fallback", "confidence": 0.3}, add_to_output=True)
    component().process([message])
    assert message.get("intent")["name"] == "responsible_gaming"
    assert message.get("safety")["overridden"] == "nlu_fallback"
    assert message.get("intent_ranking")[0]["name"] == "responsible_gaming"


def test_confident_matching_prediction_is_kept():
    message = Message.build(text="hesabım hacklendi")
    message.set("intent", {"name": "report_fraud", "confidence": 0.97}, add_to_output=True)
    component().process([message])
    assert message.get("intent")["confidence"] == 0.97
    assert message.get("safety") is None


def test_button_payloads_are_not_scanned():
    message = Message.build(text='/deny{"x":"hesabım çalındı"}')
    message.set("intent", {"name": "deny", "confidence": 1.0}, add_to_output=True)
    component().process([message])
    assert message.get("intent")["name"] == "deny"
