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


@pytest.mark.parametrize(
    "text, predicted",
    [
        ("Çekimim üç gündür gelmedi, bir temsilciyle görüşmek istiyorum", "withdrawal_status"),
        ("merhaba! gerçek bir kişiyle konuşabilir miyim?", "greet"),
        ("bakiyem yanlis, baska birisi bakabilir mi", "deposit_missing"),
        ("yöneticinizle görüştürün beni, bonusum silindi", "bonus_info"),
    ],
)
def test_an_explicit_request_for_a_person_wins(text, predicted):
    assert rescued(text, predicted, 0.9) == "human_handoff"


@pytest.mark.parametrize(
    "text, predicted",
    [
        ("Hayır, temsilciye bağlanmak istemiyorum", "deny"),
        ("bana gerçek bir kişiyle bağlanmanız gerekmiyor, sadece bilgi lazım", "withdrawal_info"),
        ("bir temsilci beni telefonla arasın, görüşmek istiyorum", "callback_request"),
        ("gerçek bir insan mısın", "bot_challenge"),
        ("bu akşamki 8 kişilik rezervasyonu 10 kişiye çıkarın", "out_of_scope"),
        ("kişisel verilerimi silmenizi istiyorum", "privacy_request"),
        ("temsilciniz çok yardımcı oldu, teşekkürler", "thank"),
    ],
)
def test_negated_or_unrelated_mentions_do_not_override(text, predicted):
    assert rescued(text, predicted, 0.9) == predicted


def test_the_original_prediction_is_kept_in_the_output():
    message = Message.build(text="çekimim gelmedi, canlı bir temsilciye bağlanmak istiyorum")
    message.set("intent", {"name": "withdrawal_status", "confidence": 0.8}, add_to_output=True)
    KeywordRescue(KeywordRescue.get_default_config()).process([message])
    assert message.get("intent")["name"] == "human_handoff"
    assert message.get("rescued_from") == "withdrawal_status"


def _phrases(tmp_path, phrase):
    path = tmp_path / "rescue.yml"
    path.write_text(f"human_handoff:\n  patterns:\n    - {phrase}\n", encoding="utf-8")
    return {"keywords_file": str(path)}


def test_a_change_to_the_phrases_retrains_the_component(tmp_path):
    config = _phrases(tmp_path, "insan istiyorum")
    before = KeywordRescue.fingerprint_addon(config)
    assert KeywordRescue.fingerprint_addon(config) == before
    _phrases(tmp_path, "temsilci lazim")
    assert KeywordRescue.fingerprint_addon(config) != before


def test_the_model_keeps_the_phrases_it_was_trained_with(tmp_path):
    from rasa.engine.graph import ExecutionContext, GraphSchema
    from rasa.engine.storage.local_model_storage import LocalModelStorage
    from rasa.engine.storage.resource import Resource
    from rasa.shared.nlu.training_data.training_data import TrainingData

    config = _phrases(tmp_path, "insan istiyorum")
    (tmp_path / "model").mkdir()
    storage, context = LocalModelStorage(tmp_path / "model"), ExecutionContext(GraphSchema({}), "test")
    resource = KeywordRescue.create(config, storage, Resource("rescue"), context).train(TrainingData())
    # the working tree's phrases change after training: the model still rescues with its own
    _phrases(tmp_path, "temsilci lazim")
    loaded = KeywordRescue.load(config, storage, resource, context)
    message = Message.build(text="İNSAN İSTİYORUM")
    message.set("intent", {"name": "nlu_fallback", "confidence": 0.2}, add_to_output=True)
    loaded.process([message])
    assert message.get("intent")["name"] == "human_handoff"
    assert [r.pattern.pattern for r in loaded.rules] == ["insan istiyorum"]
