from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.training_data.message import Message

from bot.nlu_turkish import TurkishTextNormalizer


def tokenized(text):
    tokenizer = WhitespaceTokenizer(WhitespaceTokenizer.get_default_config())
    message = Message.build(text=text)
    tokenizer.process([message])
    return message


def test_tokens_are_folded_but_the_text_is_not():
    message = tokenized("PARA ÇEKEMİYORUM İPTAL")
    TurkishTextNormalizer(TurkishTextNormalizer.get_default_config()).process([message])
    assert [t.text for t in message.get("text_tokens")] == ["para", "cekemiyorum", "iptal"]
    assert [t.lemma for t in message.get("text_tokens")] == ["para", "cekemiyorum", "iptal"]
    assert message.get("text") == "PARA ÇEKEMİYORUM İPTAL"


def test_ascii_and_turkish_spellings_give_the_same_tokens():
    component = TurkishTextNormalizer(TurkishTextNormalizer.get_default_config())
    a, b = tokenized("şifremi unuttum"), tokenized("SIFREMI UNUTTUM")
    component.process([a, b])
    assert [t.text for t in a.get("text_tokens")] == [t.text for t in b.get("text_tokens")]
