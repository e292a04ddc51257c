"""Turkish names of the back-office's codes (lower case, to sit inside a sentence).

The action server uses them in its answers; the gateway puts them next to the codes in the
agent's context panel (``*_label`` keys).
"""
from __future__ import annotations

from typing import Mapping, Optional

KYC_STATUS_LABELS = {
    "not_started": "başlamadı",
    "pending": "inceleniyor",
    "approved": "onaylandı",
    "rejected": "reddedildi",
}
TX_KIND_LABELS = {"deposit": "para yatırma", "withdrawal": "para çekme", "bonus": "bonus"}
TX_METHOD_LABELS = {
    "papara": "Papara",
    "bank_transfer": "havale/EFT",
    "credit_card": "kredi kartı",
    "debit_card": "banka kartı",
    "ewallet": "e-cüzdan",
    "crypto": "kripto",
}
TX_STATUS_LABELS = {
    "pending": "beklemede",
    "processing": "işleniyor",
    "completed": "tamamlandı",
    "rejected": "reddedildi",
    "failed": "başarısız oldu",
    "cancelled": "iptal edildi",
}


def label(labels: Mapping[str, str], code: Optional[str]) -> Optional[str]:
    """The Turkish name of a code; the code itself when it has none; None for None."""
    if code is None:
        return None
    return labels.get(code, code)
