"""A short Redis restart must not silently take a connected agent offline (issue 12, defect 1):
every background loop of every socket survives it (presence, queue, chats, the player's pump), and
an outage longer than CASINRA_REDIS_RETRY_S ends the sockets visibly (error frame, close 1013)."""
import asyncio

import httpx

from .conftest import agent_login, is_type, open_ws, player_token
from .test_gateway import bot_text


async def online(gw, token) -> set[str]:
    async with httpx.AsyncClient(base_url=gw.url, headers={"Authorization": f"Bearer {token}"}) as c:
        r = await c.get("/api/agents")
        return {a["username"] for a in r.json() if a["online"]}


async def test_idle_console_and_a_chat_survive_a_5s_redis_restart(start_gateway, restartable_redis):
    gw = start_gateway(CASINRA_REDIS_URL=restartable_redis.url, CASINRA_QUEUE_OFFLINE_GRACE_S="20")
    token = agent_login(gw)
    ag = await open_ws(f"{gw.ws_url}/ws/agent?token={token}")
    await ag.until(is_type("hello"))
    chatting = await open_ws(f"{gw.ws_url}/ws/player?token={player_token()}")
    cid = (await chatting.until(is_type("welcome")))["conversation_id"]
    await chatting.send({"type": "message", "id": "c1", "text": "temsilci istiyorum"})
    await chatting.until(is_type("state", state="queued"))
    await ag.send({"type": "claim", "conversation_id": cid})
    await ag.until(is_type("conversation", conversation_id=cid))

    await asyncio.to_thread(restartable_redis.restart, 5.0)
    await asyncio.sleep(3.5)  # longer than the presence TTL (3 s): only a live heartbeat keeps the agent online

    assert "ayse" in await online(gw, token)
    # the agent's chat still works both ways
    await ag.send({"type": "message", "id": "a1", "conversation_id": cid, "text": "Yeniden bağlandım."})
    assert (await chatting.until(lambda f: f.get("sender") == "agent", timeout=10))["text"] == "Yeniden bağlandım."
    await chatting.send({"type": "message", "id": "c2", "text": "tamam"})
    await ag.until(lambda f: f.get("client_id") == "c2", timeout=10)
    # a new hand-off is queued (an agent is online) and reaches the idle queue view
    other = await open_ws(f"{gw.ws_url}/ws/player?token={player_token('P1002', 'Elif Demir')}")
    other_cid = (await other.until(is_type("welcome")))["conversation_id"]
    await other.send({"type": "message", "id": "o1", "text": "temsilci istiyorum"})
    await other.until(is_type("state", state="queued"), timeout=10)
    await ag.until(lambda f: f.get("type") == "queue" and any(i["conversation_id"] == other_cid for i in f["items"]),
                   timeout=10)
    # the chat was never taken away from the agent
    await asyncio.sleep(2.5)  # past the agent grace period (2 s)
    assert not [f for f in ag.frames if f.get("type") == "released"]
    assert not [f for f in ag.frames if f.get("type") == "error"], [f for f in ag.frames if f.get("type") == "error"]
    for w in (ag, chatting, other):
        await w.close()


async def test_a_long_outage_ends_the_sockets_visibly(start_gateway, restartable_redis):
    gw = start_gateway(CASINRA_REDIS_URL=restartable_redis.url, CASINRA_REDIS_RETRY_S="2")
    token = agent_login(gw)
    ag = await open_ws(f"{gw.ws_url}/ws/agent?token={token}")
    await ag.until(is_type("hello"))
    ws = await open_ws(f"{gw.ws_url}/ws/player?token={player_token()}")
    await ws.until(is_type("welcome"))
    await ws.send({"type": "message", "id": "m1", "text": "merhaba"})
    await ws.until(bot_text)
    restartable_redis.stop()
    try:
        for w in (ag, ws):
            err = await w.until(is_type("error"), timeout=30)
            assert err["code"] == "unavailable"
            await asyncio.wait_for(w.conn.wait_closed(), 10)
            assert w.conn.close_code == 1013
        # meanwhile a new socket is refused with the same error, not a bare close
        w = await open_ws(f"{gw.ws_url}/ws/player?token={player_token()}")
        assert (await w.recv(timeout=30))["code"] == "unavailable"
    finally:
        restartable_redis.start()
    # and when Redis is back, the client's reconnect works
    ws2 = await open_ws(f"{gw.ws_url}/ws/agent?token={token}")
    await ws2.until(is_type("hello"), timeout=15)
    await ws2.close()
