"""Fixtures: a real Redis (CASINRA_REDIS_URL or a private redis-server), a stand-in Rasa for unit
tests, a seeded temporary back-office DB (the shared schema), and gateway processes started with
`python -m casinra_handoff`, the way devstack starts them."""
from __future__ import annotations

import asyncio
import datetime as dt
import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from typing import Any, Callable

import httpx
import pytest
import uvicorn
from casinra_contracts.backoffice import schema
from casinra_contracts.backoffice.engine import make_engine
from sqlalchemy import insert
from websockets.asyncio.client import connect

from .fake_rasa import FakeRasa

REPO = Path(__file__).resolve().parents[2]
JWT_SECRET = "test-jwt-secret-0123456789abcdef0123"
CHANNEL_SECRET = "test-channel-secret"
RASA_TOKEN = "test-rasa-token"
# The same as the running test stack, which shares the back-office DB in the real-Rasa tests.
AGENT_PASSWORD = os.environ.get("CASINRA_DEMO_AGENT_PASSWORD") or "test-agent-pass"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def free_port_block(*offsets: int) -> int:
    """A free port P with P + each offset free too. A port derived from a free one (the demo mailbox's
    port + 25) is in the range Linux gives outgoing connections, so it may be taken by one."""
    for _ in range(200):
        port = free_port()
        held = []
        try:
            for offset in offsets:
                s = socket.socket()
                held.append(s)
                s.bind(("127.0.0.1", port + offset))
            return port
        except OSError:
            continue
        finally:
            for s in held:
                s.close()
    raise RuntimeError(f"no free port with offsets {offsets}")


def wait_port(port: int, timeout: float = 15.0) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError(f"port {port} did not open")


@pytest.fixture(scope="session")
def redis_url() -> Any:
    url = os.environ.get("CASINRA_REDIS_URL")
    if url:
        yield url
        return
    exe = shutil.which("redis-server")
    if not exe:
        pytest.skip("no CASINRA_REDIS_URL and no redis-server on PATH")
    port = free_port()
    proc = subprocess.Popen([exe, "--port", str(port), "--save", "", "--appendonly", "no", "--bind", "127.0.0.1"],
                            stdout=subprocess.DEVNULL)
    wait_port(port)
    yield f"redis://127.0.0.1:{port}/0"
    proc.terminate()
    proc.wait(5)


class RedisServer:
    """A private redis-server that keeps its data on disk (AOF, fsync always) and can be stopped and
    started again on the same port: a Redis restart as production sees one."""

    def __init__(self, folder: Path) -> None:
        self.exe = shutil.which("redis-server")
        if not self.exe:
            pytest.skip("no redis-server on PATH")
        self.folder = folder
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [self.exe, "--port", str(self.port), "--bind", "127.0.0.1", "--dir", str(self.folder), "--save", "",
             "--appendonly", "yes", "--appendfsync", "always"], stdout=subprocess.DEVNULL)
        wait_port(self.port)
        # ready once the data set is loaded (a restart answers LOADING until then)
        deadline = time.time() + 15
        while time.time() < deadline:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as conn:
                conn.sendall(b"PING\r\n")
                if conn.recv(16).startswith(b"+PONG"):
                    return
            time.sleep(0.05)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)

    def restart(self, down_s: float) -> None:
        self.stop()
        time.sleep(down_s)
        self.start()


@pytest.fixture
def restartable_redis(tmp_path: Path) -> Any:
    folder = tmp_path / "redis"
    folder.mkdir()
    server = RedisServer(folder)
    server.start()
    yield server
    server.stop()


class _ThreadServer:
    def __init__(self, app: Any) -> None:
        self.port = free_port()
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning",
                                                    lifespan="off"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> "_ThreadServer":
        self.thread.start()
        wait_port(self.port)
        return self

    def __exit__(self, *exc: Any) -> None:
        self.server.should_exit = True
        self.thread.join(5)


