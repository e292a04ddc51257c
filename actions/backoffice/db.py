"""Engine and session factory, created on first use (never at import time)."""
from __future__ import annotations

import math
import threading
from pathlib import Path
from typing import Optional

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import Session, sessionmaker

from actions.backoffice.settings import DEFAULT_DB_PATH, BackOfficeSettings


def make_engine(settings: BackOfficeSettings) -> Engine:
    """Create an engine with connect/lock/statement time-outs for the configured URL."""
    url = make_url(settings.db_url)
    backend = url.get_backend_name()
    connect_args: dict = {}
    if backend == "sqlite":
        # `timeout` is how long SQLite waits for a lock held by another writer
        # (the gateway writes to the same file).
        connect_args = {"timeout": settings.connect_timeout, "check_same_thread": False}
        if url.database and Path(url.database) == DEFAULT_DB_PATH:
            DEFAULT_DB_PATH.parent.mkdir(parents=True, exist_ok=True)
    elif backend == "postgresql":
        connect_args = {
            "connect_timeout": max(1, math.ceil(settings.connect_timeout)),
            "options": f"-c statement_timeout={int(settings.statement_timeout * 1000)}",
        }
    engine = create_engine(
        url,
        future=True,
        pool_pre_ping=True,
        echo=settings.echo_sql,
        hide_parameters=True,  # error messages and logs never carry players' personal data
        connect_args=connect_args,
    )
    if backend == "sqlite":
        busy_ms = int(settings.connect_timeout * 1000)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):  # pragma: no cover - trivial
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute(f"PRAGMA busy_timeout={busy_ms}")
            if url.database and url.database != ":memory:":
                cursor.execute("PRAGMA journal_mode=WAL")
            cursor.close()

    return engine


class Database:
    """Lazily creates the engine, the schema (optionally) and sessions."""

    def __init__(self, settings: BackOfficeSettings) -> None:
        self.settings = settings
        self._engine: Optional[Engine] = None
        self._sessions: Optional[sessionmaker] = None
        self._schema_ready = False
        self._lock = threading.Lock()

    @property
    def engine(self) -> Engine:
        if self._engine is None:
            with self._lock:
                if self._engine is None:
                    self._engine = make_engine(self.settings)
                    self._sessions = sessionmaker(
                        self._engine, future=True, expire_on_commit=False
                    )
        return self._engine

    def ensure_schema(self) -> None:
        """Create missing tables once per process (idempotent, failures are retried)."""
        if self._schema_ready or not self.settings.create_schema:
            return
        from actions.backoffice.models import Base

        Base.metadata.create_all(self.engine, checkfirst=True)
        self._schema_ready = True

    def session(self) -> Session:
        self.ensure_schema()
        _ = self.engine
        assert self._sessions is not None
        return self._sessions()

    def dispose(self) -> None:
        if self._engine is not None:
            self._engine.dispose()
        self._engine = None
        self._sessions = None
        self._schema_ready = False
