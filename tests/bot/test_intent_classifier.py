import numpy as np
import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import CountVectorsFeaturizer
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.intent_classifier import ARRAYS, TurkishIntentClassifier
from bot.nlu_turkish import TurkishTextNormalizer

EXAMPLES = {
    "withdrawal_status": ["çekimim nerede", "para çekme talebim gelmedi", "çekim hala beklemede", "çektiğim para hesaba geçmedi"],
    "greet": ["merhaba", "selam", "iyi günler", "günaydın ekip"],
    "thank": ["teşekkürler", "çok sağ olun", "teşekkür ederim", "eyvallah"],
}


@pytest.fixture()
def storage(tmp_path):
    return LocalModelStorage(tmp_path)


def context():
    return ExecutionContext(GraphSchema({}), "test")


def prepare(storage):
    """Whitespace tokens, Turkish folding, word and char_wb counts: a small real pipeline."""
    data = TrainingData([Message.build(text=t, intent=i) for i, texts in EXAMPLES.items() for t in texts])
    tokenizer = WhitespaceTokenizer(WhitespaceTokenizer.get_default_config())
    normalizer = TurkishTextNormalizer(TurkishTextNormalizer.get_default_config())
    featurizers = [
        CountVectorsFeaturizer.create(
            {**CountVectorsFeaturizer.get_default_config(), **config}, storage, Resource(f"cvf{n}"), context()
        )
        for n, config in enumerate([{"analyzer": "word"}, {"analyzer": "char_wb", "min_ngram": 2, "max_ngram": 4}])
    ]
    tokenizer.process_training_data(data)
    normalizer.process_training_data(data)
    for featurizer in featurizers:
        featurizer.train(data)
        featurizer.process_training_data(data)

    def featurize(text):
        message = Message.build(text=text)
        tokenizer.process([message])
        normalizer.process([message])
        for featurizer in featurizers:
            featurizer.process([message])
        return message

    return data, featurize


def trained(storage, resource_name="clf"):
    data, featurize = prepare(storage)
    resource = Resource(resource_name)
    classifier = TurkishIntentClassifier.create(TurkishIntentClassifier.get_default_config(), storage, resource, context())
    classifier.train(data)
    return classifier, resource, featurize


def test_predicts_a_ranked_distribution(storage):
    classifier, _, featurize = trained(storage)
    message = featurize("PARA ÇEKİMİM NEREDE")
    classifier.process([message])
    ranking = message.get("intent_ranking")
    assert message.get("intent")["name"] == "withdrawal_status"
    assert [r["confidence"] for r in ranking] == sorted((r["confidence"] for r in ranking), reverse=True)
    assert sum(r["confidence"] for r in ranking) == pytest.approx(1.0)


def test_ascii_typing_gives_the_same_answer(storage):
    classifier, _, featurize = trained(storage)
    turkish, ascii_typed = featurize("çok teşekkür ederim"), featurize("cok tesekkur ederim")
    classifier.process([turkish, ascii_typed])
    assert turkish.get("intent") == ascii_typed.get("intent")
    assert turkish.get("intent")["name"] == "thank"


def test_stored_as_plain_arrays_and_loaded_back(storage):
    classifier, resource, featurize = trained(storage)
    with storage.read_from(resource) as directory:
        with np.load(directory / ARRAYS, allow_pickle=False) as stored:
            assert {"coef", "intercept", "classes"} <= set(stored.files)
    loaded = TurkishIntentClassifier.load(TurkishIntentClassifier.get_default_config(), storage, resource, context())
    a, b = featurize("selam millet"), featurize("selam millet")
    classifier.process([a])
    loaded.process([b])
    assert a.get("intent_ranking") == b.get("intent_ranking")


def test_training_twice_gives_the_same_model(storage):
    first, _, featurize = trained(storage, "first")
    second, _, _ = trained(storage, "second")
    a, b = featurize("çekimim gelmedi"), featurize("çekimim gelmedi")
    first.process([a])
    second.process([b])
    assert a.get("intent_ranking") == b.get("intent_ranking")


def test_untrained_or_featureless_messages_get_no_intent(storage):
    untrained = TurkishIntentClassifier.load(
        TurkishIntentClassifier.get_default_config(), storage, Resource("missing"), context()
    )
    message = Message.build(text="merhaba")
    untrained.process([message])
    assert message.get("intent") == {"name": None, "confidence": 0.0}
    classifier, _, _ = trained(storage)
    bare = Message.build(text="")  # nothing to featurize
    classifier.process([bare])
    assert bare.get("intent") == {"name": None, "confidence": 0.0}
    assert bare.get("intent_ranking") == []
