"""Bring an older back-office database up to the schema, keeping its rows.

``create_all`` adds missing tables but never changes an existing one. Databases made before the
service-level work (issue 14) lack the new ticket columns and have a ticket kind/status check that
refuses complaints, bonus disputes and answered tickets. ``upgrade`` adds the missing nullable (or
defaulted) columns of every table and, when a check constraint of ``tickets`` is older than the
schema's, rebuilds it: SQLite copies the table (it cannot alter a constraint), PostgreSQL replaces
the constraint. Idempotent; the gateway and the action server both call it at start.
"""
from __future__ import annotations

import logging

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.schema import CreateColumn

from .schema import TICKET_KINDS, TICKET_STATUSES, metadata, tickets

log = logging.getLogger("casinra.backoffice.migrate")


def upgrade(engine: Engine) -> None:
    metadata.create_all(engine, checkfirst=True)
    with engine.begin() as conn:
        _add_missing_columns(conn)
    _upgrade_ticket_checks(engine)


def _add_missing_columns(conn: Connection) -> None:
    inspector = inspect(conn)
    for table in metadata.sorted_tables:
        present = {c["name"] for c in inspector.get_columns(table.name)}
        for column in table.columns:
            if column.name in present:
                continue
            if not column.nullable and column.server_default is None:
                log.warning("cannot add NOT NULL column %s.%s without a default", table.name, column.name)
                continue
            ddl = CreateColumn(column).compile(dialect=conn.dialect)
            conn.execute(text(f"ALTER TABLE {table.name} ADD COLUMN {ddl}"))
            log.info("added column %s.%s", table.name, column.name)


def _upgrade_ticket_checks(engine: Engine) -> None:
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            sql = conn.execute(text("SELECT sql FROM sqlite_master WHERE type='table' AND name='tickets'")).scalar()
            current = sql or ""
        else:
            rows = conn.execute(text(
                "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = 'tickets'::regclass "
                "AND contype = 'c'")).scalars().all()
            current = " ".join(rows)
    wanted = [f"'{v}'" for v in (*TICKET_KINDS, *TICKET_STATUSES)]
    if all(w in current for w in wanted):
        return
    log.info("upgrading the tickets table's checks (new kinds and statuses)")
    if engine.dialect.name == "sqlite":
        _rebuild_sqlite_tickets(engine)
    else:
        with engine.begin() as conn:
            for name, column, values in (("ck_ticket_kind", "kind", TICKET_KINDS),
                                         ("ck_ticket_status", "status", TICKET_STATUSES)):
                allowed = ", ".join(f"'{v}'" for v in values)
                conn.execute(text(f"ALTER TABLE tickets DROP CONSTRAINT IF EXISTS {name}"))
                conn.execute(text(f"ALTER TABLE tickets ADD CONSTRAINT {name} CHECK ({column} IN ({allowed}))"))


def _rebuild_sqlite_tickets(engine: Engine) -> None:
    """SQLite: copy ``tickets`` into a table with the schema's constraints, keeping ids."""
    columns = ", ".join(c.name for c in tickets.columns)
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA foreign_keys=OFF")  # (outside a transaction, or SQLite ignores it)
        conn.exec_driver_sql("PRAGMA legacy_alter_table=ON")  # other tables keep naming 'tickets'
        conn.commit()
        try:
            with conn.begin():
                conn.exec_driver_sql("ALTER TABLE tickets RENAME TO tickets_before_upgrade")
                for index in inspect(conn).get_indexes("tickets_before_upgrade"):
                    conn.exec_driver_sql(f"DROP INDEX IF EXISTS {index['name']}")
                tickets.create(conn)
                conn.exec_driver_sql(f"INSERT INTO tickets ({columns}) SELECT {columns} FROM tickets_before_upgrade")
                conn.exec_driver_sql("DROP TABLE tickets_before_upgrade")
        finally:
            conn.rollback()
            conn.exec_driver_sql("PRAGMA legacy_alter_table=OFF")
            conn.exec_driver_sql("PRAGMA foreign_keys=ON")
            conn.commit()
