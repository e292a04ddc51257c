"""Deterministic bulk data: thousands of players with transactions in every state.

Used by benchmarks and load tests (``python -m actions.backoffice.seed --generate 5000``).
Generated players have ids ``P200001``…, transactions ``TX-20000001``…; running it again
replaces the previously generated rows and leaves the demo players alone.
"""
from __future__ import annotations

import itertools
import random
from datetime import datetime, timedelta, timezone
from typing import Dict, Optional

from sqlalchemy import and_, delete, func, insert, select
from sqlalchemy.engine import Engine

from actions.backoffice.models import (
    KYC_STATUSES,
    TX_KINDS,
    TX_METHODS,
    TX_STATUSES,
    Bonus,
    KycCase,
    KycDocument,
    Player,
    RgLimit,
    SelfExclusion,
    Ticket,
    Transaction,
)

FIRST_PLAYER = 200001
FIRST_TX = 20000001

FIRST_NAMES = ("Ahmet", "Mehmet", "Mustafa", "Ali", "Hüseyin", "Hasan", "İbrahim", "Emre", "Burak",
               "Can", "Oğuz", "Serkan", "Ayşe", "Fatma", "Emine", "Hatice", "Zeynep", "Elif",
               "Merve", "Büşra", "Gizem", "Özge", "Şeyma", "Çağla", "Gül", "İrem", "Ümit", "Tuğba")
LAST_NAMES = ("Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Yıldız", "Yıldırım", "Öztürk", "Aydın",
              "Özdemir", "Arslan", "Doğan", "Kılıç", "Aslan", "Çetin", "Kara", "Koç", "Kurt",
              "Özkan", "Şimşek", "Polat", "Öz", "Erdoğan", "Güneş", "Akın", "Uçar")
_ASCII = str.maketrans("çğıöşüÇĞİÖŞÜ", "cgiosuCGIOSU")

KYC_REASONS = {
    "pending": ("Adres belgesi eksik: son üç ay içinde düzenlenmiş bir adres belgesi yüklenmedi.",
                "Belgeler inceleniyor.",
                "Kimlik belgesinin arka yüzü eksik."),
    "rejected": ("Kimlik belgesinin fotoğrafı okunamıyor.",
                 "Adres belgesi üç aydan eski.",
                 "Belgedeki ad soyad hesap bilgileriyle eşleşmiyor."),
}
TX_REASONS = {
    ("deposit", "failed"): ("Kartı veren banka işlemi onaylamadı (banka reddi).",
                            "Yetersiz bakiye.", "3D Secure doğrulaması tamamlanmadı."),
    ("deposit", "rejected"): ("Ödeme hesabının sahibi hesap sahibiyle eşleşmiyor.",),
    ("deposit", "cancelled"): ("Ödeme sayfasında işlem iptal edildi.",),
    ("withdrawal", "rejected"): ("Kimlik doğrulaması (KYC) tamamlanmadığı için çekim talebi reddedildi.",
                                 "Bonus çevrim şartı tamamlanmadan çekim talep edildi.",
                                 "IBAN sahibi hesap sahibiyle eşleşmiyor."),
    ("withdrawal", "failed"): ("Banka transferi geri döndü: IBAN hatalı.",),
    ("withdrawal", "cancelled"): ("Talep oyuncu tarafından iptal edildi.",),
    ("withdrawal", "processing"): ("Güvenlik kontrolü sürüyor.",),
    ("bonus", "cancelled"): ("Bonus şartları ihlal edildi.",),
}


def _clear_generated(conn) -> None:
    generated = and_(func.length(Player.id) == 7, Player.id >= f"P{FIRST_PLAYER}")
    player_ids = select(Player.id).where(generated)
    case_ids = select(KycCase.id).where(KycCase.player_id.in_(player_ids))
    conn.execute(delete(KycDocument).where(KycDocument.case_id.in_(case_ids)))
    for model in (KycCase, Transaction, Bonus, RgLimit, SelfExclusion, Ticket):
        conn.execute(delete(model).where(model.player_id.in_(player_ids)))
    conn.execute(delete(Player).where(generated))


