"""Reading what players type into form fields: Turkish, with or without Turkish letters.

Every parser returns a normalised value, or None when the text cannot be understood
(the form then explains in Turkish and asks again).
"""
from __future__ import annotations

import re
from typing import Any, Iterable, Optional

from casinra_contracts.text import fold_words


def _has_any(folded: str, needles: Iterable[str]) -> bool:
    return any(re.search(rf"(?<![a-z]){re.escape(n)}", folded) for n in needles)


# --------------------------------------------------------------------------- yes / no / none

YES_WORDS = ("evet", "onayliyorum", "onayla", "eminim", "tamam", "olur", "kabul", "uygula",
             "aynen", "dogru", "yes", "ok")
NO_WORDS = ("hayir", "istemiyorum", "vazgec", "yok", "emin degilim", "no", "olmaz")
NONE_WORDS = ("yok", "hayir", "bilmiyorum", "hatirlamiyorum", "emin degilim", "atla", "gec",
              "gerek yok", "bos", "none", "-")


def parse_yes_no(text: Any) -> Optional[bool]:
    folded = fold_words(text)
    if not folded:
        return None
    no = _has_any(folded, NO_WORDS)
    yes = _has_any(folded, YES_WORDS)
    if no and not yes:
        return False
    if yes and not no:
        return True
    return None


def is_none_answer(text: Any) -> bool:
    """'yok', 'bilmiyorum', 'hatırlamıyorum', '-' … (for optional fields)."""
    folded = fold_words(text)
    if not folded:
        return False
    if folded in NONE_WORDS:
        return True
    return not re.search(r"\d", folded) and _has_any(folded, NONE_WORDS[:6])


# --------------------------------------------------------------------------- limit removal
# (amounts themselves: casinra_contracts.money.parse_amount)

REMOVE_WORDS = ("kaldir", "limitsiz", "sinirsiz", "limit olmasin", "limit istemiyorum",
                "limiti sil", "sifirla", "remove", "iptal et")


def wants_removal(text: Any) -> bool:
    return _has_any(fold_words(text), REMOVE_WORDS)


# --------------------------------------------------------------------------- phone

def national_number(text: Any) -> Optional[str]:
    """The 10-digit Turkish national number (without 0 / +90), or None."""
    if text is None:
        return None
    digits = re.sub(r"\D", "", str(text))
    if digits.startswith("0090"):
        digits = digits[4:]
    elif digits.startswith("90") and len(digits) == 12:
        digits = digits[2:]
    elif digits.startswith("0") and len(digits) == 11:
        digits = digits[1:]
    return digits if len(digits) == 10 and digits[0] != "0" else None


def parse_mobile_phone(text: Any) -> Optional[str]:
    """A Turkish mobile number in any common form → ``'+90 532 123 45 67'``; else None."""
    digits = national_number(text)
    if digits is None or not digits.startswith("5"):
        return None
    return f"+90 {digits[0:3]} {digits[3:6]} {digits[6:8]} {digits[8:10]}"


# --------------------------------------------------------------------------- e-mail

_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")


def parse_email(text: Any) -> Optional[str]:
    match = _EMAIL.search(str(text or ""))
    return match.group(0).lower() if match else None


# --------------------------------------------------------------------------- periods

def parse_limit_period(text: Any) -> Optional[str]:
    """'günlük', 'gunluk', 'haftalık', 'aylik', 'weekly' … → daily | weekly | monthly."""
    tokens = re.findall(r"[a-z]+", fold_words(text))
    found = set()
    for token in tokens:
        if token.startswith("hafta") or token == "weekly":
            found.add("weekly")
        elif token in {"ay", "aylik", "ayda", "ayligi", "aylik", "monthly"} or token.startswith("aylik"):
            found.add("monthly")
        elif token.startswith("gun") or token == "daily":
            found.add("daily")
    return found.pop() if len(found) == 1 else None


def parse_limit_type(text: Any) -> str:
    folded = fold_words(text)
    return "loss" if _has_any(folded, ("kayip", "kaybetme", "zarar", "loss")) else "deposit"


_NUMBER_WORDS = {"bir": 1, "iki": 2, "uc": 3, "dort": 4, "bes": 5, "alti": 6, "yedi": 7,
                 "on": 10, "otuz": 30, "yirmi dort": 24, "yirmidort": 24, "yuz seksen": 180}
_UNIT_DAYS = {"saat": 1 / 24, "gun": 1, "hafta": 7, "ay": 30}
_EXCLUSION_BY_DAYS = {1: "24h", 7: "7d", 30: "30d", 180: "6m"}


def parse_exclusion_period(text: Any) -> Optional[str]:
    """'24 saat', '7 gün', '1 hafta', '30 gün', 'bir ay', '6 ay', 'kalıcı' … → 24h|7d|30d|6m|permanent."""
    folded = fold_words(text)
    if not folded:
        return None
    if folded in {"24h", "7d", "30d", "6m", "permanent"}:
        return folded
    if _has_any(folded, ("kalici", "suresiz", "omur boyu", "sonsuza", "temelli", "ebediyen",
                         "permanent", "bir daha asla", "sonsuz")):
        return "permanent"
    if _has_any(folded, ("yarim yil", "alti aylik")):
        return "6m"
    words = "|".join(sorted(map(re.escape, _NUMBER_WORDS), key=len, reverse=True))
    match = re.search(rf"(\d+|{words})\s*(saat|gun|hafta|ay)", folded)
    if not match:
        if re.fullmatch(r"(bir )?(gun|gunluk)", folded):
            return "24h"
        if re.fullmatch(r"(bir )?(hafta|haftalik)", folded):
            return "7d"
        if re.fullmatch(r"(bir )?(ay|aylik)", folded):
            return "30d"
        return None
    count_raw, unit = match.groups()
    count = int(count_raw) if count_raw.isdigit() else _NUMBER_WORDS[count_raw]
    if unit == "ay" and count == 6:
        return "6m"
    days = count * _UNIT_DAYS[unit]
    if unit == "hafta" and count == 4:
        days = 30
    return _EXCLUSION_BY_DAYS.get(round(days, 6)) if days in _EXCLUSION_BY_DAYS else None


