"""End to end through the real Rasa server + action server + back-office DB (no stand-ins).

`make test` starts Redis, Rasa and the action server and exports RASA_URL, CASINRA_RASA_TOKEN,
CASINRA_CHANNEL_SECRET and BACKOFFICE_DB_URL; without RASA_URL these tests are skipped.
"""
import asyncio
import json
import os
import uuid

import httpx
import pytest
from sqlalchemy import create_engine, select

from casinra_handoff import backoffice as bo

from ..conftest import is_type, open_ws, player_token
from ..test_gateway import agent, bot_text, player

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(not os.environ.get("RASA_URL"),
                       reason="RASA_URL not set: the real Rasa + action server are started by `make test`"),
]


@pytest.fixture(autouse=True)
def _rasa_up():
    try:
        httpx.get(os.environ["RASA_URL"], timeout=5).raise_for_status()
    except (httpx.HTTPError, KeyError) as exc:
        pytest.fail(f"RASA_URL is set but Rasa does not answer: {exc}")


def texts(ws):
    return " ".join(f.get("text") or "" for f in ws.frames if f.get("type") == "message" and f.get("sender") == "bot")


async def ask(ws, text, wait=lambda f: bot_text(f), timeout=30):
    await ws.send({"type": "message", "id": uuid.uuid4().hex, "text": text})
    return await ws.until(wait, timeout=timeout)


async def test_player_sees_own_withdrawal_guest_does_not(start_gateway):
    gw = start_gateway(real=True)
    ws, welcome = await player(gw, player_token("P1001", "Ahmet Yılmaz"))
    await ask(ws, "çekim talebim ne durumda")
    await ws.drain(3)
    assert "1.500,00" in texts(ws), texts(ws)
    g, gwel = await player(gw)
    assert gwel["guest"]
    await ask(g, "çekim talebim ne durumda")
    await g.drain(3)
    assert "1.500,00" not in texts(g)
    await ws.close()
    await g.close()


async def test_full_flow_across_two_processes_with_real_rasa(start_gateway):
    g1 = start_gateway(real=True)
    g2 = start_gateway(real=True, prefix=g1.prefix)
    ag, _, _ = await agent(g2, "ayse")
    ws, welcome = await player(g1, player_token("P1001", "Ahmet Yılmaz"))
    cid = welcome["conversation_id"]
    await ask(ws, "çekim talebim ne durumda")
    await ws.drain(2)
    await ask(ws, "beni bir insana bağla", wait=is_type("state", state="queued"))
    await ag.until(lambda f: f.get("type") == "queue" and any(i["conversation_id"] == cid for i in f["items"]), timeout=10)
    await ag.send({"type": "claim", "conversation_id": cid})
    conv = await ag.until(is_type("conversation", conversation_id=cid), timeout=15)
    ctx = conv["context"]
    assert ctx["profile"]["id"] == "P1001"
    assert any(t["id"] == "TX-10000001" for t in ctx["transactions"])
    assert any(i["intent"] == "withdrawal_status" for i in ctx["intents"]), ctx["intents"]
    assert conv["handoff"]["summary"]
    await ws.until(is_type("state", state="assigned"))
    # player text never reaches Rasa now: the tracker gets no new user event
    await ag.send({"type": "message", "id": "a1", "conversation_id": cid, "text": "Merhaba, çekiminizi kontrol ediyorum."})
    await ws.until(lambda f: f.get("sender") == "agent")
    await ws.send({"type": "message", "id": "p9", "text": "tamam teşekkürler"})
    await ag.until(lambda f: f.get("client_id") == "p9")
    tracker = httpx.get(f"{os.environ['RASA_URL']}/conversations/{cid}/tracker",
                        params={"token": os.environ.get("CASINRA_RASA_TOKEN", "")}, timeout=10).json()
    assert not any(e.get("event") == "user" and "tamam teşekkürler" in (e.get("text") or "")
                   for e in tracker["events"])
    await ag.send({"type": "resolve", "conversation_id": cid})
    await ag.until(is_type("released", conversation_id=cid))
    rating = await ws.until(lambda f: bot_text(f) and any("rate" in b["payload"] for b in f["buttons"]), timeout=30)
    button = next(b for b in rating["buttons"] if "5" in b["payload"])
    await ws.send({"type": "button", "id": "rate", "payload": button["payload"]})
    await ws.until(lambda f: f.get("client_id") == "rate")
    await ws.until(bot_text, timeout=30)
    await asyncio.sleep(1)
    engine = create_engine(os.environ.get("BACKOFFICE_DB_URL"))
    with engine.connect() as c:
        row = c.execute(select(bo.chat_transcripts).where(bo.chat_transcripts.c.conversation_id == cid)).mappings().one()
    engine.dispose()
    assert row["agent_username"] == "ayse" and row["rating"] == 5
    assert "tamam teşekkürler" in row["transcript"]
    for w in (ws, ag):
        await w.close()


async def test_no_agent_online_bot_offers_ticket_or_callback(start_gateway):
    gw = start_gateway(real=True)
    ws, _ = await player(gw, player_token("P1002", "Elif Demir"))
    msg = await ask(ws, "beni bir insana bağla", wait=lambda f: bot_text(f) and f["buttons"])
    assert len(msg["buttons"]) >= 2
    assert all(f.get("state") != "queued" for f in ws.frames if f.get("type") == "state")
    await ws.close()


async def test_unoffered_button_and_typed_command_with_real_rasa(start_gateway):
    gw = start_gateway(real=True)
    ws, _ = await player(gw, player_token())
    await ws.send({"type": "button", "id": "b1", "payload": '/EXTERNAL_handoff_resolved{"agent_name":"x"}'})
    assert (await ws.until(is_type("error")))["code"] == "invalid_button"
    # a typed "/…" is text for the bot, never an intent: no hand-off, no state change
    await ask(ws, '/human_handoff')
    await ws.drain(2)
    assert all(f.get("state") == "bot" for f in ws.frames if f.get("type") == "state")
    await ws.close()
