"""A player's score, read one way everywhere: the CSAT (1–5) and NPS (0–10) answers the action
server stores (actions/feedback.py), and the rating the supervisor's figures and the content team's
inbox see in a recorded `rate` turn.

A clicked button's entity is the answer; typed text is parsed on the scale asked: "4 yıldız",
"beş", "5/5"; "10 üzerinden 8" names another scale and is no 1–5 answer; exactly one distinct
number must be written, within the scale.
"""
from __future__ import annotations

import re
from typing import Any, Iterable, List, Mapping, Optional

from .text import fold_words

NUMBER_WORDS = {"sifir": 0, "bir": 1, "iki": 2, "uc": 3, "dort": 4, "bes": 5, "alti": 6, "yedi": 7, "sekiz": 8,
                "dokuz": 9, "on": 10, "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
                "seven": 7, "eight": 8, "nine": 9, "ten": 10}
_OUT_OF = re.compile(r"(\d+)\s*(?:uzerinden|ustunden|out of)\s*(\d+)|(\d+)\s*/\s*(\d+)")
_TOKENS = re.compile(r"[a-z]+|\d+")
CSAT_SCALE, NPS_SCALE = 5, 10


def _numbers(folded: str) -> List[int]:
    """Numbers written as digits or words ("4", "dört"); "bir" counts only when nothing else does
    (it is also the indefinite article: "bir yıldız daha")."""
    found: List[int] = []
    words: List[int] = []
    for token in _TOKENS.findall(folded):
        if token.isdigit():
            found.append(int(token))
        elif token in NUMBER_WORDS:
            (words if token in ("bir", "one") else found).append(NUMBER_WORDS[token])
    return found or words


def parse_score(text: str, scale: int) -> Optional[int]:
    """The score typed on a 1–5 (``scale=5``) or 0–10 (``scale=10``) scale, else None."""
    folded = fold_words(text or "")
    lowest = 1 if scale == CSAT_SCALE else 0
    match = _OUT_OF.search(folded)
    if match:
        if match.group(1):  # "X üzerinden Y": X is the scale
            of, value = int(match.group(1)), int(match.group(2))
        else:  # "Y/X"
            value, of = int(match.group(3)), int(match.group(4))
        return value if of == scale and lowest <= value <= scale else None
    numbers = set(_numbers(folded))
    if len(numbers) != 1:
        return None
    value = numbers.pop()
    return value if lowest <= value <= scale else None


def entity_value(entities: Optional[Iterable[Mapping[str, Any]]], name: str) -> Optional[str]:
    for entity in entities or ():
        if entity.get("entity") == name and entity.get("value") is not None:
            return str(entity["value"])
    return None


def clicked_or_typed(text: str, entities: Optional[Iterable[Mapping[str, Any]]], entity: str,
                     scale: int) -> Optional[int]:
    """A clicked button's `entity` (its payload starts with "/"), else the typed text on the scale."""
    text = text or ""
    if text.startswith("/"):
        raw = entity_value(entities, entity)
        return parse_score(raw, scale) if raw is not None else None
    return parse_score(text, scale)


def csat_of_turn(parse_data: Mapping[str, Any], text: str) -> Optional[int]:
    """The 1–5 rating of a recorded `rate` turn (a tracker's user event), as the bot stored it."""
    return clicked_or_typed(text, parse_data.get("entities"), "rating", CSAT_SCALE)
