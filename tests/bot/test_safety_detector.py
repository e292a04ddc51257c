"""The safety detector's parts that do not need a trained model: its data, its patterns, its
features (the trained model is measured in tests/nlu/test_safety.py)."""
from pathlib import Path

from bot.safety_detector import load_examples, load_patterns
from bot.sparse import SparseModel, ngrams
from casinra_contracts.text import fold_words
from casinra_contracts.topics import RISKS

ROOT = Path(__file__).resolve().parents[2]


def test_every_risk_has_many_examples_and_there_are_counter_examples():
    risks, not_safety = load_examples(ROOT / "data" / "safety.yml")
    assert set(risks) == set(RISKS)
    assert min(len(v) for v in risks.values()) >= 60 and len(not_safety) >= 200


def test_patterns_are_precise_and_letter_blind():
    patterns = load_patterns(ROOT / "bot" / "safety_patterns.yml")
    hit = lambda text: {risk for risk, p in patterns if p.search(fold_words(text))}  # noqa: E731
    assert hit("İNTİHAR etmeyi düşünüyorum") == {"self_harm"}
    assert hit("artik yasamak istemiyorum") == {"self_harm"}
    assert hit("hesabım hacklendi") == {"account_takeover"}
    assert hit("şifremi unuttum") == set() and hit("yaşamak için çalışıyorum") == set()


def test_features_ignore_case_and_turkish_letters():
    assert ngrams("ÇEKİM İŞLEMİ") == ngrams("cekim islemi")


def test_a_sparse_model_round_trips_as_arrays():
    model = SparseModel.fit(["hesabım çalındı", "biri girdi hesabıma", "merhaba", "iyi günler"] * 3,
                            ["risk", "risk", "none", "none"] * 3, C=10)
    again = SparseModel(dict(model.arrays))
    assert again.probabilities("hesabım çalındı") == model.probabilities("hesabım çalındı")
    assert max(model.probabilities("HESABIM CALINDI").items(), key=lambda kv: kv[1])[0] == "risk"
