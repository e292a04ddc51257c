"""Where a local stack's parts live: ports, state folder, secrets file, the environment it exports.

``scripts/devstack.py`` (``make run``, ``make test``) starts each profile with this layout, and
every service's settings fall back to it, so a service started by hand (``rasa run``, ``rasa run
actions``, the gateway) finds the same Redis, database and secrets as ``make run`` — or refuses
with a message saying how to get them. Standard library only: devstack runs before any venv.
"""
from __future__ import annotations

import json
import os
import socket
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Optional

PREFIX = "CASINRA_"
PROFILES: dict[str, dict[str, int]] = {
    "dev": {"redis": 6390, "actions": 5055, "rasa": 5005, "gateway": 8000},
    "test": {"redis": 6391, "actions": 5155, "rasa": 5105, "gateway": 8100},
    # cluster-shaped profiles (see `clustered`): "gateway" and "rasa" are HAProxy's front ends, the
    # processes behind them listen on gateway_a/gateway_b and rasa_a/rasa_b; PostgreSQL is the
    # back-office; haproxy_admin serves HAProxy's stats page and its runtime API (loopback only);
    # both gateways are given the same demo mailbox and inbound mail ports: one of them listens
    "bench": {"redis": 6392, "actions": 5255, "rasa": 5205, "gateway": 8200,
              "gateway_a": 8201, "gateway_b": 8202, "rasa_a": 5206, "rasa_b": 5207,
              "postgres": 5442, "haproxy_admin": 8209, "mailbox": 8225, "mail_inbound": 8226},
    "cluster": {"redis": 6393, "actions": 5355, "rasa": 5305, "gateway": 8300,
                "gateway_a": 8301, "gateway_b": 8302, "rasa_a": 5306, "rasa_b": 5307,
                "postgres": 5443, "haproxy_admin": 8309, "mailbox": 8325, "mail_inbound": 8326},
}
# the replicas of a cluster-shaped profile, in start order
GATEWAY_REPLICAS = ("gateway_a", "gateway_b")
RASA_REPLICAS = ("rasa_a", "rasa_b")
PG_USER = PG_DATABASE = "casinra"
DEFAULT_PROFILE = "dev"
SECRETS = ("CASINRA_CHANNEL_SECRET", "CASINRA_RASA_TOKEN", "CASINRA_JWT_SECRET", "CASINRA_ACTION_TOKEN",
           "CASINRA_DEMO_AGENT_PASSWORD")
ENV_HINT = 'export the stack\'s environment first: eval "$(make -s env)" (or start everything with `make run`)'


class MissingSecret(RuntimeError):
    """A secret is neither in the environment nor in the local stack's secrets file."""


def port_free(port: int) -> bool:
    """Whether a server could bind `port` on loopback now (as the servers bind: a socket in
    TIME_WAIT is no obstacle)."""
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def repo_root() -> Path:
    """The checkout this package lives in (installed editable), else the working directory."""
    here = Path(__file__).resolve().parents[2]
    return here if (here / "contracts" / "casinra_contracts").is_dir() else Path.cwd()


@dataclass(frozen=True)
class StackLayout:
    profile: str = DEFAULT_PROFILE
    port_offset: int = 0

    @classmethod
    def from_env(cls, env: Optional[Mapping[str, str]] = None) -> "StackLayout":
        env = os.environ if env is None else env
        profile = env.get("CASINRA_PROFILE") or DEFAULT_PROFILE
        if profile not in PROFILES:
            raise ValueError(f"CASINRA_PROFILE={profile!r}: expected one of {', '.join(PROFILES)}")
        return cls(profile, int(env.get("CASINRA_PORT_OFFSET") or 0), env.get("CASINRA_STATE_DIR") or None)

    def port(self, service: str) -> int:
        return PROFILES[self.profile][service] + self.port_offset

    state_override: Optional[str] = None

    @property
    def state_dir(self) -> Path:
        return Path(self.state_override) if self.state_override else repo_root() / "var" / self.profile

    @property
    def secrets_file(self) -> Path:
        return self.state_dir / "secrets.json"

    @property
    def redis_url(self) -> str:
        return f"redis://127.0.0.1:{self.port('redis')}/0"

    @property
    def clustered(self) -> bool:
        """HAProxy, two gateways, two Rasa servers and PostgreSQL (`make run PROFILE=cluster`)."""
        return "gateway_b" in PROFILES[self.profile]

    @property
    def db_url(self) -> str:
        if self.clustered:  # the password is in PGPASSFILE (`pgpass_file`), never in the URL
            return f"postgresql+psycopg2://{PG_USER}@127.0.0.1:{self.port('postgres')}/{PG_DATABASE}"
        return f"sqlite:///{self.state_dir / 'backoffice.db'}"

    @property
    def pgpass_file(self) -> Path:
        return self.state_dir / "pgpass"

    @property
    def rasa_url(self) -> str:
        return f"http://127.0.0.1:{self.port('rasa')}"

    @property
    def action_url(self) -> str:
        return f"http://127.0.0.1:{self.port('actions')}/webhook"

    @property
    def gateway_url(self) -> str:
        return f"http://127.0.0.1:{self.port('gateway')}"

    def stored_secrets(self) -> dict[str, str]:
        try:
            data = json.loads(self.secrets_file.read_text())
        except (OSError, ValueError):
            return {}
        return {k: v for k, v in data.items() if isinstance(v, str)} if isinstance(data, dict) else {}

    def defaults(self) -> dict[str, str]:
        """The non-secret environment of this profile."""
        cluster = {
            "CASINRA_RASA_REPLICAS": ",".join(f"http://127.0.0.1:{self.port(r)}" for r in RASA_REPLICAS),
            "CASINRA_TRUSTED_PROXIES": "127.0.0.1/32",  # HAProxy's X-Forwarded-For is believed
            "PGPASSFILE": str(self.pgpass_file),  # libpq reads the back-office password from it
            "CASINRA_MAILBOX_PORT": str(self.port("mailbox")),
            "CASINRA_MAIL_INBOUND_PORT": str(self.port("mail_inbound")),
        } if self.clustered else {}
        return {
            **cluster,
            "CASINRA_PROFILE": self.profile,
            "CASINRA_STATE_DIR": str(self.state_dir),
            "CASINRA_REDIS_URL": self.redis_url,
            "CASINRA_DB_URL": self.db_url,
            "CASINRA_RASA_URL": self.rasa_url,
            "CASINRA_ACTION_URL": self.action_url,
            "CASINRA_GATEWAY_URL": self.gateway_url,
            "CASINRA_GATEWAY_PORT": str(self.port("gateway")),
        }


def setting(name: str, env: Optional[Mapping[str, str]] = None) -> str:
    """A non-secret setting: the environment, else the current profile's default."""
    env = os.environ if env is None else env
    return env.get(name) or StackLayout.from_env(env).defaults()[name]


def secret(name: str, env: Optional[Mapping[str, str]] = None) -> str:
    """A secret from the environment, else from the local stack's secrets file (written by
    ``make run``); there is no built-in default. Raises :class:`MissingSecret` with a hint."""
    env = os.environ if env is None else env
    if env.get(name):
        return env[name]
    layout = StackLayout.from_env(env)
    stored = layout.stored_secrets().get(name)
    if stored:
        return stored
    raise MissingSecret(f"{name} is not set and {layout.secrets_file} does not hold it: {ENV_HINT}.")
