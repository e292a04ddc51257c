"""Turkish-aware case and letter folding.

Python's ``str.lower()`` turns ``İ`` into ``i̇`` and ``I`` into ``i``; players often type without
Turkish letters. ``fold`` is length-preserving, so offsets in folded text point at the same
characters in the original.
"""
from __future__ import annotations

import re
import unicodedata

_UPPER_TO_LOWER = str.maketrans({"I": "ı", "İ": "i"})
_LOWER_TO_UPPER = str.maketrans({"i": "İ", "ı": "I"})
_ASCII_LOWER = str.maketrans({
    "ç": "c", "ğ": "g", "ı": "i", "ö": "o", "ş": "s", "ü": "u", "â": "a", "î": "i", "û": "u", "ê": "e",
})
_ASCII_ANY_CASE = str.maketrans(dict(zip("çğıöşüÇĞİÖŞÜâîûÂÎÛ", "cgiosuCGIOSUaiuAIU")))


def turkish_lower(text: str) -> str:
    """Lower-case with Turkish rules: ``I`` → ``ı``, ``İ`` → ``i``."""
    return "".join(_lower_char(ch) for ch in text.translate(_UPPER_TO_LOWER))


def _lower_char(ch: str) -> str:
    low = ch.lower()
    return low if len(low) == 1 else ch


def turkish_upper(text: str) -> str:
    """Upper-case with Turkish rules: ``i`` → ``İ``, ``ı`` → ``I``."""
    return text.translate(_LOWER_TO_UPPER).upper()


def turkish_title(word: str) -> str:
    return turkish_upper(word[:1]) + word[1:] if word else word


def ascii_fold(text: str) -> str:
    """Replace lower-case Turkish letters with the ASCII letters players type instead."""
    return text.translate(_ASCII_LOWER)


def to_ascii(text: str) -> str:
    """What a player without a Turkish keyboard types: ``Çekim İşlemi`` → ``Cekim Islemi``."""
    return text.translate(_ASCII_ANY_CASE)


def fold(text: str) -> str:
    """Case- and letter-insensitive key, same length: ``ÇEKİM``, ``çekim``, ``cekim`` → ``cekim``."""
    return ascii_fold(turkish_lower(text))


def strip_accents(text: str) -> str:
    """Remove combining marks (from pasted decomposed text)."""
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def fold_words(text: object) -> str:
    """``fold`` for matching words: any value, accents stripped, white space collapsed and trimmed."""
    if text is None:
        return ""
    return re.sub(r"\s+", " ", fold(strip_accents(str(text)))).strip()
