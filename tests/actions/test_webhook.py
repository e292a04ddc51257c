"""Integration: the real action server (`rasa run actions`): only calls with the action token run
actions, and it answers a webhook call as P1001."""
from __future__ import annotations

import json
import os
import socket
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
RASA = REPO / ".venv-bot" / "bin" / "rasa"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


TOKEN = "test-action-token"


def post(url: str, body: dict, token: str = TOKEN) -> dict:
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json",
                                              "Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request, timeout=20) as response:
        return json.loads(response.read())


def start(env: dict, port: int, log) -> subprocess.Popen:
    return subprocess.Popen([str(RASA), "run", "actions", "--actions", "actions", "--port", str(port)],
                            cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT)


@pytest.fixture
def action_server(db_path, tmp_path):
    if not RASA.exists():
        pytest.skip("the .venv-bot environment is not installed")
    port = free_port()
    env = {**os.environ, "CASINRA_DB_URL": f"sqlite:///{db_path}", "CASINRA_ACTION_TOKEN": TOKEN,
           "PYTHONPATH": str(REPO)}
    log = open(tmp_path / "action-server.log", "w")
    process = start(env, port, log)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if process.poll() is not None:
                raise AssertionError((tmp_path / "action-server.log").read_text())
            try:
                with urllib.request.urlopen(f"{base}/health", timeout=1) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise AssertionError("the action server did not start in 60 s")
            time.sleep(0.3)
        yield base
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


def tracker_state(player_id, intent, text):
    metadata = {"player_id": player_id, "player_name": "Ahmet Yılmaz"} if player_id else {}
    latest = {"text": text, "intent": {"name": intent, "confidence": 0.97}, "entities": [],
              "metadata": metadata, "message_id": "m1"}
    return {
        "sender_id": "webhook-test",
        "slots": {},
        "latest_message": latest,
        "events": [{"event": "action", "name": "action_listen"},
                   {"event": "user", "text": text, "parse_data": latest, "metadata": metadata}],
        "paused": False,
        "followup_action": None,
        "active_loop": {},
        "latest_action_name": "action_listen",
    }


def test_transaction_lookup_through_the_webhook(action_server):
    body = {"next_action": "action_transaction_lookup", "sender_id": "webhook-test",
            "tracker": tracker_state("P1001", "withdrawal_status", "çekim talebim ne durumda"),
            "domain": {}, "version": "3.6.21"}
    reply = post(f"{action_server}/webhook", body)
    text = "\n".join(r.get("text") or "" for r in reply["responses"])
    assert "1.500,00 TL" in text
    assert "TX-10000001" in text and "2–5 iş günü" in text

    body["tracker"] = tracker_state(None, "withdrawal_status", "çekim talebim ne durumda")
    guest = post(f"{action_server}/webhook", body)
    guest_text = "\n".join(r.get("text") or "" for r in guest["responses"])
    assert "oturum açmış olmanız gerekiyor" in guest_text and "1.500,00" not in guest_text


def test_calls_without_the_token_are_refused(action_server):
    body = {"next_action": "action_transaction_lookup", "sender_id": "webhook-test",
            "tracker": tracker_state("P1001", "withdrawal_status", "çekim talebim ne durumda"),
            "domain": {}, "version": "3.6.21"}
    for token in ("wrong", ""):
        with pytest.raises(urllib.error.HTTPError) as refused:
            post(f"{action_server}/webhook", body, token=token)
        assert refused.value.code == 401
        assert "1.500,00" not in refused.value.read().decode()
    with urllib.request.urlopen(f"{action_server}/health", timeout=5) as health:  # probes need no token
        assert health.status == 200


def test_without_a_token_the_server_does_not_start(db_path, tmp_path):
    if not RASA.exists():
        pytest.skip("the .venv-bot environment is not installed")
    env = {k: v for k, v in os.environ.items() if k != "CASINRA_ACTION_TOKEN"}
    env.update(CASINRA_DB_URL=f"sqlite:///{db_path}", CASINRA_STATE_DIR=str(tmp_path), PYTHONPATH=str(REPO))
    with open(tmp_path / "refused.log", "w") as log:
        process = start(env, free_port(), log)
        assert process.wait(timeout=60) != 0
    output = (tmp_path / "refused.log").read_text()
    assert "CASINRA_ACTION_TOKEN" in output and "make -s env" in output
