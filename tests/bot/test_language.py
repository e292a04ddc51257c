import pytest

from bot.language import detect_language


@pytest.mark.parametrize("text, language", [
    ("do you have agents who speak English?", "en"),
    ("I want to talk to a person", "en"),
    ("Sprechen Sie Deutsch? Ich habe ein Problem mit meinem Konto", "de"),
    ("withdraw talebim pending'de kaldı", "tr"),
    ("hesabım çalındı", "tr"),
    ("ok", "tr"),
    ("slm kanka cekim ne zaman", "tr"),
])
def test_the_language_a_player_writes_in(text, language):
    assert detect_language(text) == language
