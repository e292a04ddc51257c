"""Demo back-office data, relative to "now", plus the ``make seed`` entry point.

    python -m actions.backoffice.seed [--reset] [--generate N] [--random-seed S] [--db-url URL]

Without ``--reset`` the four demo players are refreshed in place (their KYC, transactions,
bonuses, limits and exclusions are rewritten so that "2 days ago" stays true); tickets, the
audit log and everything the gateway wrote are kept.  ``--reset`` drops and recreates every
table first.  ``--generate N`` adds N generated players with transactions in every state.
"""
from __future__ import annotations

import argparse
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Optional

from sqlalchemy import delete, select
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from actions.backoffice.db import Database
from actions.backoffice.models import (
    Base,
    Bonus,
    KycCase,
    KycDocument,
    Player,
    RgLimit,
    SelfExclusion,
    Transaction,
)
from actions.settings import ActionSettings

DEMO_PLAYER_IDS = ("P1001", "P1002", "P1003", "P1004")
DEMO_TRANSACTION_IDS = ("TX-10000001", "TX-10000002", "TX-10000003", "TX-10000004")

KYC_REASON_ADDRESS_MISSING = (
    "Adres belgesi eksik: son üç ay içinde düzenlenmiş bir adres belgesi (fatura, banka "
    "ekstresi ya da e-Devlet yerleşim yeri belgesi) henüz yüklenmedi."
)
KYC_REASON_ID_UNREADABLE = (
    "Kimlik belgesinin fotoğrafı okunamıyor: görüntü bulanık, ad ve doğum tarihi seçilemiyor."
)
TX_REASON_KYC_INCOMPLETE = "Kimlik doğrulaması (KYC) tamamlanmadığı için çekim talebi reddedildi."
TX_REASON_BANK_DECLINED = "Kartı veren banka işlemi onaylamadı (banka reddi)."


def demo_rows(now: datetime) -> list:
    """The demo players of DESIGN.md, exactly as described, relative to ``now``."""
    d = lambda **kw: now - timedelta(**kw)  # noqa: E731
    rows: list = [
        Player(id="P1001", name="Ahmet Yılmaz", email="ahmet.yilmaz@example.com",
               phone="+90 532 418 27 63", locked=False, created_at=d(days=420)),
        Player(id="P1002", name="Elif Demir", email="elif.demir@example.com",
               phone="+90 541 702 15 38", locked=False, created_at=d(days=35)),
        Player(id="P1003", name="Mehmet Kaya", email="mehmet.kaya@example.com",
               phone="+90 505 331 84 20", locked=False, created_at=d(days=9)),
        Player(id="P1004", name="Zeynep Çelik", email="zeynep.celik@example.com",
               phone="+90 553 264 90 17", locked=False, created_at=d(days=60)),
    ]
    rows += [
        KycCase(id=1001, player_id="P1001", status="approved", reason=None, updated_at=d(days=400)),
        KycDocument(case_id=1001, document_type="kimlik", status="accepted", updated_at=d(days=400)),
        KycDocument(case_id=1001, document_type="adres belgesi", status="accepted", updated_at=d(days=400)),
        KycCase(id=1002, player_id="P1002", status="pending", reason=KYC_REASON_ADDRESS_MISSING,
                updated_at=d(days=3)),
        KycDocument(case_id=1002, document_type="kimlik", status="accepted", updated_at=d(days=3)),
        KycDocument(case_id=1002, document_type="adres belgesi", status="missing",
                    note="Son üç ay içinde düzenlenmiş fatura, banka ekstresi ya da e-Devlet "
                         "yerleşim yeri belgesi yüklenmeli.", updated_at=d(days=3)),
        KycCase(id=1003, player_id="P1003", status="approved", reason=None, updated_at=d(days=8)),
        KycDocument(case_id=1003, document_type="ehliyet", status="accepted", updated_at=d(days=8)),
        KycDocument(case_id=1003, document_type="adres belgesi", status="accepted", updated_at=d(days=8)),
        KycCase(id=1004, player_id="P1004", status="rejected", reason=KYC_REASON_ID_UNREADABLE,
                updated_at=d(days=1)),
        KycDocument(case_id=1004, document_type="kimlik", status="rejected",
                    note="Fotoğraf bulanık; kimliğin ön ve arka yüzü okunamıyor.", updated_at=d(days=1)),
        KycDocument(case_id=1004, document_type="adres belgesi", status="accepted", updated_at=d(days=1)),
    ]
    rows += [
        Transaction(id="TX-10000001", player_id="P1001", kind="withdrawal", method="bank_transfer",
                    amount_minor=150000, currency="TRY", status="pending", reason=None,
                    created_at=d(days=2), updated_at=d(days=2)),
        Transaction(id="TX-10000002", player_id="P1001", kind="deposit", method="papara",
                    amount_minor=50000, currency="TRY", status="completed", reason=None,
                    created_at=d(days=3), updated_at=d(days=3)),
        Transaction(id="TX-10000003", player_id="P1002", kind="withdrawal", method="papara",
                    amount_minor=75000, currency="TRY", status="rejected",
                    reason=TX_REASON_KYC_INCOMPLETE, created_at=d(days=1, hours=2),
                    updated_at=d(days=1)),
        Transaction(id="TX-10000004", player_id="P1003", kind="deposit", method="credit_card",
                    amount_minor=100000, currency="TRY", status="failed",
                    reason=TX_REASON_BANK_DECLINED, created_at=d(hours=3), updated_at=d(hours=3)),
    ]
    rows += [
        Bonus(player_id="P1003", name="Hoş Geldin Bonusu", status="active", amount_minor=50000,
              wagering_required_minor=500000, wagering_done_minor=234000,
              max_cashout_minor=250000, created_at=d(days=8), expires_at=now + timedelta(days=22),
              updated_at=d(hours=5)),
        RgLimit(player_id="P1004", limit_type="deposit", period="daily", amount_minor=100000,
                pending_amount_minor=None, pending_remove=False, pending_effective_at=None,
                updated_at=d(days=20)),
    ]
    return rows


