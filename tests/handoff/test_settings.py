"""One settings object: CASINRA_* variables, defaults from the local stack, no default secret."""
import json
import os
import subprocess
import sys

import pytest
from casinra_contracts.stack import MissingSecret

from casinra_handoff.settings import Settings

SECRETS = {"CASINRA_JWT_SECRET": "j" * 32, "CASINRA_CHANNEL_SECRET": "c" * 32, "CASINRA_RASA_TOKEN": "r" * 32}


@pytest.fixture
def env(monkeypatch, tmp_path):
    """An environment with no CASINRA_* variable but a private state folder."""
    for name in list(os.environ):
        if name.startswith("CASINRA_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("CASINRA_STATE_DIR", str(tmp_path))
    return monkeypatch


def test_defaults_follow_the_stack_layout(env, tmp_path):
    for name, value in SECRETS.items():
        env.setenv(name, value)
    s = Settings()
    assert (s.redis_url, s.rasa_url, s.gateway_port) == ("redis://127.0.0.1:6390/0", "http://127.0.0.1:5005", 8000)
    assert s.db_url == f"sqlite:///{tmp_path / 'backoffice.db'}"
    assert s.attachments_dir == tmp_path / "attachments"
    env.setenv("CASINRA_PROFILE", "test")
    env.setenv("CASINRA_PORT_OFFSET", "1000")
    s = Settings()
    assert (s.redis_url, s.gateway_port) == ("redis://127.0.0.1:7391/0", 9100)


def test_every_variable_has_the_casinra_prefix(env):
    for name, value in SECRETS.items():
        env.setenv(name, value)
    env.setenv("CASINRA_GATEWAY_PORT", "8123")
    env.setenv("CASINRA_DB_URL", "sqlite:////tmp/x.db")
    env.setenv("CASINRA_AGENT_GRACE_S", "7")
    env.setenv("CASINRA_SUPPORT_HOURS", "09:00-18:00")
    env.setenv("GATEWAY_PORT", "1")  # old names are not read
    s = Settings()
    assert (s.gateway_port, s.db_url, s.agent_grace_s, s.support_hours) == (8123, "sqlite:////tmp/x.db", 7.0, "09:00-18:00")
    assert s.jwt_secret == SECRETS["CASINRA_JWT_SECRET"] and "j" * 32 not in repr(s)
    env.setenv("CASINRA_SUPPORT_HOURS", "9-18")
    with pytest.raises(ValueError):
        Settings()


def test_secrets_come_from_the_stack_file(env, tmp_path):
    (tmp_path / "secrets.json").write_text(json.dumps({**SECRETS, "CASINRA_DEMO_AGENT_PASSWORD": "demo-pass"}))
    env.setenv("CASINRA_DEMO", "1")
    s = Settings()
    assert s.channel_secret == SECRETS["CASINRA_CHANNEL_SECRET"] and s.demo_agent_password == "demo-pass"
    env.setenv("CASINRA_RASA_TOKEN", "from-env")
    assert Settings().rasa_token == "from-env"


def test_no_default_secret(env):
    with pytest.raises(MissingSecret, match="CASINRA_JWT_SECRET"):
        Settings()
    for name, value in SECRETS.items():
        env.setenv(name, value)
    assert Settings().demo_agent_password == ""  # not needed outside demo mode
    env.setenv("CASINRA_DEMO", "1")
    with pytest.raises(MissingSecret, match="CASINRA_DEMO_AGENT_PASSWORD"):
        Settings()


@pytest.mark.parametrize("command", [
    ["-m", "uvicorn", "casinra_handoff.app:create_app", "--factory", "--port", "9"],  # as devstack starts it
    ["-m", "casinra_handoff"],
])
def test_the_gateway_refuses_to_start_without_secrets(env, tmp_path, command):
    clean = {k: v for k, v in os.environ.items() if not k.startswith("CASINRA_")}
    proc = subprocess.run([sys.executable, *command], env={**clean, "CASINRA_STATE_DIR": str(tmp_path)},
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1
    assert "cannot start: CASINRA_JWT_SECRET is not set" in proc.stderr and "make -s env" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_a_bad_value_is_refused_with_its_name(env, tmp_path):
    clean = {k: v for k, v in os.environ.items() if not k.startswith("CASINRA_")}
    proc = subprocess.run([sys.executable, "-m", "casinra_handoff"], capture_output=True, text=True, timeout=60,
                          env={**clean, **SECRETS, "CASINRA_STATE_DIR": str(tmp_path), "CASINRA_SUPPORT_HOURS": "9-18"})
    assert proc.returncode == 1 and "cannot start" in proc.stderr and "support_hours" in proc.stderr
    assert "Traceback" not in proc.stderr
