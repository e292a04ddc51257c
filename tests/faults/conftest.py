"""The fault suite's processes: the gateway fixtures of tests/handoff (a restartable AOF Redis,
gateway processes, the stand-in Rasa), and for the scenarios that need the real bot a private
stack — its own Redis, seeded back-office, action server and Rasa server on free loopback ports —
that the tests may kill and restart without touching anyone else's."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

from handoff.conftest import (  # noqa: F401  (fixtures)
    CHANNEL_SECRET,
    RASA_TOKEN,
    REPO,
    RedisServer,
    backoffice_url,
    fake_rasa,
    free_port,
    redis_url,
    restartable_redis,
    start_gateway,
)

BOT_VENV = REPO / ".venv-bot"
MODEL = REPO / "models" / "casinra.tar.gz"
ACTION_TOKEN = "fault-suite-action-token"
FIGURES: dict[str, dict[str, Any]] = {}


def record(scenario: str, **figures: Any) -> None:
    """Per-scenario figures, printed at the end of the session (and kept in var/…/faults.json)."""
    FIGURES[scenario] = figures


def pytest_sessionfinish(session, exitstatus):  # noqa: ANN001
    if not FIGURES:
        return
    lines = ["", "fault suite figures:"]
    for name, figures in FIGURES.items():
        lines.append(f"  {name}: " + ", ".join(f"{k}={v}" for k, v in figures.items()))
    print("\n".join(lines))
    out = os.environ.get("CASINRA_STATE_DIR")
    if out:
        Path(out, "faults.json").write_text(json.dumps(FIGURES, indent=2, ensure_ascii=False))


class Proc:
    def __init__(self, name: str, cmd: list[str], env: dict[str, str], log: Path, ready) -> None:  # noqa: ANN001
        self.name, self.cmd, self.env, self.log, self.ready = name, cmd, env, log, ready
        self.proc: subprocess.Popen | None = None

    def start(self, timeout: float = 240) -> float:
        started = time.monotonic()
        self.proc = subprocess.Popen(self.cmd, cwd=REPO, env=self.env, stdout=self.log.open("ab"),
                                     stderr=subprocess.STDOUT, start_new_session=True)
        while time.monotonic() - started < timeout:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.name} exited:\n" + self.log.read_text()[-3000:])
            if self.ready():
                return round(time.monotonic() - started, 1)
            time.sleep(0.5)
        raise RuntimeError(f"{self.name} did not start in {timeout} s")

    def kill(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(10)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()


def _ok(url: str) -> bool:
    try:
        return httpx.get(url, timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


class Stack:
    def __init__(self, folder: Path) -> None:
        self.redis = RedisServer(folder)
        self.db_url = f"sqlite:///{folder / 'backoffice.db'}"
        self.action_port, self.rasa_port = free_port(), free_port()
        self.rasa_url = f"http://127.0.0.1:{self.rasa_port}"
        self.action_url = f"http://127.0.0.1:{self.action_port}/webhook"
        env = {**os.environ, "PYTHONPATH": str(REPO), "CASINRA_STATE_DIR": str(folder),
               "CASINRA_REDIS_URL": self.redis.url, "CASINRA_DB_URL": self.db_url,
               "CASINRA_CHANNEL_SECRET": CHANNEL_SECRET, "CASINRA_ACTION_URL": self.action_url,
               "CASINRA_ACTION_TOKEN": ACTION_TOKEN, "TF_CPP_MIN_LOG_LEVEL": "2",
               "SQLALCHEMY_SILENCE_UBER_WARNING": "1"}
        self.env = env
        # the project's endpoints without the model server (Rasa loads --model; no gateway needed to start)
        endpoints = yaml.safe_load((REPO / "endpoints.yml").read_text(encoding="utf-8"))
        endpoints.pop("models", None)
        (folder / "endpoints.yml").write_text(yaml.safe_dump(endpoints), encoding="utf-8")
        rasa = str(BOT_VENV / "bin" / "rasa")
        self.actions = Proc("actions", [rasa, "run", "actions", "--actions", "actions", "--port", str(self.action_port)],
                            env, folder / "actions.log", lambda: _ok(f"http://127.0.0.1:{self.action_port}/health"))
        self.rasa = Proc("rasa", [rasa, "run", "--enable-api", f"--auth-token={RASA_TOKEN}", "--model", str(MODEL),
                                  "--credentials", "credentials.yml", "--endpoints", str(folder / "endpoints.yml"),
                                  "--interface", "127.0.0.1", "--port", str(self.rasa_port)],
                         env, folder / "rasa.log", self.rasa_ready)
        self.startup_s: dict[str, float] = {}

    def rasa_ready(self) -> bool:
        try:
            r = httpx.get(f"{self.rasa_url}/status", params={"token": RASA_TOKEN}, timeout=2)
            return r.status_code == 200 and bool(r.json().get("model_file"))
        except (httpx.HTTPError, ValueError):
            return False

    def start(self) -> None:
        self.redis.start()
        subprocess.run([str(BOT_VENV / "bin" / "python"), "-m", "actions.backoffice.seed", "--reset",
                        "--db-url", self.db_url], cwd=REPO, env=self.env, check=True, capture_output=True)
        self.startup_s["actions"] = self.actions.start()
        self.startup_s["rasa"] = self.rasa.start()

    def stop(self) -> None:
        self.rasa.stop()
        self.actions.stop()
        self.redis.stop()

    def tracker(self, cid: str) -> dict:
        return httpx.get(f"{self.rasa_url}/conversations/{cid}/tracker", params={"token": RASA_TOKEN}, timeout=10).json()


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    if not MODEL.exists() or not (BOT_VENV / "bin" / "rasa").exists():
        pytest.skip("the fault suite's real-bot scenarios need .venv-bot and a trained model (make train)")
    s = Stack(tmp_path_factory.mktemp("stack"))
    try:
        s.start()
        yield s
    finally:
        s.stop()
