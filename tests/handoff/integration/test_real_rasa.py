"""End to end through the real Rasa server + action server + back-office DB (no stand-ins).

`make test` starts Redis, Rasa and the action server and exports their CASINRA_* environment
(CASINRA_RASA_URL, CASINRA_RASA_TOKEN, CASINRA_CHANNEL_SECRET, CASINRA_DB_URL); without
CASINRA_RASA_URL these tests are skipped. They check what the product really does: the notice the
player sees when queued, the topic and labels the agent sees, the rating buttons after resolve
and the bot taking the chat back.
"""
import asyncio
import json
import os
import uuid

import httpx
import pytest
from casinra_contracts.backoffice import schema
from casinra_contracts.backoffice.engine import make_engine
from casinra_contracts.handoff import rating_buttons, rating_payload
from casinra_contracts.topics import INTENTS, PRIORITIES, REASONS, TOPICS
from sqlalchemy import select

from casinra_handoff import notices

from ..conftest import is_type, player_token
from ..test_gateway import agent, bot_text, notice, player

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(not os.environ.get("CASINRA_RASA_URL"),
                       reason="CASINRA_RASA_URL not set: the real Rasa + action server are started by `make test`"),
]


@pytest.fixture(autouse=True)
def _rasa_up():
    try:
        httpx.get(os.environ["CASINRA_RASA_URL"], timeout=5).raise_for_status()
    except (httpx.HTTPError, KeyError) as exc:
        pytest.fail(f"CASINRA_RASA_URL is set but Rasa does not answer: {exc}")


def texts(ws):
    return " ".join(f.get("text") or "" for f in ws.frames if f.get("type") == "message" and f.get("sender") == "bot")


def tracker(cid):
    return httpx.get(f"{os.environ['CASINRA_RASA_URL']}/conversations/{cid}/tracker",
                     params={"token": os.environ.get("CASINRA_RASA_TOKEN", "")}, timeout=10).json()


async def ask(ws, text, wait=lambda f: bot_text(f), timeout=30):
    await ws.send({"type": "message", "id": uuid.uuid4().hex, "text": text})
    return await ws.until(wait, timeout=timeout)


async def queued_item(ag, cid):
    q = await ag.until(lambda f: f.get("type") == "queue" and any(i["conversation_id"] == cid for i in f["items"]),
                       timeout=15)
    return next(i for i in q["items"] if i["conversation_id"] == cid)


