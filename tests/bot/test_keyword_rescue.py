import pytest
from rasa.shared.nlu.training_data.message import Message

from bot.keyword_rescue import DEFAULT_KEYWORDS, KeywordRescue, load_rules, rescue

RULES = load_rules(DEFAULT_KEYWORDS)


@pytest.mark.parametrize(
    "text, intent",
    [("GERÇEK BİR İNSANLA görüşmem lazım", "human_handoff"), ("beni temsilciye aktarin", "human_handoff"),
     ("selamlar efendim", "greet"), ("çok sağ olun", "thank"), ("hoşça kalın", "goodbye")],
)
def test_plain_phrases(text, intent):
    assert rescue(text, RULES) == intent


def test_long_requests_are_not_taken_for_greetings():
    assert rescue("merhaba yarın sabah için iki kişilik bir oda ayırtmak istiyorum lütfen bana yardım edin", RULES) is None


def rescued(text, intent, confidence):
    message = Message.build(text=text)
    message.set("intent", {"name": intent, "confidence": confidence}, add_to_output=True)
    KeywordRescue(KeywordRescue.get_default_config()).process([message])
    return message.get("intent")["name"]


def test_only_fallbacks_are_rescued():
    assert rescued("gerçek bir insan istiyorum", "nlu_fallback", 0.3) == "human_handoff"
    assert rescued("canlı destek kaçta açılıyor", "contact_info", 0.9) == "contact_info"
    assert rescued("asdf qwer", "nlu_fallback", 0.2) == "nlu_fallback"