def refresh_demo(session: Session, now: Optional[datetime] = None) -> None:
    """Write the demo players, replacing whatever the demo rows looked like before."""
    now = now or datetime.now(timezone.utc)
    ids = list(DEMO_PLAYER_IDS)
    case_ids = select(KycCase.id).where(KycCase.player_id.in_(ids))
    no_sync = {"synchronize_session": False}
    session.execute(delete(KycDocument).where(KycDocument.case_id.in_(case_ids)),
                    execution_options=no_sync)
    for model in (KycCase, Transaction, Bonus, RgLimit, SelfExclusion):
        session.execute(delete(model).where(model.player_id.in_(ids)), execution_options=no_sync)
    session.execute(delete(Transaction).where(Transaction.id.in_(list(DEMO_TRANSACTION_IDS))),
                    execution_options=no_sync)
    for row in demo_rows(now):
        if isinstance(row, Player):
            session.merge(row)
        else:
            session.add(row)
        if isinstance(row, KycCase):
            session.flush()


def seed(settings: ActionSettings, *, reset: bool = False, generate_players: int = 0,
         random_seed: int = 20261123, now: Optional[datetime] = None) -> dict:
    url = make_url(settings.db_url)
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    database = Database(settings)
    try:
        engine = database.engine
        if reset:
            Base.metadata.drop_all(engine)
        Base.metadata.create_all(engine, checkfirst=True)
        with Session(engine, future=True) as session, session.begin():
            refresh_demo(session, now)
        counts = {"demo_players": len(DEMO_PLAYER_IDS)}
        if generate_players:
            from actions.backoffice.generate import generate

            counts.update(generate(engine, generate_players, random_seed=random_seed, now=now))
        return counts
    finally:
        database.dispose()


def main(argv: Optional[list] = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m actions.backoffice.seed",
                                     description="Seed the Casinra back-office database.")
    parser.add_argument("--reset", action="store_true", help="drop and recreate all tables first")
    parser.add_argument("--generate", type=int, default=0, metavar="N",
                        help="also generate N players with transactions in every state")
    parser.add_argument("--random-seed", type=int, default=20261123,
                        help="seed of the generator (same seed, same data)")
    parser.add_argument("--db-url", default=None, help="instead of CASINRA_DB_URL (default: the stack's database)")
    args = parser.parse_args(argv)
    if args.generate < 0:
        parser.error("--generate must be >= 0")
    settings = ActionSettings(**({"db_url": args.db_url} if args.db_url else {}))
    started = time.monotonic()
    counts = seed(settings, reset=args.reset, generate_players=args.generate,
                  random_seed=args.random_seed)
    summary = ", ".join(f"{k}={v}" for k, v in counts.items())
    print(f"back-office seeded at {settings.redacted_url()} ({summary}) "
          f"in {time.monotonic() - started:.1f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
