"""Hostile input from outside (issue 12, defects 5 and 6): every bad request or frame gets a 4xx or
an error frame; nothing is silenced, nothing logs a traceback or the raw body."""
import asyncio
import json

import httpx
from websockets.exceptions import ConnectionClosed

from .conftest import AGENT_PASSWORD, agent_login, is_type, open_ws, player_token


def tracebacks(gw) -> list[str]:
    return [line for line in gw.log.read_text().splitlines() if "Traceback" in line or '"level": "error"' in line]


async def test_login_and_demo_token_bodies_that_are_not_json(gateway):
    secret = "gizli-parola-" + AGENT_PASSWORD
    bodies = [
        (b'{"username":"ayse","password":"' + secret.encode() + b'\xff\xfe"}', "text/plain"),
        (b'{"username":"ayse","password":"' + secret.encode() + b'\xff"}', "application/json"),
        (b"username=ayse&password=" + secret.encode(), "application/x-www-form-urlencoded"),
        (b"\x80\x81\x82", "application/json"),
        (b"", "application/json"),
        (b"[]", "application/json"),
        (b'{"username": 5, "password": "' + secret.encode() + b'"}', "application/json"),
    ]
    async with httpx.AsyncClient(base_url=gateway.url) as c:
        for body, ctype in bodies:
            for path in ("/api/agents/login", "/api/demo/token"):
                r = await c.post(path, content=body, headers={"Content-Type": ctype})
                assert 400 <= r.status_code < 500, (path, body, r.status_code, r.text)
                assert secret not in r.text  # the password is never echoed back
    await asyncio.sleep(0.3)
    log = gateway.log.read_text()
    assert secret not in log
    assert not tracebacks(gateway), tracebacks(gateway)


async def test_path_parameters_are_validated_never_used_as_raw_keys(gateway):
    token = agent_login(gateway)
    h = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=gateway.url, headers=h) as c:
        ws = await open_ws(f"{gateway.ws_url}/ws/player?token={player_token()}")
        cid = (await ws.until(is_type("welcome")))["conversation_id"]
        await ws.send({"type": "message", "id": "m1", "text": "merhaba"})
        await ws.until(lambda f: f.get("sender") == "bot")
        for bad in (f"{cid}:seq", f"{cid}:history", f"{cid}:client_ids", "x:seq", "%00", "a" * 300, "c_%F0%9F%98%80"):
            r = await c.get(f"/api/conversations/{bad}")
            assert r.status_code in (404, 422), (bad, r.status_code, r.text)
        for bad in (f"{cid}:seq", "a_" + "0" * 32 + ":x", "..%2Fsecrets.json"):
            r = await c.get(f"/api/attachments/{bad}")
            assert r.status_code in (404, 422), (bad, r.status_code)
        r = await c.post(f"/api/attachments?conversation_id={cid}:seq", content=b"\x89PNG\r\n\x1a\n",
                         headers={"Content-Type": "image/png"})
        assert r.status_code in (404, 422), r.text
        await ws.close()
    assert not tracebacks(gateway), tracebacks(gateway)


async def test_lone_surrogate_in_a_frame_id_gets_an_error_and_the_socket_lives(gateway):
    ws = await open_ws(f"{gateway.ws_url}/ws/player?token={player_token()}")
    await ws.until(is_type("welcome"))
    await ws.send('{"type":"message","id":"\\ud800","text":"merhaba"}')
    err = await ws.until(is_type("error"))
    assert err["code"] == "invalid_frame"
    await ws.send('{"type":"message","id":"ok","text":"\\udfff yalnız vekil"}')
    assert (await ws.until(is_type("error")))["code"] == "invalid_frame"
    await ws.send({"type": "ping"})
    await ws.until(is_type("pong"))
    await ws.send({"type": "message", "id": "after", "text": "hâlâ burada"})
    await ws.until(lambda f: f.get("client_id") == "after")
    token = agent_login(gateway)
    ag = await open_ws(f"{gateway.ws_url}/ws/agent?token={token}")
    await ag.until(is_type("hello"))
    await ag.send('{"type":"note","id":"\\ud83d","conversation_id":"c_x","text":"x"}')
    assert (await ag.until(is_type("error")))["code"] == "invalid_frame"
    await ag.send({"type": "ping"})
    await ag.until(is_type("pong"))
    await ws.close()
    await ag.close()
    assert not tracebacks(gateway), tracebacks(gateway)


