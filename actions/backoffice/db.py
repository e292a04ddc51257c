"""Engine and session factory, created on first use (never at import time).

The engine (time-outs, SQLite pragmas) and the schema come from the shared
``casinra_contracts.backoffice`` package, which the gateway uses too.
"""
from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Optional

from casinra_contracts.backoffice import engine as shared_engine
from casinra_contracts.backoffice import migrate
from casinra_contracts.backoffice.schema import metadata
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker

if TYPE_CHECKING:
    from actions.settings import ActionSettings


def make_engine(settings: "ActionSettings") -> Engine:
    """Create an engine with connect/lock/statement time-outs for the configured URL."""
    return shared_engine.make_engine(
        settings.db_url, connect_timeout=settings.connect_timeout,
        statement_timeout=settings.statement_timeout, echo=settings.echo_sql,
    )


class Database:
    """Lazily creates the engine, the schema (optionally) and sessions."""

    def __init__(self, settings: "ActionSettings") -> None:
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
        metadata.create_all(self.engine, checkfirst=True)
        migrate.upgrade(self.engine)  # new columns and ticket checks of an older database
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
