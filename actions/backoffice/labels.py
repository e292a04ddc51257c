"""The bot's own words for back-office codes: limit and exclusion periods, KVKK request types,
and the payment methods players name.

Transaction kinds, methods and states have shared labels (`casinra_contracts.backoffice.labels`,
also shown to agents); money, dates and percentages are formatted by `casinra_contracts.money`
and `casinra_contracts.dates`.
"""
from __future__ import annotations

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

