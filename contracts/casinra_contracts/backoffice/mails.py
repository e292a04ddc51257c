"""The Turkish mails of a ticket's thread: subjects carry the reference so replies find the ticket.

The action server queues the confirmation with the ticket (one transaction); the gateway queues
agents' answers; the gateway's mail worker sends both (``casinra_handoff.mail``).
"""
from __future__ import annotations

import re
from datetime import datetime
from typing import Optional

from ..dates import format_datetime
from .sla import TICKET_KIND_LABELS

# kinds confirmed by mail when the player's address is known (a fraud report is not: the address
# on file may be the attacker's; a callback is answered by phone)
CONFIRMED_KINDS = ("email", "privacy", "complaint", "bonus_dispute")
# 'EPT-261201-N34G62' anywhere in a subject or body, in any case
REFERENCE_PATTERN = re.compile(r"\b(EPT|ARA|DLD|KVKK|SKY|ITR|DST)-(\d{6})-([A-Z0-9]{6})\b", re.IGNORECASE)


def reference_in(text: Optional[str]) -> Optional[str]:
    match = REFERENCE_PATTERN.search(text or "")
    return "-".join((match.group(1).upper(), match.group(2), match.group(3).upper())) if match else None


def subject_for(reference: str, subject: Optional[str]) -> str:
    """``'[EPT-261201-N34G62] Çekim talebim gecikti'``: the reference first, then the player's subject."""
    rest = " ".join((subject or "").split())[:200]
    return f"[{reference}] {rest}".strip() if rest else f"[{reference}] Destek talebiniz"


def confirmation(reference: str, kind: str, subject: Optional[str], due_at: datetime,
                 name: Optional[str]) -> tuple[str, str]:
    """(subject, body) of the mail that confirms a new ticket."""
    hello = f"Merhaba {name.split()[0]}," if name else "Merhaba,"
    what = TICKET_KIND_LABELS.get(kind, "Destek talebiniz").lower()
    body = (
        f"{hello}\n\n"
        f"{what.capitalize()} kaydınızı aldık. Referans numaranız: {reference}.\n"
        f"En geç {format_datetime(due_at)} (İstanbul saati) tarihine kadar size bu adresten yanıt vereceğiz.\n\n"
        "Eklemek istediğiniz bir bilgi ya da belge varsa bu e-postayı yanıtlamanız yeterli; konu satırındaki "
        "referans numarası sayesinde yanıtınız aynı talebe eklenir.\n\n"
        "Casinra Destek\n7/24 canlı destek: sitedeki sohbet penceresi"
    )
    return subject_for(reference, subject), body


def answer_subject(reference: str, subject: Optional[str]) -> str:
    """An agent's answer: 'Re:' and the reference, whatever the thread's subject was."""
    base = re.sub(r"^\s*((re|ynt|ynt|aw|fwd?)\s*:\s*)+", "", subject or "", flags=re.IGNORECASE)
    if reference_in(base) != reference:
        base = subject_for(reference, base)
    return f"Re: {base}"
