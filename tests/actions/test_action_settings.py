"""The action server's settings: CASINRA_ environment, the stack's defaults, no default token."""
from __future__ import annotations

import pytest

from actions.settings import ActionSettings
from casinra_contracts.stack import MissingSecret


def test_settings_from_env(monkeypatch, tmp_path):
    monkeypatch.setenv("CASINRA_DB_URL", "postgresql://u:pw@db/x")
    monkeypatch.setenv("CASINRA_BACKOFFICE_CALL_TIMEOUT", "2.5")
    settings = ActionSettings()
    assert settings.call_timeout == 2.5
    assert "pw" not in settings.redacted_url()
    monkeypatch.setenv("CASINRA_BACKOFFICE_CALL_TIMEOUT", "-1")
    with pytest.raises(ValueError):
        ActionSettings()


def test_without_settings_the_stacks_database(monkeypatch, tmp_path):
    monkeypatch.delenv("CASINRA_DB_URL", raising=False)
    monkeypatch.setenv("CASINRA_STATE_DIR", str(tmp_path))
    assert ActionSettings().db_url == f"sqlite:///{tmp_path}/backoffice.db"
    monkeypatch.delenv("CASINRA_STATE_DIR")
    monkeypatch.setenv("CASINRA_PROFILE", "dev")
    assert ActionSettings().db_url.endswith("/var/dev/backoffice.db")  # what `make run` seeds


def test_the_action_token_has_no_default(monkeypatch, tmp_path):
    monkeypatch.setenv("CASINRA_STATE_DIR", str(tmp_path))
    monkeypatch.delenv("CASINRA_ACTION_TOKEN", raising=False)
    with pytest.raises(MissingSecret, match=r"CASINRA_ACTION_TOKEN.*make -s env"):
        ActionSettings().action_token
    (tmp_path / "secrets.json").write_text('{"CASINRA_ACTION_TOKEN": "from-the-stack"}')
    assert ActionSettings().action_token == "from-the-stack"
    monkeypatch.setenv("CASINRA_ACTION_TOKEN", "from-the-environment")
    assert ActionSettings().action_token == "from-the-environment"
