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


def _files(tmp_path, pattern):
    examples, patterns = tmp_path / "safety.yml", tmp_path / "patterns.yml"
    examples.write_text("safety:\n  account_takeover:\n    - biri hesabıma girmiş\n    - şifremi ben değiştirmedim\n"
                        "not_safety:\n    - şifremi unuttum\n", encoding="utf-8")
    patterns.write_text(f"account_takeover:\n  - {pattern}\n", encoding="utf-8")
    return {"examples_file": str(examples), "patterns_file": str(patterns)}


def test_a_change_to_the_examples_or_patterns_retrains_the_detector(tmp_path):
    from bot.safety_detector import SafetyDetector

    config = _files(tmp_path, "hesabim calindi")
    before = SafetyDetector.fingerprint_addon(config)
    assert SafetyDetector.fingerprint_addon(config) == before
    (tmp_path / "patterns.yml").write_text("account_takeover:\n  - hesabima el konuldu\n", encoding="utf-8")
    after_patterns = SafetyDetector.fingerprint_addon(config)
    (tmp_path / "safety.yml").write_text("safety:\n  account_takeover:\n    - yeni bir örnek\n", encoding="utf-8")
    assert len({before, after_patterns, SafetyDetector.fingerprint_addon(config)}) == 3


def test_the_model_keeps_the_patterns_it_was_trained_with(tmp_path):
    from rasa.engine.graph import ExecutionContext, GraphSchema
    from rasa.engine.storage.local_model_storage import LocalModelStorage
    from rasa.engine.storage.resource import Resource
    from rasa.shared.nlu.training_data.message import Message
    from rasa.shared.nlu.training_data.training_data import TrainingData

    from bot.safety_detector import SafetyDetector

    config = _files(tmp_path, "hesabim calindi")
    (tmp_path / "model").mkdir()
    storage, context = LocalModelStorage(tmp_path / "model"), ExecutionContext(GraphSchema({}), "test")
    data = TrainingData([Message.build(text=t, intent="greet") for t in ("merhaba", "iyi günler", "selam")])
    resource = SafetyDetector.create(config, storage, Resource("safety"), context).train(data)
    # the working tree's patterns change after training: the model still has its own
    (tmp_path / "patterns.yml").write_text("account_takeover:\n  - iyi gunler\n", encoding="utf-8")
    loaded = SafetyDetector.load(config, storage, resource, context)
    assert loaded.detect("HESABIM ÇALINDI")["source"] == "pattern"
    assert [p.pattern for _, p in loaded.patterns] == ["hesabim calindi"]
