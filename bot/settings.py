"""The Rasa server's settings: one typed object read from the `CASINRA_` environment.

What is not set falls back to the local stack's layout (`casinra_contracts.stack`), so a plain
`rasa run` or `rasa shell` from the repository root finds the same Redis as `make run`. Secrets
have no default: the environment, else the stack's secrets file, else `stack.MissingSecret` with
the hint how to get them.
"""
from __future__ import annotations

from casinra_contracts import stack
from pydantic import BaseSettings, Field


class BotSettings(BaseSettings):
    # CASINRA_REDIS_URL: Rasa's tracker and lock stores (bot/stores.py)
    redis_url: str = Field(default_factory=lambda: stack.setting("CASINRA_REDIS_URL"))

    class Config:
        env_prefix = stack.PREFIX

    @property
    def channel_secret(self) -> str:
        """CASINRA_CHANNEL_SECRET: the HMAC secret of the gateway → Rasa channel (bot/channel.py)."""
        return stack.secret("CASINRA_CHANNEL_SECRET")
