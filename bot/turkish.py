"""Turkish-aware case and diacritic folding.

`fold` is length-preserving, so offsets in the folded text point at the same
characters in the original text.
"""
from __future__ import annotations

import unicodedata

_UPPER_TO_LOWER = str.maketrans({"I": "ı", "İ": "i"})
_LOWER_TO_UPPER = str.maketrans({"i": "İ", "ı": "I"})
_ASCII = str.maketrans(
    {
        "ç": "c", "ğ": "g", "ı": "i", "ö": "o", "ş": "s", "ü": "u",
        "â": "a", "î": "i", "û": "u", "ê": "e",
    }
)


def turkish_lower(text: str) -> str:
    """Lower-case with Turkish rules: I → ı, İ → i (Python's lower() gets both wrong)."""
    return "".join(_lower_char(ch) for ch in text.translate(_UPPER_TO_LOWER))


def _lower_char(ch: str) -> str:
    low = ch.lower()
    return low if len(low) == 1 else ch


def turkish_upper(text: str) -> str:
    """Upper-case with Turkish rules: i → İ, ı → I."""
    return text.translate(_LOWER_TO_UPPER).upper()


def turkish_title(word: str) -> str:
    return turkish_upper(word[:1]) + word[1:] if word else word


def ascii_fold(text: str) -> str:
    """Replace Turkish letters with the ASCII letters players type instead."""
    return text.translate(_ASCII)


_ASCII_ANY_CASE = str.maketrans(
    {**{k: v for k, v in zip("çğıöşüÇĞİÖŞÜâîûÂÎÛ", "cgiosuCGIOSUaiuAIU")}}
)


def to_ascii(text: str) -> str:
    """What a player without a Turkish keyboard types: `Çekim İşlemi` → `Cekim Islemi`."""
    return text.translate(_ASCII_ANY_CASE)


def fold(text: str) -> str:
    """Case- and diacritic-insensitive key: `ÇEKİM`, `çekim` and `cekim` → `cekim`."""
    return ascii_fold(turkish_lower(text))


def strip_accents(text: str) -> str:
    """Remove any remaining combining marks (e.g. from pasted decomposed text)."""
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))
