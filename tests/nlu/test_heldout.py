"""The trained model on the held-out set (never trained on) and on Turkish specifics."""
from pathlib import Path

import pytest
import yaml

from bot.evaluation import ModelParser, ascii_copy, load_heldout, score

ROOT = Path(__file__).resolve().parents[2]
MODEL = ROOT / "models" / "casinra.tar.gz"
MIN_MACRO_F1 = 0.91       # regression guard (training is deterministic); `make bench` reports the measured figure
MAX_ASCII_DROP = 0.02


@pytest.fixture(scope="module")
def parser():
    return ModelParser(str(MODEL))


@pytest.fixture(scope="module")
def heldout_scores(parser):
    examples = load_heldout()
    plain = score(examples, parser.intents(e.text for e in examples))
    typed_ascii = ascii_copy(examples)
    return plain, score(typed_ascii, parser.intents(e.text for e in typed_ascii))


def test_heldout_macro_f1(heldout_scores):
    plain, _ = heldout_scores
    worst = sorted(plain.per_intent.items(), key=lambda kv: kv[1]["f1"])[:5]
    assert plain.macro_f1 >= MIN_MACRO_F1, f"macro-F1 {plain.macro_f1:.3f}; weakest: {worst}"


def test_ascii_typing_costs_almost_nothing(heldout_scores):
    plain, typed_ascii = heldout_scores
    assert plain.macro_f1 - typed_ascii.macro_f1 <= MAX_ASCII_DROP


def quick_replies():
    """Every quick-reply button that sends a question, with the (sub-)intent it must reach: each
    payload is a training example of the intent of its answer.

    Buttons of form questions (`utter_ask_*`) answer the form and are not questions."""
    from rasa.shared.nlu.training_data.loading import load_data

    labels = {m.get("text"): m.get_full_intent() for m in load_data(str(ROOT / "data" / "nlu")).intent_examples}
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    buttons = []
    for name, variants in (domain.get("responses") or {}).items():
        if name.startswith("utter_ask_"):
            continue
        for variant in variants:
            for button in variant.get("buttons", []):
                if not button["payload"].startswith("/"):
                    buttons.append(button["payload"])
    return [(payload, labels.get(payload)) for payload in sorted(set(buttons))]


@pytest.mark.parametrize("payload, expected", quick_replies())
def test_quick_reply_lands_on_its_answer(parser, payload, expected):
    assert expected, f"'{payload}' is a button payload but not a training example of its answer's intent"
    parsed = parser.parse(payload)
    intent = parsed["intent"]["name"]
    if "/" in expected:
        base = expected.split("/")[0]
        assert intent == base
        chosen = parsed["response_selector"]["default"]["response"]["intent_response_key"]
        assert chosen == expected
    else:
        assert intent == expected


@pytest.mark.parametrize(
    "text, entity, value",
    [
        ("tx10000001 nolu işlemim nerede", "transaction_id", "TX-10000001"),
        ("10000003 numaralı çekimim reddedilmiş", "transaction_id", "TX-10000003"),
        ("KREDİ KARTI ile 1.500,00 TL yatırdım", "amount", "1500.00"),
        ("kredi karti ile yatirdim gelmedi", "payment_method", "kredi kartı"),
        ("papara ile 250₺ yolladım", "payment_method", "Papara"),
        ("PASAPORT yükleyebilir miyim", "document_type", "pasaport"),
    ],
)
def test_entities_in_every_written_form(parser, text, entity, value):
    found = {(e["entity"], e["value"]) for e in parser.parse(text)["entities"]}
    assert (entity, value) in found


@pytest.mark.parametrize(
    "text, risk",
    [("hesabim hacklendi galiba", "account_takeover"),
     ("kumar bagimlisi oldum sanirim, duramiyorum", "loss_of_control")],
)
def test_safety_phrases_are_marked_whatever_the_intent(parser, text, risk):
    assert (parser.parse(text).get("safety") or {}).get("risk") == risk


def test_logged_text_is_what_the_player_wrote(parser):
    text = "ÇEKİM talebim İPTAL mi oldu?"
    assert parser.parse(text)["text"] == text


@pytest.mark.parametrize(
    "text",
    ["Çekimim üç gündür gelmedi, artık bir temsilciyle görüşmek istiyorum",
     "merhaba, bonusum silindi, gerçek bir insanla konuşabilir miyim",
     "bu bot hiçbir şey anlamıyor, beni yetkiliye bağlayın"],
)
def test_an_explicit_request_for_a_person_hands_off(parser, text):
    assert parser.parse(text)["intent"]["name"] == "human_handoff"


def test_a_refused_person_is_not_a_hand_off(parser):
    assert parser.parse("hayır, temsilciye bağlanmak istemiyorum")["intent"]["name"] != "human_handoff"


@pytest.mark.parametrize("text", ["xqzv blorp trinkle", "?", "....", "zzkk wubba plim"])
def test_nonsense_falls_back(parser, text):
    assert parser.parse(text)["intent"]["name"] == "nlu_fallback"


def test_empty_text_parses_and_falls_back(parser):
    assert parser.parse("")["intent"]["name"] == "nlu_fallback"
