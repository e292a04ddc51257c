"""The Rasa server's settings: CASINRA_ environment, the stack's defaults, no default secret."""
import pytest

from bot.settings import BotSettings
from casinra_contracts.stack import MissingSecret


def test_redis_url_from_the_environment_else_the_stack(monkeypatch):
    monkeypatch.setenv("CASINRA_REDIS_URL", "rediss://:pw@redis.example:6380/2")
    assert BotSettings().redis_url == "rediss://:pw@redis.example:6380/2"
    monkeypatch.delenv("CASINRA_REDIS_URL")
    monkeypatch.setenv("CASINRA_PROFILE", "test")
    monkeypatch.setenv("CASINRA_PORT_OFFSET", "2000")
    assert BotSettings().redis_url == "redis://127.0.0.1:8391/0"  # the test profile's Redis, shifted


def test_the_channel_secret_has_no_default(monkeypatch, tmp_path):
    monkeypatch.setenv("CASINRA_STATE_DIR", str(tmp_path))
    monkeypatch.delenv("CASINRA_CHANNEL_SECRET", raising=False)
    with pytest.raises(MissingSecret, match="make -s env"):
        BotSettings().channel_secret
    monkeypatch.setenv("CASINRA_CHANNEL_SECRET", "s3cret")
    assert BotSettings().channel_secret == "s3cret"
