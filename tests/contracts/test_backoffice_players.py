"""The read interface over the back-office: what an agent sees about a player."""
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import insert

from casinra_contracts.backoffice import schema
from casinra_contracts.backoffice.engine import make_engine
from casinra_contracts.backoffice.players import Players

NOW = datetime(2026, 11, 23, 11, 30, tzinfo=timezone.utc)


@pytest.fixture
def players():
    engine = make_engine("sqlite://")  # in memory: one connection per thread, kept by the pool
    schema.metadata.create_all(engine)
    with engine.begin() as c:
        c.execute(insert(schema.players), [
            {"id": "P1002", "name": "Elif Demir", "email": "elif.demir@example.com", "phone": "+90 533 444 55 66", "locked": False,
             "created_at": NOW},
            {"id": "P1001", "name": "Ahmet Yılmaz", "email": None, "phone": None, "locked": True, "created_at": NOW},
        ])
        c.execute(insert(schema.kyc_cases), [
            {"player_id": "P1002", "status": "approved", "updated_at": NOW - timedelta(days=30), "reason": None},
            {"player_id": "P1002", "status": "pending", "updated_at": NOW,
             "reason": "Elif Demir adres belgesini elif.demir@example.com adresinden gönderecek"},
        ])
        c.execute(insert(schema.transactions), [
            {"id": f"TX-1000000{i}", "player_id": "P1002", "kind": "withdrawal", "method": "bank_transfer",
             "amount_minor": 75000 + i, "status": "rejected", "reason": "KYC eksik",
             "created_at": NOW - timedelta(days=i), "updated_at": NOW}
            for i in range(1, 5)
        ] + [{"id": "TX-20000001", "player_id": "P1001", "kind": "deposit", "method": "papara",
              "amount_minor": 50000, "status": "completed", "reason": None, "created_at": NOW, "updated_at": NOW}])
    yield Players(engine)
    engine.dispose()


def test_context_masks_contact_details_and_free_text(players):
    ctx = players.context("P1002")
    assert ctx["profile"] == {"id": "P1002", "name": "Elif Demir", "email": "e***@example.com",
                              "phone": "**********66", "locked": False, "created_at": NOW.isoformat()}
    kyc = ctx["kyc"]
    assert kyc["status"] == "pending" and kyc["status_label"] == "inceleniyor"  # the latest case
    assert kyc["reason"] == "[ad] adres belgesini [e-posta] adresinden gönderecek"
    assert kyc["updated_at"] == NOW.isoformat()


def test_context_lists_newest_transactions_with_money_and_labels(players):
    txs = players.context("P1002", tx_limit=3)["transactions"]
    assert [t["id"] for t in txs] == ["TX-10000001", "TX-10000002", "TX-10000003"]
    first = txs[0]
    assert first["amount_minor"] == 75001 and first["amount"] == "750,01 TL" and first["currency"] == "TRY"
    assert (first["kind_label"], first["method_label"], first["status_label"]) == ("para çekme", "havale/EFT", "reddedildi")
    assert first["reason"] == "KYC eksik" and "player_id" not in first


def test_unknown_player_and_player_without_kyc(players):
    assert players.context("P9999") == {"profile": None, "kyc": None, "transactions": []}
    ahmet = players.context("P1001")
    assert ahmet["profile"]["locked"] is True and ahmet["profile"]["email"] is None and ahmet["kyc"] is None
    assert ahmet["transactions"][0]["amount"] == "500,00 TL"


def test_first_players_by_id(players):
    assert players.first(1) == [{"id": "P1001", "name": "Ahmet Yılmaz"}]
    assert [p["id"] for p in players.first(10)] == ["P1001", "P1002"]
