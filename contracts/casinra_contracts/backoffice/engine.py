"""The back-office engine, the same for the action server and the gateway.

SQLite (the local default, a file in the stack's state folder, created on first use) waits for the other process's
write lock instead of failing, enforces foreign keys and uses WAL so readers do not block the
writer; PostgreSQL gets connect and statement time-outs. Error messages never carry bound
parameters (players' personal data).
"""
from __future__ import annotations

import math
from pathlib import Path

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, make_url

from ..stack import StackLayout


def make_engine(url: str, *, connect_timeout: float = 3.0, statement_timeout: float = 3.0,
                echo: bool = False) -> Engine:
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    connect_args: dict = {}
    file_db = backend == "sqlite" and bool(parsed.database) and parsed.database != ":memory:"
    if backend == "sqlite":
        connect_args = {"timeout": connect_timeout, "check_same_thread": False}
        default_file = Path(make_url(StackLayout.from_env().db_url).database or "")
        if file_db and Path(parsed.database) == default_file:  # the stack's own file: make its folder
            default_file.parent.mkdir(parents=True, exist_ok=True)
    elif backend == "postgresql":
        connect_args = {
            "connect_timeout": max(1, math.ceil(connect_timeout)),
            "options": f"-c statement_timeout={int(statement_timeout * 1000)}",
        }
    engine = create_engine(parsed, future=True, pool_pre_ping=True, echo=echo, hide_parameters=True,
                           connect_args=connect_args)
    if backend == "sqlite":
        busy_ms = int(connect_timeout * 1000)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):  # type: ignore[no-untyped-def]
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute(f"PRAGMA busy_timeout={busy_ms}")
            if file_db:
                cursor.execute("PRAGMA journal_mode=WAL")
            cursor.close()

    return engine