# --------------------------------------------------------------------------- callback window

CALLBACK_OPEN_HOUR, CALLBACK_CLOSE_HOUR = 9, 22
_NAMED_WINDOWS = (
    (("ogleden sonra", "ogle sonrasi", "ogleden sora", "ikindi"), "öğleden sonra (14:00–18:00)"),
    (("ogle",), "öğle saatleri (12:00–14:00)"),
    (("sabah",), "sabah (09:00–12:00)"),
    (("aksam",), "akşam (18:00–22:00)"),
    (("hemen", "simdi", "en kisa", "en erken", "farketmez", "fark etmez", "herhangi",
      "musait oldugunuz", "ne zaman olursa", "istediginiz zaman", "her zaman"),
     "en kısa sürede"),
)


def parse_time_window(text: Any) -> Optional[str]:
    """'sabah', 'öğleden sonra', 'akşam', 'hemen', '14-16', '14:00 ile 16:00 arası', 'saat 15',
    'akşam 7'den sonra', 'sabah 10 gibi' → a readable window between 09:00 and 22:00;
    None when not understood or outside the callback hours."""
    folded = fold_words(text)
    if not folded:
        return None
    day = ""
    if _has_any(folded, ("yarin",)):
        day = "yarın "
    elif _has_any(folded, ("bugun",)):
        day = "bugün "
    elif _has_any(folded, ("hafta sonu", "haftasonu", "cumartesi", "pazar")):
        day = "hafta sonu "
    elif _has_any(folded, ("hafta ici", "haftaici")):
        day = "hafta içi "
    afternoon = _has_any(folded, ("aksam", "ogleden sonra", "ikindi"))

    def minutes(h: str, m: Optional[str]) -> Optional[int]:
        hour, minute = int(h), int(m or 0)
        if afternoon and 1 <= hour <= 11:
            hour += 12
        if hour > 24 or minute > 59:
            return None
        return hour * 60 + minute

    def in_hours(start: int, end: int) -> bool:
        return CALLBACK_OPEN_HOUR * 60 <= start < end <= CALLBACK_CLOSE_HOUR * 60

    def hhmm(value: int) -> str:
        return f"{value // 60:02d}:{value % 60:02d}"

    hour = r"(\d{1,2})(?:[:.](\d{2}))?"
    match = re.search(rf"{hour}\s*(?:'?[a-z]*)?\s*(?:-|–|ile|ila|/)\s*{hour}", folded)
    if match:
        start, end = minutes(*match.group(1, 2)), minutes(*match.group(3, 4))
        if start is None or end is None or not in_hours(start, end):
            return None
        return f"{day}{hhmm(start)}–{hhmm(end)}"
    match = re.search(rf"{hour}\s*'?\s*(?:[dt][ae]n)\s+sonra", folded)
    if match:
        start = minutes(*match.group(1, 2))
        if start is None or not in_hours(start, CALLBACK_CLOSE_HOUR * 60):
            return None
        return f"{day}{hhmm(start)}–{hhmm(CALLBACK_CLOSE_HOUR * 60)}"
    match = re.search(rf"(saat\s*)?{hour}\s*'?\s*(gibi|civari|civarinda|sularinda|[dt][ae])?(?![\d])", folded)
    if match and (match.group(1) or match.group(4) or re.fullmatch(rf"{hour}", folded)):
        start = minutes(match.group(2), match.group(3))
        if start is None or not in_hours(start, start + 1):
            return None
        return f"{day}saat {hhmm(start)} civarı"
    for needles, label in _NAMED_WINDOWS:
        if _has_any(folded, needles):
            if label == "en kısa sürede" and day:
                return f"{day}herhangi bir saat (09:00–22:00)"
            return f"{day}{label}"
    return None


# --------------------------------------------------------------------------- privacy

def parse_privacy_type(text: Any) -> Optional[str]:
    """access | correction | deletion, from everyday wording; None when unclear."""
    folded = fold_words(text)
    if not folded:
        return None
    if folded in {"access", "correction", "deletion"}:
        return folded
    if _has_any(folded, ("sil", "kaldir", "unutul", "yok et", "imha", "delete", "hesabimi kapat")):
        return "deletion"
    if _has_any(folded, ("duzelt", "guncelle", "degistir", "yanlis", "hatali", "eksik bilgi",
                         "correct", "update")):
        return "correction"
    if _has_any(folded, ("eris", "kopya", "gorm", "goster", "hangi veri", "hangi bilgi",
                         "ne tur veri", "nelerini", "ogren", "indir", "access", "bilgi talep",
                         "ne bilgi", "neler tutul", "sakladig", "tuttug")):
        return "access"
    return None
