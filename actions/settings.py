"""The action server's settings: one typed object read from the `CASINRA_` environment.

What is not set falls back to the local stack's layout (`casinra_contracts.stack`), so a plain
`rasa run actions` from the repository root finds the same back-office database and secrets as
`make run`. The action token has no default: the environment, else the stack's secrets file,
else `stack.MissingSecret` with the hint how to get it.
"""
from __future__ import annotations

from casinra_contracts import stack
from pydantic import BaseSettings, Field, PositiveFloat
from sqlalchemy.engine import make_url


class ActionSettings(BaseSettings):
    # CASINRA_DB_URL: the back-office (SQLAlchemy URL; the stack's SQLite file, or PostgreSQL)
    db_url: str = Field(default_factory=lambda: stack.setting("CASINRA_DB_URL"))
    # seconds an action waits for one back-office call before it apologises
    call_timeout: PositiveFloat = Field(4.0, env="CASINRA_BACKOFFICE_CALL_TIMEOUT")
    # seconds to open a connection, or to wait for a SQLite write lock
    connect_timeout: PositiveFloat = Field(3.0, env="CASINRA_BACKOFFICE_CONNECT_TIMEOUT")
    # seconds one SQL statement may run (PostgreSQL)
    statement_timeout: PositiveFloat = Field(3.0, env="CASINRA_BACKOFFICE_STATEMENT_TIMEOUT")
    # create missing tables on first use
    create_schema: bool = Field(True, env="CASINRA_BACKOFFICE_CREATE_SCHEMA")
    # log every SQL statement (parameters are never logged)
    echo_sql: bool = Field(False, env="CASINRA_BACKOFFICE_ECHO_SQL")

    class Config:
        env_prefix = stack.PREFIX

    @property
    def action_token(self) -> str:
        """CASINRA_ACTION_TOKEN: what Rasa sends with every call (actions/server.py checks it)."""
        return stack.secret("CASINRA_ACTION_TOKEN")

    def redacted_url(self) -> str:
        """The database URL without its password, for logs."""
        return make_url(self.db_url).render_as_string(hide_password=True)