def generate(engine: Engine, players: int, *, random_seed: int = 20261123,
             now: Optional[datetime] = None, batch: int = 2000) -> Dict[str, int]:
    """Insert ``players`` generated players (same seed → same data, apart from "now")."""
    if players > 799999:
        raise ValueError("at most 799999 generated players")
    rng = random.Random(random_seed)
    now = now or datetime.now(timezone.utc)
    # Cycle through every (kind, method, status) so each state is present even for small N.
    combos = itertools.cycle(list(itertools.product(TX_KINDS, TX_METHODS, TX_STATUSES)))
    kyc_cycle = itertools.cycle(KYC_STATUSES)

    rows: Dict[str, list] = {k: [] for k in ("players", "kyc", "docs", "tx", "bonus", "limits")}
    tx_number = FIRST_TX
    with engine.begin() as conn:
        _clear_generated(conn)
        next_case = (conn.execute(select(func.max(KycCase.id))).scalar() or 0) + 1
        for n in range(players):
            pid = f"P{FIRST_PLAYER + n}"
            first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
            created = now - timedelta(days=rng.randint(1, 900), minutes=rng.randint(0, 1439))
            rows["players"].append({
                "id": pid, "name": f"{first} {last}",
                "email": f"{first}.{last}{n}@example.com".lower().translate(_ASCII),
                "phone": f"+90 5{rng.randint(0, 59):02d} {rng.randint(100, 999)} "
                         f"{rng.randint(10, 99)} {rng.randint(10, 99)}",
                "locked": rng.random() < 0.01, "created_at": created,
            })
            status = next(kyc_cycle)
            case_id, next_case = next_case, next_case + 1
            rows["kyc"].append({
                "id": case_id, "player_id": pid, "status": status,
                "reason": rng.choice(KYC_REASONS[status]) if status in KYC_REASONS else None,
                "updated_at": created + timedelta(days=rng.randint(0, 5)),
            })
            if status != "not_started":
                for doc in (rng.choice(("kimlik", "pasaport", "ehliyet")), "adres belgesi"):
                    doc_status = {"approved": "accepted", "pending": rng.choice(("received", "missing")),
                                  "rejected": rng.choice(("rejected", "accepted"))}[status]
                    rows["docs"].append({"case_id": case_id, "document_type": doc,
                                         "status": doc_status, "note": None, "updated_at": created})
            for _ in range(rng.randint(1, 8)):
                kind, method, tx_status = next(combos)
                at = now - timedelta(minutes=rng.randint(5, 60 * 24 * 90))
                reasons = TX_REASONS.get((kind, tx_status))
                rows["tx"].append({
                    "id": f"TX-{tx_number}", "player_id": pid, "kind": kind, "method": method,
                    "amount_minor": rng.choice((5000, 10000, 25000, 50000, 75000, 100000, 150000,
                                                250000, 500000, 1000000)) + rng.randint(0, 99) * 100,
                    "currency": "TRY", "status": tx_status,
                    "reason": rng.choice(reasons) if reasons else None,
                    "created_at": at, "updated_at": at + timedelta(minutes=rng.randint(0, 600)),
                })
                tx_number += 1
            if rng.random() < 0.3:
                required = rng.choice((100000, 250000, 500000, 1000000))
                bonus_status = rng.choice(("active", "active", "completed", "expired", "cancelled"))
                rows["bonus"].append({
                    "player_id": pid, "name": rng.choice(("Hoş Geldin Bonusu", "Yatırım Bonusu",
                                                          "Kayıp Bonusu", "Freespin Bonusu")),
                    "status": bonus_status, "amount_minor": required // 10,
                    "wagering_required_minor": required,
                    "wagering_done_minor": required if bonus_status == "completed"
                    else rng.randint(0, required),
                    "max_cashout_minor": rng.choice((None, 250000, 500000)),
                    "reason": "Bonus şartları ihlal edildi." if bonus_status == "cancelled" else None,
                    "created_at": now - timedelta(days=rng.randint(1, 40)),
                    "expires_at": now + timedelta(days=rng.randint(-10, 30)),
                    "updated_at": now,
                })
            if rng.random() < 0.1:
                rows["limits"].append({
                    "player_id": pid, "limit_type": rng.choice(("deposit", "deposit", "loss")),
                    "period": rng.choice(("daily", "weekly", "monthly")),
                    "amount_minor": rng.choice((50000, 100000, 500000)),
                    "pending_amount_minor": None, "pending_remove": False,
                    "pending_effective_at": None, "updated_at": now,
                })
        for key, model in (("players", Player), ("kyc", KycCase), ("docs", KycDocument),
                           ("tx", Transaction), ("bonus", Bonus), ("limits", RgLimit)):
            data = rows[key]
            for start in range(0, len(data), batch):
                conn.execute(insert(model.__table__), data[start:start + batch])
    return {"generated_players": players, "generated_transactions": len(rows["tx"]),
            "generated_bonuses": len(rows["bonus"]), "generated_limits": len(rows["limits"])}
