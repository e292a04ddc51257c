"""Fuzzing the gateway from outside with hypothesis (issue 12): every inbound frame type of both
sockets and every REST operation of the OpenAPI schema (body, path and query parameters).

What must hold for every example: no 5xx; a socket answers every frame (an error frame, or the
frame's own effect) and still answers a ping afterwards, or — when it has to end — sends an error
frame before it closes; and the gateway's log holds no traceback. Examples are bounded (a couple
of minutes in `make test`); the counts are printed at the end.
"""
from __future__ import annotations

import json
import time
from collections import Counter
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from websockets.exceptions import ConnectionClosed
from websockets.sync.client import connect

from handoff.conftest import AGENT_PASSWORD, player_token

EXAMPLES = 120  # per frame type / per REST operation
STATS: Counter[str] = Counter()
# no shrinking: a failure is reported as found, so a bad day stays within the suite's time
FUZZ = settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                suppress_health_check=list(HealthCheck), phases=[Phase.explicit, Phase.generate])

# JSON values of every shape, including the awkward ones (huge numbers, lone surrogates, deep nesting)
scalars = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=False, allow_infinity=False), st.text(max_size=40),
    st.sampled_from(["\ud800", "x\udfff", "c_" + "0" * 32, "x:seq", "/restart", "", " " * 5, "ğüşiöç İ", "\x00"]),
)
json_values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
                           max_leaves=12)
ids = st.one_of(st.text(min_size=0, max_size=80), st.sampled_from(["\ud800", "a" * 65, "m1"]), json_values)
conv_ids = st.one_of(st.sampled_from(["c_" + "0" * 32, "c_x", "x:seq", "../x", ""]), st.text(max_size=90), json_values)

PLAYER_FIELDS = {
    "message": {"id": ids, "text": st.one_of(st.text(max_size=300), json_values), "attachment_id": st.one_of(st.none(), ids)},
    "button": {"id": ids, "payload": st.one_of(st.text(max_size=60), st.just("/affirm"), json_values)},
    "typing": {"state": st.one_of(st.booleans(), json_values)},
    "ping": {},
}
AGENT_FIELDS = {
    "claim": {"conversation_id": conv_ids},
    "message": {"id": ids, "conversation_id": conv_ids, "text": st.one_of(st.text(max_size=300), json_values)},
    "note": {"id": ids, "conversation_id": conv_ids, "text": st.one_of(st.text(max_size=300), json_values)},
    "typing": {"conversation_id": conv_ids, "state": st.one_of(st.booleans(), json_values)},
    "transfer": {"conversation_id": conv_ids, "to_agent": st.one_of(st.none(), ids), "to_team": st.one_of(st.none(), ids),
                 "note": st.one_of(st.none(), st.text(max_size=50), json_values)},
    "resolve": {"conversation_id": conv_ids},
    "open": {"conversation_id": conv_ids},
    "ping": {},
}


def frames_of(kind: str, fields: dict[str, Any]) -> st.SearchStrategy[str]:
    """A frame of this type: its fields present or not, well- or ill-typed, sometimes an extra one."""
    body = st.fixed_dictionaries({}, optional=fields).map(lambda d: {"type": kind, **d})
    extra = st.dictionaries(st.sampled_from(["extra", "type", "seq", "__proto__"]), json_values, max_size=2)
    framed = st.tuples(body, extra).map(lambda t: {**t[0], **t[1]} if t[1].get("type") is None else t[0])
    return framed.map(lambda d: json.dumps(d))


garbage = st.one_of(st.text(max_size=200), st.binary(max_size=200), json_values.map(json.dumps),
                    st.integers(1, 3000).map(lambda n: "[" * n), st.just("a" * 9000))


