import json

import pytest

from casinra_contracts import stack


def test_profiles_have_their_own_ports_and_state():
    dev, test = stack.StackLayout("dev"), stack.StackLayout("test")
    assert dev.redis_url == "redis://127.0.0.1:6390/0" and test.redis_url == "redis://127.0.0.1:6391/0"
    assert dev.state_dir.name == "dev" and test.db_url.endswith("var/test/backoffice.db")
    assert stack.StackLayout("dev", port_offset=1000).port("gateway") == 9000


def test_settings_fall_back_to_the_profile():
    assert stack.setting("CASINRA_REDIS_URL", {}) == "redis://127.0.0.1:6390/0"
    assert stack.setting("CASINRA_REDIS_URL", {"CASINRA_PROFILE": "test"}) == "redis://127.0.0.1:6391/0"
    assert stack.setting("CASINRA_REDIS_URL", {"CASINRA_REDIS_URL": "redis://x:1/2"}) == "redis://x:1/2"
    with pytest.raises(ValueError):
        stack.StackLayout.from_env({"CASINRA_PROFILE": "nope"})


def test_secrets_come_from_env_or_the_stack_file_never_a_default(tmp_path, monkeypatch):
    monkeypatch.setattr(stack, "repo_root", lambda: tmp_path)
    env = {"CASINRA_PROFILE": "dev"}
    with pytest.raises(stack.MissingSecret, match="make -s env"):
        stack.secret("CASINRA_JWT_SECRET", env)
    (tmp_path / "var" / "dev").mkdir(parents=True)
    (tmp_path / "var" / "dev" / "secrets.json").write_text(json.dumps({"CASINRA_JWT_SECRET": "from-file"}))
    assert stack.secret("CASINRA_JWT_SECRET", env) == "from-file"
    assert stack.secret("CASINRA_JWT_SECRET", {**env, "CASINRA_JWT_SECRET": "from-env"}) == "from-env"


def test_port_free_tells_a_bound_port_from_a_free_one():
    import socket
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        port = sock.getsockname()[1]
        assert not stack.port_free(port)
    assert stack.port_free(port)
