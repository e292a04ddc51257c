"""Turkish text for money, dates and back-office codes."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal
from typing import Optional, Union

# Turkey has used UTC+3 all year round since 2016.
TURKEY_TZ = timezone(timedelta(hours=3), "TRT")

MONTHS_TR = (
    "Ocak", "Şubat", "Mart", "Nisan", "Mayıs", "Haziran",
    "Temmuz", "Ağustos", "Eylül", "Ekim", "Kasım", "Aralık",
)

METHOD_LABELS = {
    "papara": "Papara",
    "bank_transfer": "havale/EFT",
    "credit_card": "kredi kartı",
    "debit_card": "banka kartı",
    "ewallet": "e-cüzdan",
    "crypto": "kripto",
}
# The NLU pipeline normalises `payment_method` to these values.
METHOD_FROM_ENTITY = {
    "papara": "papara",
    "havale/eft": "bank_transfer",
    "havale": "bank_transfer",
    "eft": "bank_transfer",
    "kredi kartı": "credit_card",
    "kredi karti": "credit_card",
    "banka kartı": "debit_card",
    "banka karti": "debit_card",
    "e-cüzdan": "ewallet",
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


def _group_thousands(digits: str) -> str:
    groups = []
    while len(digits) > 3:
        groups.insert(0, digits[-3:])
        digits = digits[:-3]
    groups.insert(0, digits)
    return ".".join(groups)


def money(amount_minor: int, currency: str = "TRY") -> str:
    """``150000`` → ``'1.500,00 TL'``."""
    sign = "-" if amount_minor < 0 else ""
    whole, kurus = divmod(abs(int(amount_minor)), 100)
    unit = "TL" if currency == "TRY" else currency
    return f"{sign}{_group_thousands(str(whole))},{kurus:02d} {unit}"


def to_minor(amount: Union[Decimal, str, int, float]) -> int:
    """Decimal lira → kuruş, rounded half up."""
    value = Decimal(str(amount)) * 100
    return int(value.quantize(Decimal("1"), rounding=ROUND_HALF_UP))


def local(dt: datetime) -> datetime:
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return dt.astimezone(TURKEY_TZ)


def date_tr(value: Union[datetime, date]) -> str:
    """``'23 Kasım 2026'`` (in Turkish time)."""
    if isinstance(value, datetime):
        value = local(value).date()
    return f"{value.day} {MONTHS_TR[value.month - 1]} {value.year}"


def datetime_tr(value: datetime) -> str:
    """``'23 Kasım 2026, 14:30'`` (in Turkish time)."""
    value = local(value)
    return f"{date_tr(value)}, {value:%H:%M}"


def percent_tr(done: int, required: int) -> str:
    """``'%46,8'`` — Turkish puts the sign first and uses a decimal comma."""
    if required <= 0:
        return "%100"
    pct = (Decimal(done) * 100 / Decimal(required)).quantize(Decimal("0.1"), ROUND_HALF_UP)
    pct = min(pct, Decimal("100.0"))
    text = f"{pct:.1f}".replace(".", ",")
    if text.endswith(",0"):
        text = text[:-2]
    return f"%{text}"


def add_business_days(start: datetime, days: int) -> datetime:
    """Add working days (Monday–Friday) in Turkish time; public holidays are not modelled."""
    current = local(start)
    added = 0
    while added < days:
        current += timedelta(days=1)
        if current.weekday() < 5:
            added += 1
    return current


def business_days_between(start: datetime, end: datetime) -> int:
    """Working days elapsed after ``start`` up to ``end``."""
    current, stop = local(start).date(), local(end).date()
    count = 0
    while current < stop:
        current += timedelta(days=1)
        if current.weekday() < 5:
            count += 1
    return count


def method_label(method: Optional[str]) -> str:
    return METHOD_LABELS.get(method or "", method or "bilinmeyen yöntem")


def status_label(status: str) -> str:
    return STATUS_LABELS.get(status, status)


def kind_label(kind: str) -> str:
    return KIND_LABELS.get(kind, kind)