@pytest.fixture(scope="module")
def gw(redis_url, fake_rasa, backoffice_url, tmp_path_factory):  # noqa: F811
    """One gateway for the whole module, its limits open wide so the examples reach the handlers."""
    from handoff.conftest import GatewayProc, free_port  # noqa: F401
    import os
    import subprocess
    import sys
    import uuid

    from handoff.conftest import CHANNEL_SECRET, JWT_SECRET, RASA_TOKEN, REPO

    tmp = tmp_path_factory.mktemp("fuzz")
    port = free_port()
    env = {**os.environ, "CASINRA_STATE_DIR": str(tmp), "CASINRA_REDIS_URL": redis_url,
           "CASINRA_RASA_URL": fake_rasa.url, "CASINRA_ACTION_URL": fake_rasa.url + "/webhook",
           "CASINRA_RASA_TOKEN": RASA_TOKEN, "CASINRA_CHANNEL_SECRET": CHANNEL_SECRET, "CASINRA_JWT_SECRET": JWT_SECRET,
           "CASINRA_DB_URL": backoffice_url, "CASINRA_DEMO": "1", "CASINRA_DEMO_AGENT_PASSWORD": AGENT_PASSWORD,
           "CASINRA_KEY_PREFIX": "fz" + uuid.uuid4().hex[:8], "CASINRA_GATEWAY_HOST": "127.0.0.1",
           "CASINRA_GATEWAY_PORT": str(port), "CASINRA_PLAYER_RATE_PER_S": "10000", "CASINRA_PLAYER_BURST": "10000",
           "CASINRA_AGENT_RATE_PER_S": "10000", "CASINRA_AGENT_BURST": "10000", "CASINRA_LOGIN_RATE_PER_MIN": "0",
           "CASINRA_LOGIN_LOCKOUT_FAILURES": "1000000", "CASINRA_QUOTA_FRAMES_PER_MIN_WHO": "0",
           "CASINRA_QUOTA_FRAMES_PER_MIN_IP": "0", "CASINRA_QUOTA_FRAMES_PER_S_ALL": "0",
           "CASINRA_QUOTA_SOCKETS_PER_MIN_IP": "0", "CASINRA_QUOTA_GUEST_CONVERSATIONS_PER_HOUR_IP": "0",
           "CASINRA_QUOTA_GUEST_UPLOADS_PER_HOUR_IP": "0", "CASINRA_QUOTA_PLAYER_UPLOADS_PER_HOUR_IP": "0",
           "CASINRA_FLOOD_STRIKES": "100000"}
    log = tmp / "gateway.log"
    proc = subprocess.Popen([sys.executable, "-m", "casinra_handoff"], env=env, stdout=log.open("wb"),
                            stderr=subprocess.STDOUT, cwd=str(REPO))
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.1)
    g = GatewayProc(port, proc, env["CASINRA_KEY_PREFIX"], log)
    yield g
    g.stop()
    print(f"\nfuzz counts: {dict(sorted(STATS.items()))}")
    text = log.read_text()
    assert "Traceback" not in text and '"level": "error"' not in text, text[-3000:]


class Socket:
    """A websocket that must never go silent: after every frame it answers a ping, or it closed
    after an error frame (then it is opened again)."""

    def __init__(self, url: str, role: str) -> None:
        self.url = url
        self.role = role
        self.ws = None
        self.open()

    def open(self) -> None:
        self.ws = connect(self.url, open_timeout=5, max_size=2**22).__enter__()
        hello = "welcome" if self.role == "player" else "hello"
        self.read_until(lambda f: f.get("type") == hello)

    def read_until(self, pred, timeout: float = 8.0) -> list[dict]:
        seen = []
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"{self.role} socket silent; frames since the last ping: {seen[-5:]}")
            frame = json.loads(self.ws.recv(timeout=left))
            seen.append(frame)
            if pred(frame):
                return seen

    def exchange(self, raw: str | bytes) -> None:
        try:
            self.ws.send(raw)
            self.ws.send('{"type":"ping"}')
            seen = self.read_until(lambda f: f.get("type") == "pong")
            STATS[f"{self.role}_frames"] += 1
            STATS[f"{self.role}_error_frames"] += sum(f.get("type") == "error" for f in seen)
        except ConnectionClosed:
            frames = []
            try:
                while True:
                    frames.append(json.loads(self.ws.recv(timeout=1)))
            except Exception:
                pass
            errors = [f for f in frames if f.get("type") == "error"]
            STATS[f"{self.role}_closed_after_error"] += 1
            assert errors, f"{self.role} socket closed without an error frame (code {self.ws.close_code})"
            self.open()


