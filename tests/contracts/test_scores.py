"""casinra_contracts.scores: a typed or clicked score read one way by the action server that stores
it and by the figures and inbox that read recorded turns."""
import pytest

from casinra_contracts.handoff import rating_payload
from casinra_contracts.scores import csat_of_turn, parse_score


@pytest.mark.parametrize("text, score", [
    ("4 yıldız veriyorum", 4), ("beş", 5), ("BEŞ YILDIZ", 5), ("dört", 4), ("puanım 2", 2), ("5/5", 5),
    ("5 üzerinden 3", 3), ("bir yıldız bile fazla", 1), ("üç", 3), ("3 puan, çok geç cevap verdiniz", 3),
    ("10 üzerinden 8", None), ("8", None), ("0", None), ("8/10", None), ("3 ile 4 arası", None), ("harika", None),
])
def test_typed_csat(text, score):
    assert parse_score(text, 5) == score


@pytest.mark.parametrize("text, score", [
    ("8", 8), ("10 üzerinden 9", 9), ("sıfır", 0), ("on", 10), ("9/10", 9), ("5 üzerinden 4", None), ("11", None),
])
def test_typed_nps(text, score):
    assert parse_score(text, 10) == score


@pytest.mark.parametrize("text, entities, score", [
    (rating_payload(4), [{"entity": "rating", "value": "4"}], 4),
    ('/rate{"nps":"9"}', [{"entity": "nps", "value": "9"}], None),  # an NPS answer is no CSAT
    ("dört yıldız veriyorum", [], 4),
    ("iki", [{"entity": "rating", "value": "5"}], 2),  # typed text: the words count, not a stray entity
    ("10 üzerinden 8", [], None),
    ("3 ile 4 arası", [], None),
])
def test_the_csat_of_a_recorded_turn(text, entities, score):
    assert csat_of_turn({"intent": {"name": "rate"}, "entities": entities}, text) == score
