"""A Rasa server that is alive but busy (a queue of turns: it takes the connection and answers
late) is not a failed dependency: /readyz stays 200 and names it `busy`, so a load balancer does not
take every gateway out at once; the player's turn waits for the answer instead of an apology.
A Rasa that refuses connections is still a failure (test_gateway.py)."""
import asyncio

import httpx

from .conftest import CHANNEL_SECRET, RASA_TOKEN, _ThreadServer, is_type, open_ws, player_token
from .fake_rasa import FakeRasa


def busy(app, seconds: float):
    """The stand-in Rasa with its /status and /health answered `seconds` late."""
    async def asgi(scope, receive, send):  # noqa: ANN001
        if scope["type"] == "http" and scope["path"] in ("/status", "/health"):
            await asyncio.sleep(seconds)
        await app(scope, receive, send)
    return asgi


async def test_busy_rasa_keeps_the_gateway_ready_and_the_player_waits(start_gateway):
    rasa = FakeRasa(CHANNEL_SECRET, RASA_TOKEN)
    rasa.slow = {"bonus": 3.0}  # a turn answered after 3 s: longer than readiness waits for anything
    with _ThreadServer(busy(rasa.app, 4.0)) as srv:
        url = f"http://127.0.0.1:{srv.port}"
        gw = start_gateway(rasa_url=url)
        r = httpx.get(f"{gw.url}/readyz", timeout=10)
        assert r.status_code == 200, (r.json(), gw.log.read_text()[-3000:])
        assert r.json()["failing"] == [] and r.json()["busy"] == ["rasa", "actions"]
        assert r.elapsed.total_seconds() < 3.0

        ws = await open_ws(f"{gw.ws_url}/ws/player?token={player_token()}")
        await ws.until(is_type("state", state="bot"))
        await ws.send({"type": "message", "id": "m-busy", "text": "bonus çevrim şartı nedir"})
        answer = await ws.until(lambda f: f.get("type") in ("message", "error") and f.get("sender") != "player",
                                timeout=15)
        assert answer.get("sender") == "bot", answer
        assert not [f for f in ws.frames if f.get("type") == "error"]


async def test_a_refusing_rasa_is_still_not_ready(start_gateway):
    gw = start_gateway(rasa_url="http://127.0.0.1:9")
    r = httpx.get(f"{gw.url}/readyz", timeout=10)
    assert r.status_code == 503 and "rasa" in r.json()["failing"] and "busy" not in r.json()


async def test_readiness_makes_no_http_client_per_check(monkeypatch, fake_rasa):
    """HAProxy asks every gateway for /readyz every 2 s; building an httpx client there blocked
    the event loop for 40–100 ms each time (its TLS context): a relayed chat message waited behind it."""
    from types import SimpleNamespace

    from casinra_handoff import readiness
    from casinra_handoff.rasa import RasaClient

    class Redis:
        async def ping(self):
            return True

    class Engine:
        def connect(self):
            raise RuntimeError("no database here")

    rasa = RasaClient(fake_rasa.url, RASA_TOKEN, CHANNEL_SECRET)
    checks = httpx.AsyncClient()
    gw = SimpleNamespace(redis=Redis(), rasa=rasa, checks=checks, backoffice=SimpleNamespace(engine=Engine()),
                         settings=SimpleNamespace(action_url=f"{fake_rasa.url}/webhook"))
    made = []
    original = httpx.AsyncClient.__init__

    def counting(self, *args, **kwargs):  # noqa: ANN001
        made.append(1)
        original(self, *args, **kwargs)

    monkeypatch.setattr(httpx.AsyncClient, "__init__", counting)
    try:
        for _ in range(3):
            assert await readiness.check(gw) == {"redis": True, "rasa": True, "actions": True, "db": False}
    finally:
        await rasa.aclose()
        await checks.aclose()
    assert made == []
