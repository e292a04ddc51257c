"""Personal data and browser policies (issue 12, defect 8): the history keeps what players type
masked (the bot still gets it for the turn), nothing logs the demo password, the REST API answers
other sites only where the embedded widget needs it, and the pages forbid framing."""
import asyncio
import warnings

import httpx
import redis.asyncio as aioredis
from starlette.testclient import TestClient

from casinra_handoff.app import create_app
from casinra_handoff.settings import Settings

from .conftest import AGENT_PASSWORD, agent_login, is_type, open_ws, player_token
from .test_gateway import bot_text

warnings.filterwarnings("ignore", category=DeprecationWarning)
SECRETS = {"jwt_secret": "j" * 32, "channel_secret": "c" * 32, "rasa_token": "r" * 32}
TYPED = "çekim: kart 4111 1111 1111 1111, TR33 0006 1005 1978 6457 8413 26, TC 12345678901, 0532 123 45 67, a.b@example.com"
CLEAR = ("4111 1111", "TR33 0006", "12345678901", "123 45 67", "a.b@example.com")


async def test_history_holds_masked_text_and_the_bot_gets_the_clear_text(gateway, fake_rasa, redis_url):
    ws = await open_ws(f"{gateway.ws_url}/ws/player?token={player_token()}")
    cid = (await ws.until(is_type("welcome")))["conversation_id"]
    await ws.send({"type": "message", "id": "p1", "text": TYPED})
    echo = await ws.until(lambda f: f.get("client_id") == "p1")
    await ws.until(bot_text)
    assert "[kart ****1111]" in echo["text"] and "[e-posta]" in echo["text"]
    assert not any(c in echo["text"] for c in CLEAR)
    assert [t["message"] for t in fake_rasa.received if t["sender"] == cid] == [TYPED]
    r = aioredis.from_url(redis_url, decode_responses=True)
    try:
        stored = str(await r.xrange(f"{gateway.prefix}:conv:{cid}:history"))
        outbox = str(await r.hgetall(f"{gateway.prefix}:outbox"))
    finally:
        await r.aclose()
    assert "[IBAN]" in stored and not any(c in stored for c in CLEAR)
    assert not any(c in outbox for c in CLEAR)  # the pending turn is gone once answered
    await ws.close()
    await asyncio.sleep(0.3)
    log = gateway.log.read_text()
    assert not any(c in log for c in CLEAR)


async def test_the_demo_password_is_never_logged(gateway):
    agent_login(gateway)
    async with httpx.AsyncClient(base_url=gateway.url) as c:
        await c.post("/api/agents/login", json={"username": "ayse", "password": AGENT_PASSWORD + "x"})
        await c.post("/api/agents/login", content=b'{"username":"ayse","password":"' + AGENT_PASSWORD.encode() + b'\xff"}')
    await asyncio.sleep(0.3)
    assert AGENT_PASSWORD not in gateway.log.read_text()


def client(**settings) -> TestClient:
    return TestClient(create_app(Settings(**SECRETS, **settings)))


def test_rest_answers_other_sites_only_where_the_widget_needs_it(start_gateway):
    c = httpx.Client(base_url=start_gateway().url)
    evil = {"Origin": "https://evil.example"}
    pre = c.options("/api/queue", headers={**evil, "Access-Control-Request-Method": "GET",
                                           "Access-Control-Request-Headers": "Authorization"})
    assert pre.status_code == 403 and "access-control-allow-origin" not in pre.headers
    assert "access-control-allow-origin" not in c.get("/api/queue", headers=evil).headers
    assert "access-control-allow-origin" not in c.post("/api/agents/login", json={}, headers=evil).headers
    # the embedded widget's upload works from any site (no credentials)
    up = c.options("/api/attachments", headers={"Origin": "https://partner.example",
                                                "Access-Control-Request-Method": "POST",
                                                "Access-Control-Request-Headers": "Authorization, Content-Type, X-Filename"})
    assert up.status_code == 204 and up.headers["access-control-allow-origin"] == "*"
    assert "X-Filename" in up.headers["access-control-allow-headers"]
    assert "access-control-allow-credentials" not in up.headers
    # configured sites get the rest
    c2 = httpx.Client(base_url=start_gateway(CASINRA_CORS_ORIGINS="https://admin.casinra.example").url)
    r = c2.get("/api/queue", headers={"Origin": "https://admin.casinra.example"})
    assert r.headers["access-control-allow-origin"] == "https://admin.casinra.example"
    assert "access-control-allow-origin" not in c2.get("/api/queue", headers=evil).headers


def test_pages_carry_a_csp_and_refuse_framing_while_the_widget_script_embeds(tmp_path):
    (tmp_path / "demo.html").write_text("<title>demo</title>", encoding="utf-8")
    (tmp_path / "console.html").write_text("<title>console</title>", encoding="utf-8")
    (tmp_path / "widget.js").write_text("customElements.define('casinra-chat', class extends HTMLElement {})")
    c = client(widget_dir=tmp_path)
    for path in ("/", "/console"):
        h = c.get(path).headers
        csp = h["content-security-policy"]
        assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp and "object-src 'none'" in csp
        assert "ws://testserver" in csp
        assert h["x-frame-options"] == "DENY"
    js = c.get("/widget/widget.js").headers
    assert "x-frame-options" not in js and "content-security-policy" not in js
    assert "cross-origin-resource-policy" not in js  # any site may load the script
