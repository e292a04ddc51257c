"""Turkish words for back-office codes (payment methods, transaction kinds and states, limit and
exclusion periods, KVKK request types), as the bot says them to players.

Money, dates and percentages are formatted by the shared contracts (`casinra_contracts.money`,
`casinra_contracts.dates`).
"""
from __future__ import annotations

from typing import Optional

METHOD_LABELS = {
    "papara": "Papara",
    "bank_transfer": "havale/EFT",
    "credit_card": "kredi kartı",
    "debit_card": "banka kartı",
    "ewallet": "e-cüzdan",
    "crypto": "kripto",
}
# `payment_method` entity values, folded (casinra_contracts.text.fold_words) → method codes.
METHOD_FROM_ENTITY = {
    "papara": "papara",
    "havale/eft": "bank_transfer",
    "havale": "bank_transfer",
    "eft": "bank_transfer",
    "kredi karti": "credit_card",
    "banka karti": "debit_card",
    "e-cuzdan": "ewallet",
    "kripto": "crypto",
}
KIND_LABELS = {"deposit": "para yatırma", "withdrawal": "para çekme", "bonus": "bonus"}
STATUS_LABELS = {
    "pending": "beklemede",
    "processing": "işleniyor",
    "completed": "tamamlandı",
    "rejected": "reddedildi",
    "failed": "başarısız oldu",
    "cancelled": "iptal edildi",
}
PERIOD_LABELS = {"daily": "günlük", "weekly": "haftalık", "monthly": "aylık"}
LIMIT_TYPE_LABELS = {"deposit": "para yatırma", "loss": "kayıp"}
EXCLUSION_LABELS = {
    "24h": "24 saat",
    "7d": "7 gün",
    "30d": "30 gün",
    "6m": "6 ay",
    "permanent": "kalıcı olarak",
}
PRIVACY_LABELS = {
    "access": "kişisel verilerinize erişim",
    "correction": "kişisel verilerinizin düzeltilmesi",
    "deletion": "kişisel verilerinizin silinmesi",
}


def method_label(method: Optional[str]) -> str:
    return METHOD_LABELS.get(method or "", method or "bilinmeyen yöntem")


def status_label(status: str) -> str:
    return STATUS_LABELS.get(status, status)


def kind_label(kind: str) -> str:
    return KIND_LABELS.get(kind, kind)
