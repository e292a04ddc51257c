"""An accepted turn reaches the bot exactly once, even when the gateway that acknowledged it is
killed right after the acknowledgement (issue 12, defect 4)."""
import asyncio
import signal

from .conftest import is_type, open_ws, player_token
from .test_gateway import bot_text


async def test_sigkill_right_after_the_ack_loses_no_turn(start_gateway, fake_rasa):
    a = start_gateway()
    b = start_gateway(prefix=a.prefix)
    fake_rasa.slow["yavaş"] = 2.0  # the turn is still at the bot when gateway A dies
    ws = await open_ws(f"{a.ws_url}/ws/player?token={player_token()}")
    cid = (await ws.until(is_type("welcome")))["conversation_id"]
    await ws.send({"type": "message", "id": "k1", "text": "yavaş bir soru"})
    ack = await ws.until(lambda f: f.get("client_id") == "k1")
    a.proc.send_signal(signal.SIGKILL)
    a.proc.wait(5)
    # the player's widget reconnects (to the other gateway) and resends what it had not seen answered
    ws2 = await open_ws(f"{b.ws_url}/ws/player?token={player_token()}&conversation_id={cid}&after_seq={ack['seq']}")
    await ws2.until(is_type("welcome"))
    await ws2.send({"type": "message", "id": "k1", "text": "yavaş bir soru"})
    reply = await ws2.until(bot_text, timeout=20)
    assert "yavaş bir soru" in reply["text"]
    await asyncio.sleep(1.5)
    frames = ws2.frames + await ws2.drain(0.5)
    assert len([f for f in frames if bot_text(f)]) == 1  # answered once
    turns = [t for t in fake_rasa.received if t["sender"] == cid]
    assert len(turns) == 1 and turns[0]["message_id"] == f"{cid}:{ack['seq']}"  # the bot processed it once
    # the history holds the turn and one answer, in order
    ws3 = await open_ws(f"{b.ws_url}/ws/player?token={player_token()}&conversation_id={cid}")
    await ws3.until(is_type("welcome"))
    replay = [f for f in await ws3.drain() if f.get("type") == "message"]
    assert [(f["seq"], f["sender"]) for f in replay] == [(1, "player"), (2, "bot")]
    for w in (ws2, ws3):
        await w.close()


async def test_a_turn_cut_short_by_redis_is_sent_again_by_its_owner(start_gateway, fake_rasa, restartable_redis):
    gw = start_gateway(CASINRA_REDIS_URL=restartable_redis.url, CASINRA_RASA_TIMEOUT_S="3")
    fake_rasa.slow["kesik"] = 1.5
    ws = await open_ws(f"{gw.ws_url}/ws/player?token={player_token()}")
    cid = (await ws.until(is_type("welcome")))["conversation_id"]
    await ws.send({"type": "message", "id": "r1", "text": "kesik soru"})
    await ws.until(lambda f: f.get("client_id") == "r1")
    await asyncio.to_thread(restartable_redis.restart, 2.5)  # the answer cannot be stored: the turn stays pending
    reply = await ws.until(lambda f: bot_text(f) and "kesik soru" in f["text"], timeout=40)
    assert reply["seq"] == 2
    assert len([t for t in fake_rasa.received if t["sender"] == cid]) == 1
    await ws.close()
