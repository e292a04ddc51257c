"""One typed settings object for the back-office, read from the environment."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Optional

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DB_PATH = REPO_ROOT / "var" / "backoffice.db"
DEFAULT_DB_URL = f"sqlite:///{DEFAULT_DB_PATH}"


def _float(env: Mapping[str, str], key: str, default: float) -> float:
    raw = env.get(key)
    if raw is None or raw.strip() == "":
        return default
    value = float(raw)
    if value <= 0:
        raise ValueError(f"{key} must be positive, got {raw!r}")
    return value


def _bool(env: Mapping[str, str], key: str, default: bool) -> bool:
    raw = env.get(key)
    if raw is None or raw.strip() == "":
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on", "evet"}


@dataclass(frozen=True)
class BackOfficeSettings:
    """Where the back-office lives and how long we are willing to wait for it.

    Environment variables:
      BACKOFFICE_DB_URL            SQLAlchemy URL (default: SQLite file var/backoffice.db)
      BACKOFFICE_CALL_TIMEOUT      seconds an action waits for one repository call (default 4)
      BACKOFFICE_CONNECT_TIMEOUT   seconds to open a connection / wait for a SQLite lock (default 3)
      BACKOFFICE_STATEMENT_TIMEOUT seconds a single SQL statement may run on PostgreSQL (default 3)
      BACKOFFICE_CREATE_SCHEMA     create missing tables on first use (default true)
    """

    db_url: str = DEFAULT_DB_URL
    call_timeout: float = 4.0
    connect_timeout: float = 3.0
    statement_timeout: float = 3.0
    create_schema: bool = True
    echo_sql: bool = False

    @classmethod
    def from_env(cls, environ: Optional[Mapping[str, str]] = None) -> "BackOfficeSettings":
        env = os.environ if environ is None else environ
        return cls(
            db_url=(env.get("BACKOFFICE_DB_URL") or DEFAULT_DB_URL).strip(),
            call_timeout=_float(env, "BACKOFFICE_CALL_TIMEOUT", cls.call_timeout),
            connect_timeout=_float(env, "BACKOFFICE_CONNECT_TIMEOUT", cls.connect_timeout),
            statement_timeout=_float(env, "BACKOFFICE_STATEMENT_TIMEOUT", cls.statement_timeout),
            create_schema=_bool(env, "BACKOFFICE_CREATE_SCHEMA", cls.create_schema),
            echo_sql=_bool(env, "BACKOFFICE_ECHO_SQL", cls.echo_sql),
        )

    @property
    def is_sqlite(self) -> bool:
        return self.db_url.startswith("sqlite")

    def redacted_url(self) -> str:
        """The URL without its password, for logs."""
        from sqlalchemy.engine import make_url

        return make_url(self.db_url).render_as_string(hide_password=True)