@pytest.fixture(scope="session")
def fake_rasa() -> Any:
    rasa = FakeRasa(CHANNEL_SECRET, RASA_TOKEN)
    with _ThreadServer(rasa.app) as srv:
        rasa.url = f"http://127.0.0.1:{srv.port}"  # type: ignore[attr-defined]
        yield rasa


def seed_backoffice(url: str) -> None:
    engine = make_engine(url)
    schema.metadata.create_all(engine)
    now = dt.datetime.now(dt.timezone.utc)
    with engine.begin() as c:
        c.execute(insert(schema.players), [
            {"id": "P1001", "name": "Ahmet Yılmaz", "email": "ahmet@example.com", "phone": "+90 532 111 22 33",
             "locked": False, "created_at": now},
            {"id": "P1002", "name": "Elif Demir", "email": "elif@example.com", "phone": "+90 533 444 55 66",
             "locked": False, "created_at": now},
        ])
        c.execute(insert(schema.kyc_cases), [
            {"player_id": "P1001", "status": "approved", "reason": None, "updated_at": now},
            {"player_id": "P1002", "status": "pending", "reason": "Adres belgesi eksik", "updated_at": now},
        ])
        c.execute(insert(schema.transactions), [
            {"id": "TX-10000001", "player_id": "P1001", "kind": "withdrawal", "method": "bank_transfer",
             "amount_minor": 150000, "currency": "TRY", "status": "pending", "reason": None,
             "created_at": now - dt.timedelta(days=2), "updated_at": now},
            {"id": "TX-10000002", "player_id": "P1001", "kind": "deposit", "method": "papara",
             "amount_minor": 50000, "currency": "TRY", "status": "completed", "reason": None,
             "created_at": now - dt.timedelta(days=3), "updated_at": now},
        ])
    engine.dispose()


@pytest.fixture(scope="session")
def backoffice_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("bo") / "backoffice.db"
    url = f"sqlite:///{path}"
    seed_backoffice(url)
    return url


class GatewayProc:
    def __init__(self, port: int, proc: subprocess.Popen, prefix: str, log: Path) -> None:
        self.port = port
        self.proc = proc
        self.prefix = prefix
        self.log = log
        self.url = f"http://127.0.0.1:{port}"
        self.ws_url = f"ws://127.0.0.1:{port}"

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()


@pytest.fixture
def start_gateway(redis_url: str, fake_rasa: FakeRasa, backoffice_url: str, tmp_path: Path) -> Any:
    procs: list[GatewayProc] = []

    def start(prefix: str | None = None, rasa_url: str | None = None, db_url: str | None = None,
              real: bool = False, port: int | None = None, **env: str) -> GatewayProc:
        """real=True: talk to the real Rasa and back-office of the running stack (its CASINRA_* env)."""
        if real:
            env = {"CASINRA_RASA_TOKEN": os.environ.get("CASINRA_RASA_TOKEN", ""),
                   "CASINRA_CHANNEL_SECRET": os.environ.get("CASINRA_CHANNEL_SECRET", ""), **env}
            rasa_url = os.environ["CASINRA_RASA_URL"]
            db_url = os.environ.get("CASINRA_DB_URL") or db_url
        action_url = os.environ.get("CASINRA_ACTION_URL", "") if real else f"{rasa_url or fake_rasa.url}/webhook"
        prefix = prefix or "t" + uuid.uuid4().hex[:10]
        port = port or free_port()
        full_env = {
            **os.environ,
            "CASINRA_STATE_DIR": str(tmp_path / "state"),
            "CASINRA_REDIS_URL": redis_url, "CASINRA_RASA_URL": rasa_url or fake_rasa.url, "CASINRA_ACTION_URL": action_url,
            "CASINRA_RASA_TOKEN": RASA_TOKEN, "CASINRA_CHANNEL_SECRET": CHANNEL_SECRET,
            "CASINRA_JWT_SECRET": JWT_SECRET, "CASINRA_DB_URL": db_url or backoffice_url, "CASINRA_DEMO": "1",
            "CASINRA_DEMO_AGENT_PASSWORD": AGENT_PASSWORD, "CASINRA_KEY_PREFIX": prefix,
            "CASINRA_GATEWAY_HOST": "127.0.0.1", "CASINRA_GATEWAY_PORT": str(port), "CASINRA_AGENT_GRACE_S": "2", "CASINRA_PRESENCE_TTL_S": "3",
            "CASINRA_PRESENCE_HEARTBEAT_S": "0.5", "CASINRA_QUEUE_OFFLINE_GRACE_S": "2",
            "CASINRA_SWEEP_INTERVAL_S": "0.3", "CASINRA_LOG_LEVEL": "INFO",
            **env,
        }
        log = tmp_path / f"gateway-{port}.log"
        proc = subprocess.Popen([sys.executable, "-m", "casinra_handoff"], env=full_env, stdout=log.open("wb"),
                                stderr=subprocess.STDOUT, cwd=str(REPO))
        deadline = time.time() + 30
        while time.time() < deadline:
            if proc.poll() is not None:
                raise RuntimeError("gateway exited:\n" + log.read_text())
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.1)
        else:
            raise RuntimeError("gateway did not start:\n" + log.read_text())
        gp = GatewayProc(port, proc, prefix, log)
        procs.append(gp)
        return gp

    yield start
    for p in procs:
        p.stop()