async def test_absurd_after_seq_gets_an_error_frame_and_the_socket_lives(gateway):
    ws = await open_ws(f"{gateway.ws_url}/ws/player?token={player_token()}")
    cid = (await ws.until(is_type("welcome")))["conversation_id"]
    await ws.send({"type": "message", "id": "m1", "text": "merhaba"})
    await ws.until(lambda f: f.get("sender") == "bot")
    await ws.close()
    for bad in (str(10**30), "-5", "1e3", "abc"):
        w = await open_ws(f"{gateway.ws_url}/ws/player?token={player_token()}&conversation_id={cid}&after_seq={bad}")
        welcome = await w.until(is_type("welcome"))
        assert welcome["conversation_id"] == cid
        err = await w.until(is_type("error"))
        assert err["code"] == "invalid_frame", err
        # the whole history is replayed instead, and the socket stays usable
        assert [f["seq"] for f in await w.drain() if f.get("type") == "message"] == list(range(1, welcome["last_seq"] + 1))
        await w.send({"type": "message", "id": f"n{bad}", "text": "devam"})
        await w.until(lambda f: f.get("client_id") == f"n{bad}")
        await w.until(lambda f: f.get("sender") == "bot")
        await w.close()
    # a client that is ahead of the server (state lost) gets the live frames anyway
    w = await open_ws(f"{gateway.ws_url}/ws/player?token={player_token()}&conversation_id={cid}&after_seq=500")
    await w.until(is_type("welcome"))
    await w.send({"type": "message", "id": "ahead", "text": "yine ben"})
    await w.until(lambda f: f.get("client_id") == "ahead")
    await w.close()
    assert not tracebacks(gateway), tracebacks(gateway)


async def test_oversized_frame_gets_an_error_frame_before_the_close(gateway):
    ws = await open_ws(f"{gateway.ws_url}/ws/player?token={player_token()}")
    await ws.until(is_type("welcome"))
    await ws.drain()
    ws.conn.max_size = None
    big = json.dumps({"type": "message", "id": "huge", "text": "a" * (17 * 1024 * 1024)})
    try:
        await ws.send(big)
    except ConnectionClosed:
        pass
    err = await ws.until(is_type("error"), timeout=15)
    assert err["code"] == "frame_too_large"
    await asyncio.wait_for(ws.conn.wait_closed(), 10)
    assert ws.conn.close_code == 1009
    # the server is fine: a new socket works
    w2 = await open_ws(f"{gateway.ws_url}/ws/player?token={player_token()}")
    await w2.until(is_type("welcome"))
    await w2.send({"type": "ping"})
    await w2.until(is_type("pong"))
    await w2.close()


async def test_a_flood_is_told_and_ended_with_an_error_frame(gateway):
    ws = await open_ws(f"{gateway.ws_url}/ws/player?token={player_token()}")
    await ws.until(is_type("welcome"))
    await ws.drain()
    # invalid frames count against the limit too
    for i in range(3000):
        try:
            await ws.conn.send('{"type":"nope"}' if i % 2 else '{"type":"typing","state":true}')
        except ConnectionClosed:
            break
    frames = []
    try:
        while True:
            frames.append(json.loads(await asyncio.wait_for(ws.conn.recv(), 10)))
    except ConnectionClosed:
        pass
    codes = [f.get("code") for f in frames if f.get("type") == "error"]
    assert "rate_limited" in codes, codes[:20]
    assert codes[-1] == "flood", codes[-5:]
    assert ws.conn.close_code == 1008
    # not one error frame per rejected frame: they are coalesced
    assert len(codes) < 200, len(codes)
    w2 = await open_ws(f"{gateway.ws_url}/ws/player?token={player_token()}")
    await w2.until(is_type("welcome"))
    await w2.close()
    assert not tracebacks(gateway), tracebacks(gateway)
