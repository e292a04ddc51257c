"""Where a local stack's parts live: ports, state folder, secrets file, the environment it exports.

``scripts/devstack.py`` (``make run``, ``make test``) starts each profile with this layout, and
every service's settings fall back to it, so a service started by hand (``rasa run``, ``rasa run
actions``, the gateway) finds the same Redis, database and secrets as ``make run`` — or refuses
with a message saying how to get them. Standard library only: devstack runs before any venv.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Optional

PREFIX = "CASINRA_"
PROFILES: dict[str, dict[str, int]] = {
    "dev": {"redis": 6390, "actions": 5055, "rasa": 5005, "gateway": 8000},
    "test": {"redis": 6391, "actions": 5155, "rasa": 5105, "gateway": 8100},
    "bench": {"redis": 6392, "actions": 5255, "rasa": 5205, "gateway": 8200},
}
DEFAULT_PROFILE = "dev"
SECRETS = ("CASINRA_CHANNEL_SECRET", "CASINRA_RASA_TOKEN", "CASINRA_JWT_SECRET", "CASINRA_ACTION_TOKEN",
           "CASINRA_DEMO_AGENT_PASSWORD")
ENV_HINT = 'export the stack\'s environment first: eval "$(make -s env)" (or start everything with `make run`)'


class MissingSecret(RuntimeError):
    """A secret is neither in the environment nor in the local stack's secrets file."""


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
    def db_url(self) -> str:
        return f"sqlite:///{self.state_dir / 'backoffice.db'}"

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
        return {
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
