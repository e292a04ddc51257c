"""Fixtures of the content kit's tests: the fixture project as a Git repository, models trained from
it (once per session), a private Redis, the gateway and Rasa servers as real processes."""
from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import time
import uuid
from pathlib import Path
from typing import Callable, Dict, Iterator, List, Optional, Tuple

import urllib.error
import urllib.request

import pytest

try:  # the bot's environment; the browser tests (tests/content/browser) run in the gateway's
    import requests
except ImportError:  # pragma: no cover
    requests = None  # type: ignore[assignment]

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = Path(__file__).resolve().parent / "fixture"
GW_PYTHON = ROOT / ".venv-gw" / "bin" / "python"
BOT_PYTHON = ROOT / ".venv-bot" / "bin" / "python"  # Rasa and the content kit, whichever runs the tests
RASA_TOKEN = "content-test-rasa-token"
PASSWORD = "content-test-password"
SECRETS = {"CASINRA_JWT_SECRET": "content-test-jwt-secret-0123456789abcdef", "CASINRA_CHANNEL_SECRET": "content-test-channel",
           "CASINRA_RASA_TOKEN": RASA_TOKEN, "CASINRA_DEMO_AGENT_PASSWORD": PASSWORD, "CASINRA_ACTION_TOKEN": "content-test-action"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def http_get(url: str, timeout: float = 5) -> Tuple[int, bytes]:
    """A GET with the standard library (both environments): → (status, body); (0, b"") when down."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()
    except (urllib.error.URLError, OSError):
        return 0, b""


def wait_http(url: str, timeout: float, ok: Callable[[int, bytes], bool] = lambda status, body: status == 200,
              proc: Optional[subprocess.Popen] = None, log: Optional[Path] = None) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"{url}: the process exited\n" + (log.read_text()[-3000:] if log else ""))
        if ok(*http_get(url, 2)):
            return
        time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer in {timeout}s\n" + (log.read_text()[-3000:] if log else ""))


def git(cwd: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, text=True).stdout


def make_repo(path: Path) -> Path:
    """The fixture project as a fresh Git repository on `main`."""
    shutil.copytree(FIXTURE, path, ignore=shutil.ignore_patterns("recorded"))
    git(path, "init", "-q", "-b", "main")
    git(path, "add", "-A")
    git(path, "-c", "user.name=Test", "-c", "user.email=test@example.com", "commit", "-qm", "fixture project")
    return path


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return make_repo(tmp_path / "repo")


@pytest.fixture
def content_env(tmp_path: Path, repo: Path, monkeypatch: pytest.MonkeyPatch) -> Dict[str, str]:
    """The kit's places in the temporary folder (the real var/content/ is never touched)."""
    env = {"CASINRA_CONTENT_DIR": str(tmp_path / "content"), "CASINRA_CONTENT_REPO": str(repo),
           "CASINRA_REGISTRY_DIR": str(tmp_path / "registry")}
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    return env


def kit(*args: str, env: Optional[Dict[str, str]] = None, check: bool = True) -> subprocess.CompletedProcess:
    """`python -m bot …` in the bot's environment, as the gateway runs it."""
    full = {**os.environ, "PYTHONPATH": str(ROOT), "TF_CPP_MIN_LOG_LEVEL": "2", **(env or {})}
    out = subprocess.run([str(BOT_PYTHON), "-m", "bot", *args], cwd=ROOT, env=full, capture_output=True, text=True)
    if check and out.returncode != 0:
        raise AssertionError(f"python -m bot {' '.join(args)} → {out.returncode}\n{out.stdout[-2000:]}\n{out.stderr[-3000:]}")
    return out


def result(out: subprocess.CompletedProcess) -> dict:
    return json.loads(out.stdout.strip().splitlines()[-1])


# ------------------------------------------------------------------------------ trained models
@pytest.fixture(scope="session")
def trained(tmp_path_factory: pytest.TempPathFactory) -> Dict[str, Path]:
    """Three models of the fixture: v1 (as it is), v2 (another greeting: a new answer to tell them
    apart), bad (most fraud examples gone: worse at escalating). Trained once per session."""
    from bot.contentkit.project import Project
    from bot.contentkit.training import train

    base = tmp_path_factory.mktemp("trained")
    out = base / "models"
    models = {}
    for name in ("v1", "v2", "bad"):
        project = base / name
        shutil.copytree(FIXTURE, project, ignore=shutil.ignore_patterns("recorded"))
        if name == "v2":
            domain = project / "domain.yml"
            domain.write_text(domain.read_text(encoding="utf-8").replace(
                "Merhaba! Casinra Destek'e hoş geldiniz", "Merhaba! Yeni modelden selamlar, Casinra Destek'e hoş geldiniz"),
                encoding="utf-8")
        if name == "bad":
            security = project / "data" / "nlu" / "security.yml"
            lines = security.read_text(encoding="utf-8").splitlines(keepends=True)
            security.write_text("".join(lines[:8]), encoding="utf-8")  # 4 fraud examples left
        models[name] = train(Project(project), out, name)
    return models


# ------------------------------------------------------------------------------ processes
@pytest.fixture(scope="session")
def redis_url() -> Iterator[str]:
    exe = shutil.which("redis-server")
    if not exe:
        pytest.skip("no redis-server on PATH")
    port = free_port()
    proc = subprocess.Popen([exe, "--port", str(port), "--save", "", "--appendonly", "no", "--bind", "127.0.0.1"],
                            stdout=subprocess.DEVNULL)
    deadline = time.time() + 10
    while time.time() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.05)
    yield f"redis://127.0.0.1:{port}/0"
    proc.terminate()
    proc.wait(5)