@pytest.fixture(scope="module")
def player_socket(gw):
    s = Socket(f"{gw.ws_url}/ws/player?token={player_token()}", "player")
    yield s
    s.ws.close()


@pytest.fixture(scope="module")
def agent_token(gw):
    r = httpx.post(f"{gw.url}/api/agents/login", json={"username": "ayse", "password": AGENT_PASSWORD}, timeout=10)
    return r.json()["token"]


@pytest.fixture(scope="module")
def agent_socket(gw, agent_token):
    s = Socket(f"{gw.ws_url}/ws/agent?token={agent_token}", "agent")
    yield s
    s.ws.close()


@pytest.mark.parametrize("kind", list(PLAYER_FIELDS) + ["garbage"])
def test_player_frames(player_socket, kind):
    strategy = garbage if kind == "garbage" else frames_of(kind, PLAYER_FIELDS[kind])

    @FUZZ
    @given(raw=strategy)
    def run(raw):
        player_socket.exchange(raw)

    run()


@pytest.mark.parametrize("kind", list(AGENT_FIELDS) + ["garbage"])
def test_agent_frames(agent_socket, kind):
    strategy = garbage if kind == "garbage" else frames_of(kind, AGENT_FIELDS[kind])

    @FUZZ
    @given(raw=strategy)
    def run(raw):
        agent_socket.exchange(raw)

    run()


def operations(gw) -> list[tuple[str, str, dict]]:
    schema = httpx.get(f"{gw.url}/openapi.json", timeout=10).json()
    return [(path, method.upper(), op) for path, item in schema["paths"].items() for method, op in item.items()]


path_values = st.one_of(st.text(max_size=60), st.sampled_from(["x:seq", "c_" + "0" * 32 + ":seq", "%00", "..", "a" * 300,
                                                              "a_" + "0" * 32, "c_" + "0" * 32]))
bodies = st.one_of(
    json_values.map(lambda v: (json.dumps(v).encode(), "application/json")),
    st.fixed_dictionaries({}, optional={"username": json_values, "password": json_values, "player_id": json_values})
      .map(lambda v: (json.dumps(v).encode(), "application/json")),
    st.tuples(st.binary(max_size=300), st.sampled_from(["application/json", "text/plain", "image/png", "application/pdf",
                                                          "application/x-www-form-urlencoded", "", "multipart/form-data"])),
)


def test_every_rest_operation(gw, agent_token):
    ops = operations(gw)
    assert len(ops) >= 10
    client = httpx.Client(base_url=gw.url, timeout=10)
    for path, method, op in ops:
        if path.startswith("/api/agents/logout"):
            continue  # would end the token the fuzzing uses

        @FUZZ
        @given(values=st.dictionaries(st.sampled_from(["conversation_id", "attachment_id", "token", "after_seq"]), path_values),
               body=bodies, auth=st.sampled_from(["agent", "player", "none", "junk"]))
        def run(values, body, auth):
            url = path
            for name in [p["name"] for p in op.get("parameters", []) if p["in"] == "path"]:
                url = url.replace("{" + name + "}", quote(values.get(name, "x"), safe=""))
            query = {p["name"]: values.get(p["name"], "c_x") for p in op.get("parameters", []) if p["in"] == "query"}
            headers = {"Content-Type": body[1]} if body[1] else {}
            headers["Authorization"] = {"agent": f"Bearer {agent_token}", "player": f"Bearer {player_token()}",
                                        "none": "", "junk": "Bearer \u00ff\u00fe"}[auth]
            if not headers["Authorization"]:
                del headers["Authorization"]
            try:
                r = client.request(method, url, params=query, content=body[0] if method == "POST" else None,
                                   headers={k: v.encode("latin-1", "replace") for k, v in headers.items()})
            except httpx.HTTPError as exc:
                raise AssertionError(f"{method} {url}: {exc!r}")
            STATS["rest_requests"] += 1
            STATS[f"rest_{r.status_code // 100}xx"] += 1
            assert r.status_code < 500, (method, url, r.status_code, r.text[:300])

        run()
    client.close()