@pytest.fixture
def gateway(start_gateway: Callable[..., GatewayProc]) -> GatewayProc:
    return start_gateway()


# ------------------------------------------------------------------------- websocket helper
class WS:
    """A websocket test client. `until` finds a matching frame among the frames not yet matched
    (in arrival order), so assertions do not depend on the order of unrelated frames."""

    def __init__(self, conn: Any) -> None:
        self.conn = conn
        self.frames: list[dict] = []
        self._pending: list[dict] = []

    async def send(self, obj: Any) -> None:
        await self.conn.send(obj if isinstance(obj, (str, bytes)) else json.dumps(obj))

    async def _read(self, timeout: float) -> dict:
        raw = await asyncio.wait_for(self.conn.recv(), timeout)
        frame = json.loads(raw)
        self.frames.append(frame)
        return frame

    async def recv(self, timeout: float = 5.0) -> dict:
        if self._pending:
            return self._pending.pop(0)
        return await self._read(timeout)

    async def until(self, pred: Callable[[dict], bool], timeout: float = 8.0) -> dict:
        for i, f in enumerate(self._pending):
            if pred(f):
                return self._pending.pop(i)
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            try:
                if left <= 0:
                    raise asyncio.TimeoutError
                f = await self._read(left)
            except asyncio.TimeoutError:
                raise AssertionError(f"no matching frame; last frames: {self.frames[-12:]}") from None
            if pred(f):
                return f
            self._pending.append(f)

    async def drain(self, quiet: float = 0.3) -> list[dict]:
        out, self._pending = self._pending, []
        while True:
            try:
                out.append(await self._read(quiet))
            except asyncio.TimeoutError:
                return out

    async def close(self) -> None:
        await self.conn.close()


def is_type(t: str, **kw: Any) -> Callable[[dict], bool]:
    return lambda f: f.get("type") == t and all(f.get(k) == v for k, v in kw.items())


async def open_ws(url: str) -> WS:
    conn = await connect(url, open_timeout=5, max_size=2**22)
    return WS(conn)


def player_token(player_id: str = "P1001", name: str = "Ahmet Yılmaz", ttl: int = 3600) -> str:
    from casinra_handoff.auth import mint_player_token
    return mint_player_token(player_id, name, JWT_SECRET, ttl)


def agent_login(gw: GatewayProc, username: str = "ayse", password: str = AGENT_PASSWORD) -> str:
    r = httpx.post(f"{gw.url}/api/agents/login", json={"username": username, "password": password}, timeout=10)
    assert r.status_code == 200, r.text
    return r.json()["token"]