class Proc:
    def __init__(self, proc: subprocess.Popen, url: str, log: Path) -> None:
        self.proc, self.url, self.log = proc, url, log

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()


class Gateway(Proc):
    def login(self, username: str = "deniz") -> "Editor":
        r = requests.post(f"{self.url}/api/agents/login", json={"username": username, "password": PASSWORD}, timeout=10)
        assert r.status_code == 200, r.text
        return Editor(self.url, r.json()["token"], r.json()["agent"])


class Editor:
    def __init__(self, url: str, token: str, agent: dict) -> None:
        self.url, self.token, self.agent = url, token, agent

    def call(self, method: str, path: str, **kw) -> requests.Response:  # type: ignore[no-untyped-def]
        return requests.request(method, self.url + path, headers={"Authorization": f"Bearer {self.token}"},
                                timeout=kw.pop("timeout", 120), **kw)


@pytest.fixture
def start_gateway(tmp_path: Path, redis_url: str) -> Iterator[Callable[..., Gateway]]:
    """A real gateway process (`python -m casinra_handoff`, the gateway's environment) with its own
    registry, content folder and back-office database."""
    if not GW_PYTHON.exists():
        pytest.skip("the gateway's environment (.venv-gw) is not installed")
    procs: List[Proc] = []

    def start(seed: Path, rasa_urls: Optional[List[str]] = None, **env: str) -> Gateway:
        port = free_port()
        log = tmp_path / f"gateway-{port}.log"
        full = {**os.environ, **SECRETS,
                "CASINRA_STATE_DIR": str(tmp_path / "state"), "CASINRA_REDIS_URL": redis_url,
                "CASINRA_DB_URL": f"sqlite:///{tmp_path / 'backoffice.db'}", "CASINRA_DEMO": "1",
                "CASINRA_KEY_PREFIX": "c" + uuid.uuid4().hex[:8], "CASINRA_GATEWAY_HOST": "127.0.0.1",
                "CASINRA_GATEWAY_PORT": str(port), "CASINRA_RASA_URL": (rasa_urls or ["http://127.0.0.1:9"])[0],
                "CASINRA_RASA_REPLICAS": ",".join(rasa_urls or []), "CASINRA_MODEL_SEED": str(seed),
                "CASINRA_REGISTRY_DIR": str(tmp_path / "registry"), "CASINRA_CONTENT_DIR": str(tmp_path / "content"),
                "CASINRA_BOT_PYTHON": str(BOT_PYTHON), "CASINRA_LOG_LEVEL": "INFO", **env}
        proc = subprocess.Popen([str(GW_PYTHON), "-m", "casinra_handoff"], cwd=ROOT, env=full,
                                stdout=log.open("wb"), stderr=subprocess.STDOUT)
        gw = Gateway(proc, f"http://127.0.0.1:{port}", log)
        procs.append(gw)
        wait_http(gw.url + "/healthz", 30, proc=proc, log=log)
        return gw

    yield start
    for p in procs:
        p.stop()


@pytest.fixture
def start_rasa(tmp_path: Path, redis_url: str) -> Iterator[Callable[..., Proc]]:
    """A real Rasa server on the project's endpoints.yml (its model pulled from the gateway) with the
    REST channel, so a test can talk to it directly; started like devstack starts it."""
    credentials = tmp_path / "credentials.yml"
    credentials.write_text("rest:\n")
    procs: List[Proc] = []

    def start(gateway_url: str, port: Optional[int] = None) -> Proc:
        port = port or free_port()
        log = tmp_path / f"rasa-{port}.log"
        env = {**os.environ, **SECRETS, "PYTHONPATH": str(ROOT), "TF_CPP_MIN_LOG_LEVEL": "2",
               "CASINRA_REDIS_URL": redis_url, "CASINRA_GATEWAY_URL": gateway_url,
               "CASINRA_ACTION_URL": "http://127.0.0.1:9/webhook", "SQLALCHEMY_SILENCE_UBER_WARNING": "1"}
        # as devstack runs it: `rasa run` loading a pulled model in the background (bot/serve.py)
        cmd = [str(BOT_PYTHON), "-m", "bot.serve", "run", "--enable-api", f"--auth-token={RASA_TOKEN}",
               "--endpoints", str(ROOT / "endpoints.yml"), "--credentials", str(credentials),
               "--interface", "127.0.0.1", "--port", str(port)]
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT)
        rasa = Proc(proc, f"http://127.0.0.1:{port}", log)
        procs.append(rasa)
        return rasa

    yield start
    for p in procs:
        p.stop()


def rasa_model(rasa: Proc) -> Optional[str]:
    """The registry id of the model a Rasa server has loaded (its file is named after it)."""
    status, body = http_get(f"{rasa.url}/status?token={RASA_TOKEN}")
    try:
        data = json.loads(body) if status == 200 else {}
    except ValueError:
        return None
    return (data.get("model_file") or "").split(".")[0] or None


def add_candidate(content_dir: Path, model: Path, name: str) -> Path:
    """A trained model as the content kit leaves it: `<content>/models/<name>.tar.gz` and its `.json`."""
    models = content_dir / "models"
    models.mkdir(parents=True, exist_ok=True)
    target = models / f"{name}.tar.gz"
    shutil.copyfile(model, target)
    meta = json.loads(model.with_suffix("").with_suffix(".json").read_text())
    (models / f"{name}.json").write_text(json.dumps({**meta, "name": name, "file": target.name}))
    return target
