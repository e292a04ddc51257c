"""The repository, the seed and the generator against real SQLite files."""
from __future__ import annotations

import sqlite3
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import create_engine, inspect

from actions.backoffice.models import TX_KINDS, TX_METHODS, TX_STATUSES
from actions.backoffice.seed import seed
from actions.settings import ActionSettings

REPO = Path(__file__).resolve().parents[2]

SHARED_SCHEMA = {
    "players": ["id", "name", "email", "phone", "locked", "created_at"],
    "kyc_cases": ["id", "player_id", "status", "reason", "updated_at"],
    "transactions": ["id", "player_id", "kind", "method", "amount_minor", "currency", "status", "reason",
                     "created_at", "updated_at"],
    "agents": ["id", "username", "display_name", "password_hash", "team", "active", "role", "languages"],
    "audit_log": ["id", "at", "actor_type", "actor_id", "action", "target", "details"],
    "chat_transcripts": ["conversation_id", "player_id", "agent_username", "topic", "priority", "started_at",
                         "resolved_at", "transcript"],
}


def test_shared_tables_have_exactly_the_contract_columns(db_path):
    inspector = inspect(create_engine(f"sqlite:///{db_path}"))
    for table, columns in SHARED_SCHEMA.items():
        assert [c["name"] for c in inspector.get_columns(table)] == columns, table
    for table in ("kyc_documents", "bonuses", "rg_limits", "self_exclusions", "tickets"):
        assert inspector.has_table(table)


def test_demo_data_is_exactly_as_designed(backoffice):
    now = datetime.now(timezone.utc)
    assert backoffice.player("P1001").name == "Ahmet Yılmaz"
    assert backoffice.player("P1004").name == "Zeynep Çelik"
    w, d = backoffice.transactions_of("P1001", limit=5)
    assert (w.id, w.kind, w.method, w.amount_minor, w.status) == ("TX-10000001", "withdrawal", "bank_transfer", 150000, "pending")
    assert timedelta(days=1, hours=23) < now - w.created_at < timedelta(days=2, hours=1)
    assert w.created_at.tzinfo is not None
    assert (d.id, d.kind, d.method, d.amount_minor, d.status) == ("TX-10000002", "deposit", "papara", 50000, "completed")
    (e,) = backoffice.transactions_of("P1002")
    assert (e.id, e.kind, e.amount_minor, e.status) == ("TX-10000003", "withdrawal", 75000, "rejected")
    (m,) = backoffice.transactions_of("P1003")
    assert (m.id, m.kind, m.method, m.amount_minor, m.status) == ("TX-10000004", "deposit", "credit_card", 100000, "failed")
    assert backoffice.kyc_of("P1001").status == "approved"
    assert backoffice.kyc_of("P1002").status == "pending" and "Adres belgesi" in backoffice.kyc_of("P1002").reason
    assert backoffice.kyc_of("P1004").status == "rejected" and "okunamıyor" in backoffice.kyc_of("P1004").reason
    (bonus,) = backoffice.bonuses_of("P1003")
    assert (bonus.status, bonus.wagering_required_minor, bonus.wagering_done_minor) == ("active", 500000, 234000)
    (limit,) = backoffice.limits_of("P1004")
    assert (limit.period, limit.amount_minor, limit.limit_type) == ("daily", 100000, "deposit")


def test_reseeding_refreshes_demo_rows_and_keeps_tickets(tmp_path):
    settings = ActionSettings(db_url=f"sqlite:///{tmp_path}/bo.db")
    seed(settings)
    from actions.backoffice.repository import BackOffice

    bo = BackOffice(settings)
    bo.open_ticket("email", player_id="P1001", subject="x")
    bo.lock_account("P1001", reason="test")
    bo.set_limit("P1004", "daily", 5000)
    bo.db.dispose()
    seed(settings)
    bo = BackOffice(settings)
    assert bo.player("P1001").locked is False
    assert bo.limit_of("P1004", "daily").amount_minor == 100000
    bo.db.dispose()
    with sqlite3.connect(tmp_path / "bo.db") as conn:
        assert conn.execute("SELECT count(*) FROM tickets WHERE player_id = 'P1001'").fetchone()[0] == 1


def test_generator_covers_every_state_deterministically(tmp_path):
    def generated(name):
        path = tmp_path / name
        seed(ActionSettings(db_url=f"sqlite:///{path}"), generate_players=300, random_seed=7)
        with sqlite3.connect(path) as conn:
            combos = set(conn.execute("SELECT kind, method, status FROM transactions WHERE id >= 'TX-2'"))
            kyc = {r[0] for r in conn.execute("SELECT status FROM kyc_cases")}
            players = conn.execute("SELECT count(*) FROM players").fetchone()[0]
            rows = conn.execute("SELECT id, player_id, kind, method, amount_minor, status FROM transactions "
                                "ORDER BY id").fetchall()
        return combos, kyc, players, rows

    combos, kyc, players, rows = generated("a.db")
    assert combos == {(k, m, s) for k in TX_KINDS for m in TX_METHODS for s in TX_STATUSES}
    assert kyc == {"not_started", "pending", "approved", "rejected"}
    assert players == 304
    assert generated("b.db")[3] == rows  # same seed, same data


def test_seed_command_line(tmp_path):
    url = f"sqlite:///{tmp_path}/cli.db"
    result = subprocess.run([sys.executable, "-m", "actions.backoffice.seed", "--reset", "--generate", "50",
                             "--db-url", url], cwd=REPO, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "generated_players=50" in result.stdout
    with sqlite3.connect(tmp_path / "cli.db") as conn:
        assert conn.execute("SELECT count(*) FROM players").fetchone()[0] == 54
