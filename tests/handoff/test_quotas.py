"""Quotas (issue 12, defect 7): anonymous uploads, idle guest conversations, frames per player,
per IP and for the whole gateway, invalid frames, and agent logins (forwarded addresses trusted
only from configured proxies; a lockout after repeated failures)."""
import asyncio

import httpx
import redis.asyncio as aioredis

from .conftest import AGENT_PASSWORD, is_type, open_ws, player_token

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


async def guest(gw):
    ws = await open_ws(f"{gw.ws_url}/ws/player")
    return ws, (await ws.until(is_type("welcome")))["conversation_id"]


async def accepted_of(sockets, n_each, prefix):
    for i, ws in enumerate(sockets):
        for j in range(n_each):
            await ws.send({"type": "message", "id": f"{prefix}{i}-{j}", "text": f"mesaj {i} {j}"})
    total = 0
    for ws in sockets:
        frames = await ws.drain(1.0)
        total += len([f for f in frames if f.get("type") == "message" and f.get("sender") == "player"])
    return total


async def test_anonymous_uploads_are_limited(start_gateway):
    gw = start_gateway(CASINRA_QUOTA_GUEST_UPLOADS_PER_HOUR_IP="3")
    ws, cid = await guest(gw)
    async with httpx.AsyncClient(base_url=gw.url) as c:
        codes = [(await c.post(f"/api/attachments?conversation_id={cid}", content=PNG,
                               headers={"Content-Type": "image/png"})).status_code for _ in range(5)]
    assert codes == [201, 201, 201, 429, 429], codes
    await ws.close()


async def test_upload_bytes_per_conversation_are_limited(start_gateway):
    gw = start_gateway(CASINRA_QUOTA_UPLOAD_BYTES_PER_CONVERSATION="200")
    ws, cid = await guest(gw)
    async with httpx.AsyncClient(base_url=gw.url) as c:
        codes = [(await c.post(f"/api/attachments?conversation_id={cid}", content=PNG,
                               headers={"Content-Type": "image/png"})).status_code for _ in range(3)]
    assert codes == [201, 201, 429], codes
    await ws.close()


async def test_a_guest_socket_that_never_writes_leaves_a_short_lived_conversation(start_gateway, redis_url):
    gw = start_gateway()
    ws, idle = await guest(gw)
    await ws.close()
    ws, used = await guest(gw)
    await ws.send({"type": "message", "id": "m", "text": "merhaba"})
    await ws.until(lambda f: f.get("sender") == "bot")
    await ws.close()
    r = aioredis.from_url(redis_url, decode_responses=True)
    try:
        assert 0 < await r.ttl(f"{gw.prefix}:conv:{idle}") <= 900
        assert await r.ttl(f"{gw.prefix}:conv:{used}") > 6 * 24 * 3600
    finally:
        await r.aclose()


async def test_new_guest_conversations_per_ip_are_limited(start_gateway):
    gw = start_gateway(CASINRA_QUOTA_GUEST_CONVERSATIONS_PER_HOUR_IP="3")
    for _ in range(3):
        ws, _ = await guest(gw)
        await ws.close()
    ws = await open_ws(f"{gw.ws_url}/ws/player")
    err = await ws.recv()
    assert err["code"] == "rate_limited" and err["retry_after"] > 0
    await asyncio.wait_for(ws.conn.wait_closed(), 5)
    assert ws.conn.close_code == 1013
    # a signed-in player is not a guest: unaffected
    ws = await open_ws(f"{gw.ws_url}/ws/player?token={player_token()}")
    await ws.until(is_type("welcome"))
    await ws.close()


async def test_frames_are_limited_per_player_across_sockets(start_gateway):
    gw = start_gateway(CASINRA_QUOTA_FRAMES_PER_MIN_WHO="20")
    sockets = []
    for _ in range(10):
        ws = await open_ws(f"{gw.ws_url}/ws/player?token={player_token()}")
        await ws.until(is_type("welcome"))
        await ws.drain(0.1)
        sockets.append(ws)
    assert await accepted_of(sockets, 8, "p") <= 20
    for ws in sockets:
        await ws.close()


async def test_frames_are_limited_per_ip_and_globally(start_gateway):
    gw = start_gateway(CASINRA_QUOTA_FRAMES_PER_MIN_IP="30")
    sockets = [(await guest(gw))[0] for _ in range(10)]
    for ws in sockets:
        await ws.drain(0.1)
    assert await accepted_of(sockets, 8, "g") <= 30
    for ws in sockets:
        await ws.close()
    gw2 = start_gateway(CASINRA_QUOTA_FRAMES_PER_S_ALL="5")
    sockets = []
    for pid in ("P1001", "P1002"):
        ws = await open_ws(f"{gw2.ws_url}/ws/player?token={player_token(pid, pid)}")
        await ws.until(is_type("welcome"))
        await ws.drain(0.1)
        sockets.append(ws)
    assert await accepted_of(sockets, 6, "a") <= 10  # two 1-second windows at most
    for ws in sockets:
        await ws.close()


async def test_invalid_frames_count_against_the_limit(gateway):
    ws = await open_ws(f"{gateway.ws_url}/ws/player?token={player_token()}")
    await ws.until(is_type("welcome"))
    await ws.drain(0.1)
    for _ in range(8):
        await ws.send('{"type":"message"}')
    await ws.send({"type": "message", "id": "after-junk", "text": "merhaba"})
    err = await ws.until(lambda f: f.get("type") == "error" and f.get("ref") == "after-junk")
    assert err["code"] == "rate_limited"
    await ws.close()


async def login(c, password, xff=None, username="ayse"):
    headers = {"X-Forwarded-For": xff} if xff else {}
    return (await c.post("/api/agents/login", json={"username": username, "password": password}, headers=headers))


async def test_login_limiter_ignores_forwarded_for_from_untrusted_clients(gateway):
    async with httpx.AsyncClient(base_url=gateway.url) as c:
        codes = [(await login(c, "yanlış", xff=f"203.0.113.{i}", username=f"nobody{i}")).status_code
                 for i in range(12)]
    assert codes[:10] == [401] * 10 and codes[10:] == [429, 429], codes


async def test_login_locks_out_after_repeated_failures(gateway):
    async with httpx.AsyncClient(base_url=gateway.url) as c:
        codes = [(await login(c, "yanlış")).status_code for _ in range(5)]
        assert codes == [401] * 5
        r = await login(c, AGENT_PASSWORD)
        assert r.status_code == 429 and int(r.headers["retry-after"]) > 0
        assert AGENT_PASSWORD not in r.text
        assert (await login(c, AGENT_PASSWORD, username="burak")).status_code == 200


async def test_forwarded_for_is_trusted_only_from_configured_proxies(start_gateway):
    gw = start_gateway(CASINRA_TRUSTED_PROXIES="127.0.0.1/32", CASINRA_LOGIN_RATE_PER_MIN="3")
    async with httpx.AsyncClient(base_url=gw.url) as c:
        codes = [(await login(c, "x", xff="198.51.100.7", username=f"u{i}")).status_code for i in range(4)]
        assert codes == [401, 401, 401, 429]
        assert (await login(c, "x", xff="198.51.100.8", username="u9")).status_code == 401  # another client
