"""The shared back-office schema: every constraint and index, on SQLAlchemy 1.4 and 2.x."""
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import inspect, insert, select
from sqlalchemy.exc import IntegrityError, StatementError

from casinra_contracts.backoffice import schema
from casinra_contracts.backoffice.engine import make_engine

NOW = datetime(2026, 11, 23, 11, 30, tzinfo=timezone.utc)


@pytest.fixture
def engine(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'backoffice.db'}")
    schema.metadata.create_all(engine)
    with engine.begin() as c:
        c.execute(insert(schema.players).values(id="P1001", name="Ahmet Yılmaz"))
    yield engine
    engine.dispose()


def tx(**values):
    return {"id": "TX-10000001", "player_id": "P1001", "kind": "withdrawal", "method": "papara",
            "amount_minor": 150000, "status": "pending", **values}


def test_one_metadata_holds_every_table():
    assert set(schema.metadata.tables) == {
        "players", "kyc_cases", "transactions", "agents", "audit_log", "chat_transcripts",
        "kyc_documents", "bonuses", "rg_limits", "self_exclusions", "tickets",
        "chat_handoffs", "ticket_events", "ticket_messages", "ticket_attachments", "feedback", "conversation_facts",
    }


def test_indexes_are_created(engine):
    names = {table: {ix["name"] for ix in inspect(engine).get_indexes(table)} for table in schema.metadata.tables}
    assert "ix_transactions_player_created" in names["transactions"]
    assert "ix_audit_log_at" in names["audit_log"]
    assert "ix_kyc_cases_player_id" in names["kyc_cases"]
    assert "ix_tickets_player_id" in names["tickets"]


@pytest.mark.parametrize("bad", [
    {"kind": "gift"}, {"method": "cash"}, {"status": "lost"}, {"amount_minor": -1},
    {"player_id": "P9999"},  # foreign key
])
def test_transaction_constraints(engine, bad):
    with pytest.raises(IntegrityError):
        with engine.begin() as c:
            c.execute(insert(schema.transactions).values(**tx(**bad)))


def test_other_constraints(engine):
    ok_agent = {"username": "ayse", "display_name": "Ayşe", "password_hash": "x"}
    with engine.begin() as c:
        c.execute(insert(schema.agents).values(**ok_agent))
    cases = [
        (schema.agents, ok_agent),  # unique username
        (schema.kyc_cases, {"player_id": "P1001", "status": "maybe"}),
        (schema.audit_log, {"actor_type": "robot", "action": "login"}),
        (schema.tickets, {"reference": "TK-1", "kind": "fax"}),
        (schema.bonuses, {"player_id": "P1001", "name": "Hoş geldin", "status": "active", "amount_minor": 1,
                          "wagering_required_minor": 1, "wagering_done_minor": -5}),
    ]
    for table, values in cases:
        with pytest.raises(IntegrityError):
            with engine.begin() as c:
                c.execute(insert(table).values(**values))
    limit = {"player_id": "P1001", "limit_type": "deposit", "period": "daily", "amount_minor": 100000}
    with engine.begin() as c:
        c.execute(insert(schema.rg_limits).values(**limit))
    with pytest.raises(IntegrityError):
        with engine.begin() as c:
            c.execute(insert(schema.rg_limits).values(**limit))


def test_defaults_and_utc_times(engine):
    with engine.begin() as c:
        c.execute(insert(schema.transactions).values(**tx(created_at=NOW.astimezone(timezone(timedelta(hours=3))))))
        row = c.execute(select(schema.transactions)).mappings().one()
        player = c.execute(select(schema.players)).mappings().one()
    assert row["created_at"] == NOW and row["created_at"].tzinfo == timezone.utc
    assert row["currency"] == "TRY" and row["updated_at"].tzinfo == timezone.utc
    assert player["locked"] is False and player["created_at"].tzinfo == timezone.utc
    with pytest.raises(StatementError, match="naive datetime"):
        with engine.begin() as c:
            c.execute(insert(schema.audit_log).values(at=datetime(2026, 1, 1), actor_type="system", action="x"))


def test_sqlite_engine_enforces_foreign_keys_and_uses_wal(engine):
    with engine.connect() as c:
        assert c.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert c.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