def assert_labelled(item):
    """Contract ids, each with its Turkish label."""
    assert item["topic"] in TOPICS and item["topic_label"] == TOPICS[item["topic"]]
    assert item["reason"] in REASONS and item["reason_label"] == REASONS[item["reason"]]
    assert item["priority_label"] == PRIORITIES[item["priority"]]
    assert item["intent"] is None or item["intent_label"] == INTENTS[item["intent"]][1]


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
    # the hand-off: the player sees the gateway's one queue notice and the topic's label only
    queued = await ask(ws, "beni bir insana bağla", wait=is_type("state", state="queued"))
    assert queued["topic_label"] == TOPICS["payments"] and queued["priority"] is None
    await ws.until(notice(notices.QUEUED["tr"]))
    # the agent sees the contract's topic, intent and reason with their labels
    item = await queued_item(ag, cid)
    assert_labelled(item)
    assert (item["topic"], item["intent"], item["reason"]) == ("payments", "withdrawal_status", "player_request")
    assert item["summary"] and item["player"]["id"] == "P1001"
    await ag.send({"type": "claim", "conversation_id": cid})
    conv = await ag.until(is_type("conversation", conversation_id=cid), timeout=15)
    assert conv["handoff"] == {k: item[k] for k in conv["handoff"]}
    ctx = conv["context"]
    assert ctx["profile"]["id"] == "P1001"
    assert any(t["id"] == "TX-10000001" and t["amount"] == "1.500,00 TL" for t in ctx["transactions"])
    assert any(i["intent"] == "withdrawal_status" for i in ctx["intents"]), ctx["intents"]
    await ws.until(is_type("state", state="assigned"))
    # player text never reaches Rasa now: the tracker gets no new user event
    await ag.send({"type": "message", "id": "a1", "conversation_id": cid, "text": "Merhaba, çekiminizi kontrol ediyorum."})
    await ws.until(lambda f: f.get("sender") == "agent")
    await ws.send({"type": "message", "id": "p9", "text": "tamam teşekkürler"})
    await ag.until(lambda f: f.get("client_id") == "p9")
    assert not any(e.get("event") == "user" and "tamam teşekkürler" in (e.get("text") or "")
                   for e in tracker(cid)["events"])
    # resolve: the bot resumes and offers exactly the contract's rating buttons
    await ag.send({"type": "resolve", "conversation_id": cid})
    await ag.until(is_type("released", conversation_id=cid))
    rating = await ws.until(lambda f: bot_text(f) and f["buttons"], timeout=30)
    assert rating["buttons"] == rating_buttons()
    await ws.send({"type": "button", "id": "rate", "payload": rating_payload(5)})
    await ws.until(lambda f: f.get("client_id") == "rate")
    await ws.until(lambda f: bot_text(f) and f["seq"] > rating["seq"], timeout=30)
    # the bot has the chat back: it answers an ordinary question again
    await ask(ws, "çekim talebim ne durumda", wait=lambda f: bot_text(f) and "1.500,00" in f["text"])
    assert any(e.get("event") == "resume" for e in tracker(cid)["events"])
    player_frames = json.dumps(ws.frames, ensure_ascii=False)
    assert "withdrawal_status" not in player_frames and "player_request" not in player_frames
    await asyncio.sleep(1)
    engine = make_engine(os.environ["CASINRA_DB_URL"])
    with engine.connect() as c:
        row = c.execute(select(schema.chat_transcripts)
                        .where(schema.chat_transcripts.c.conversation_id == cid)).mappings().one()
        ratings = c.execute(select(schema.feedback)
                            .where(schema.feedback.c.conversation_id == cid)).mappings().all()
    engine.dispose()
    assert row["agent_username"] == "ayse" and row["topic"] == "payments"
    # the clicked rating is stored once, by the bot, with the agent and the topic
    assert [(r["kind"], r["score"], r["agent_username"], r["topic"], r["human"]) for r in ratings] == \
        [("csat", 5, "ayse", "payments", True)]
    assert "tamam teşekkürler" in row["transcript"]
    for w in (ws, ag):
        await w.close()


async def test_account_takeover_is_urgent_security_for_the_agent(start_gateway):
    gw = start_gateway(real=True)
    ag, _, _ = await agent(gw, "ayse")
    ws, welcome = await player(gw, player_token("P1002", "Elif Demir"))
    # what the player says, turn by turn, until the bot hands over (it may ask a question or two first)
    for text in ("hesabım çalındı, biri şifremi değiştirmiş",
                 "Bu sabah fark ettim, e-posta adresim değişmiş ve bakiyem boş, ben yapmadım.",
                 "işlem numarası bilmiyorum", "evet"):
        await ask(ws, text, wait=is_type("typing", sender="bot", state=False), timeout=40)
        await ws.drain(1.5)
        if any(f.get("type") == "state" and f["state"] == "queued" for f in ws.frames):
            break
    else:
        pytest.fail(f"never queued: {texts(ws)}")
    assert [f["text"] for f in ws.frames if f.get("sender") == "system"] == [notices.QUEUED["tr"]]
    item = await queued_item(ag, welcome["conversation_id"])
    assert_labelled(item)
    assert (item["topic"], item["priority"], item["priority_label"]) == ("security", "urgent", PRIORITIES["urgent"])
    for w in (ws, ag):
        await w.close()


async def test_no_agent_online_bot_offers_ticket_or_callback(start_gateway):
    gw = start_gateway(real=True)
    ws, _ = await player(gw, player_token("P1002", "Elif Demir"))
    msg = await ask(ws, "beni bir insana bağla", wait=lambda f: bot_text(f) and f["buttons"])
    assert len(msg["buttons"]) >= 2
    assert all(f.get("state") != "queued" for f in ws.frames if f.get("type") == "state")
    assert not any(f.get("sender") == "system" for f in ws.frames)  # no queue notice: nobody to queue for
    await ws.send({"type": "button", "id": "b1", "payload": msg["buttons"][0]["payload"]})
    await ws.until(lambda f: bot_text(f) and f["seq"] > msg["seq"], timeout=30)  # the bot goes on talking
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
