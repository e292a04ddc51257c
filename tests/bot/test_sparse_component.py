"""A sparse-model component is stored as plain arrays, loaded back the same, and absent before training."""
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.second_question import SecondQuestion

EXAMPLES = [("çekimim ne zaman gelir", "withdrawal_status"), ("para çekme talebim nerede", "withdrawal_status"),
            ("bonusum ne durumda", "bonus_status"), ("bonus çevrimim ne kadar kaldı", "bonus_status")]


def test_stored_as_plain_arrays_and_loaded_back(tmp_path):
    storage, context = LocalModelStorage(tmp_path), ExecutionContext(GraphSchema({}), "test")
    data = TrainingData([Message.build(text=t, intent=i) for t, i in EXAMPLES])
    trained = SecondQuestion.create({}, storage, Resource("second"), context)
    resource = trained.train(data)
    with storage.read_from(resource) as directory:
        assert [p.name for p in directory.iterdir()] == ["second_question.npz"]
    loaded = SecondQuestion.load({}, storage, resource, context)
    assert loaded._model.probabilities("bonusum ne oldu") == trained._model.probabilities("bonusum ne oldu")
    assert SecondQuestion.load({}, storage, Resource("never-trained"), context)._model is None
