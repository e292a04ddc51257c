"""The gateway as a real process (uvicorn) on a real Redis, with the stand-in Rasa."""
import asyncio
import json
import time

import httpx
from casinra_contracts.backoffice import schema
from casinra_contracts.backoffice.engine import make_engine
from casinra_contracts.handoff import (
    EXTERNAL_AGENTS_UNAVAILABLE,
    EXTERNAL_HANDOFF_RESOLVED,
    rating_buttons,
    rating_payload,
)
from casinra_contracts.topics import INTENTS, PRIORITIES, REASONS, RISKS, TOPICS
from sqlalchemy import select

from casinra_handoff import notices

from .conftest import AGENT_PASSWORD, agent_login, is_type, open_ws, player_token


async def player(gw, token=None, **params):
    q = "&".join(f"{k}={v}" for k, v in {"token": token, **params}.items() if v is not None)
    ws = await open_ws(f"{gw.ws_url}/ws/player?{q}")
    welcome = await ws.until(is_type("welcome"))
    return ws, welcome


async def agent(gw, username="ayse"):
    token = agent_login(gw, username)
    ws = await open_ws(f"{gw.ws_url}/ws/agent?token={token}")
    hello = await ws.until(is_type("hello"))
    return ws, hello, token


def bot_text(f):
    return f.get("type") == "message" and f.get("sender") == "bot"


def notice(text):
    return lambda f: f.get("type") == "message" and f.get("sender") == "system" and f["text"] == text


def turns_of(fake_rasa, cid):
    return [b for b in fake_rasa.received if b["sender"] == cid]


async def test_health_ready_metrics_openapi(gateway):
    async with httpx.AsyncClient(base_url=gateway.url) as c:
        assert (await c.get("/healthz")).json() == {"status": "ok"}
        r = await c.get("/readyz")
        assert r.status_code == 200 and r.json()["redis"] and r.json()["rasa"]
        m = await c.get("/metrics")
        assert "casinra_queue_length" in m.text and "casinra_bot_latency_seconds" in m.text
        paths = (await c.get("/openapi.json")).json()["paths"]
        assert "/api/agents/login" in paths and "/api/queue" in paths


async def test_sockets_are_not_compressed_unless_configured(start_gateway):
    for env, offered in (({}, None), ({"CASINRA_WS_COMPRESSION": "1"}, "permessage-deflate")):
        gw = start_gateway(**env)
        ws = await open_ws(f"{gw.ws_url}/ws/player?token={player_token()}")
        await ws.until(is_type("welcome"))
        extensions = ws.conn.response.headers.get("Sec-WebSocket-Extensions")
        assert (extensions or "").split(";")[0] == (offered or ""), extensions
        await ws.close()


async def test_readyz_names_every_failing_dependency(start_gateway, fake_rasa):
    gw = start_gateway(rasa_url="http://127.0.0.1:9")
    r = httpx.get(f"{gw.url}/readyz")
    assert r.status_code == 503
    assert r.json() == {"status": "unavailable", "redis": True, "rasa": False, "actions": False, "db": True,
                        "failing": ["rasa", "actions"]}
    gw = start_gateway(CASINRA_DB_URL="sqlite:////nonexistent/folder/backoffice.db", CASINRA_DEMO="0")
    fake_rasa.actions_up = False
    try:
        r = httpx.get(f"{gw.url}/readyz")
    finally:
        fake_rasa.actions_up = True
    assert r.status_code == 503 and r.json()["failing"] == ["actions", "db"], r.json()
    assert httpx.get(f"{start_gateway().url}/readyz").json()["failing"] == []


async def test_player_bot_turn_buttons_and_identity(gateway, fake_rasa):
    ws, welcome = await player(gateway, player_token())
    assert welcome["guest"] is False and welcome["player"]["id"] == "P1001" and welcome["state"] == "bot"
    await ws.until(is_type("state", state="bot"))
    await ws.send({"type": "message", "id": "m1", "text": "çekimim nerede"})
    echo = await ws.until(lambda f: f.get("type") == "message" and f.get("client_id") == "m1")
    assert echo["sender"] == "player" and echo["seq"] == 1
    assert (await ws.until(is_type("typing", sender="bot", state=True)))
    reply = await ws.until(bot_text)
    assert reply["seq"] == 2
    sent = turns_of(fake_rasa, welcome["conversation_id"])[0]
    assert sent["metadata"] == {"player_id": "P1001", "player_name": "Ahmet Yılmaz"}
    assert sent["kind"] == "text" and sent["message_id"]
    # buttons: offered ones are accepted, others refused
    await ws.send({"type": "message", "id": "m2", "text": "bir şey"})
    reply = await ws.until(lambda f: bot_text(f) and f["buttons"])
    await ws.send({"type": "button", "id": "b1", "payload": "/hack{\"x\":1}"})
    err = await ws.until(is_type("error"))
    assert err["code"] == "invalid_button" and err["ref"] == "b1"
    await ws.send({"type": "button", "id": "b2", "payload": "/affirm"})
    echo = await ws.until(lambda f: f.get("client_id") == "b2")
    assert echo["text"] == "Evet"
    await ws.until(bot_text)
    last = turns_of(fake_rasa, welcome["conversation_id"])[-1]
    assert last["kind"] == "button" and last["message"] == "/affirm"
    await ws.close()


async def test_guest_gets_no_account_data_and_slash_is_text(gateway, fake_rasa):
    ws, welcome = await player(gateway)
    assert welcome["guest"] is True and welcome["player"] is None
    await ws.send({"type": "message", "id": "g1", "text": "çekim durumum"})
    await ws.until(bot_text)
    await ws.send({"type": "message", "id": "g2", "text": "/human_handoff"})
    await ws.until(bot_text)
    sent = turns_of(fake_rasa, welcome["conversation_id"])
    assert sent[0]["metadata"] == {}
    assert sent[1]["kind"] == "text" and sent[1]["message"] == "/human_handoff"
    await ws.close()


async def test_full_flow_handoff_claim_chat_resolve_rate(gateway, fake_rasa, backoffice_url):
    ag, hello, _ = await agent(gateway, "ayse")
    assert hello["agent"]["display_name"] == "Ayşe" and hello["conversations"] == []
    ws, welcome = await player(gateway, player_token())
    cid = welcome["conversation_id"]
    await ws.send({"type": "message", "id": "h1", "text": "çekimim nerede"})
    await ws.until(bot_text)
    await ws.send({"type": "message", "id": "h2", "text": "temsilci istiyorum, telefonum 0532 123 45 67"})
    queued = await ws.until(is_type("state", state="queued"))
    assert queued["position"] == 1 and queued["eta_seconds"] > 0
    # the player sees the topic's label, never an intent name or the priority
    assert (queued["topic"], queued["topic_label"]) == ("payments", TOPICS["payments"])
    assert queued["priority"] is None and queued["priority_label"] is None
    await ws.until(notice(notices.QUEUED["tr"]))
    q = await ag.until(lambda f: f.get("type") == "queue" and any(i["conversation_id"] == cid for i in f["items"]))
    item = next(i for i in q["items"] if i["conversation_id"] == cid)
    assert item["summary"] and item["player"]["id"] == "P1001"
    assert (item["topic"], item["topic_label"]) == ("payments", TOPICS["payments"])
    assert (item["intent"], item["intent_label"]) == ("withdrawal_status", INTENTS["withdrawal_status"][1])
    assert (item["reason"], item["reason_label"]) == ("player_request", REASONS["player_request"])
    assert (item["priority"], item["priority_label"]) == ("normal", PRIORITIES["normal"])
    assert (item["risk"], item["risk_label"], item["language"], item["references"]) == (None, None, "tr", [])
    # while queued, player text is stored but never reaches Rasa
    n_before = len(fake_rasa.received)
    await ws.send({"type": "message", "id": "h3", "text": "bekliyorum"})
    await ws.until(lambda f: f.get("client_id") == "h3")
    await ag.send({"type": "claim", "conversation_id": cid})
    conv = await ag.until(is_type("conversation", conversation_id=cid))
    assert conv["state"] == "assigned"
    texts = [m["text"] for m in conv["transcript"]]
    assert "bekliyorum" in texts and any("1.500,00" in t for t in texts)
    ctx = conv["context"]
    assert ctx["profile"]["id"] == "P1001" and ctx["profile"]["email"] == "a***@example.com"
    assert ctx["kyc"]["status"] == "approved" and ctx["kyc"]["status_label"] == "onaylandı"
    assert [t["id"] for t in ctx["transactions"]] == ["TX-10000001", "TX-10000002"]
    assert ctx["transactions"][0]["amount"] == "1.500,00 TL" and ctx["transactions"][0]["kind_label"] == "para çekme"
    assert any(i["intent"] == "withdrawal_status" and i["confidence"] for i in ctx["intents"])
    assert ctx["slots"] == {"transaction_id": "TX-10000001"}
    assert conv["handoff"] == {k: item[k] for k in conv["handoff"]}  # the same view as the queue's
    st = await ws.until(is_type("state", state="assigned"))
    assert st["agent"] == {"display_name": "Ayşe", "username": None} and st["topic_label"] == TOPICS["payments"]
    await ws.until(notice(notices.JOINED.format(name="Ayşe")))
    # chat both ways, typing both ways
    await ag.send({"type": "typing", "conversation_id": cid, "state": True})
    await ws.until(is_type("typing", sender="agent", state=True))
    await ag.send({"type": "message", "id": "a1", "conversation_id": cid, "text": "Merhaba, ben Ayşe."})
    m = await ws.until(lambda f: f.get("sender") == "agent")
    assert m["text"] == "Merhaba, ben Ayşe." and m["agent"]["display_name"] == "Ayşe"
    await ws.send({"type": "typing", "state": True})
    await ag.until(is_type("typing", conversation_id=cid, sender="player"))
    await ws.send({"type": "message", "id": "h4", "text": "Merhaba Ayşe Hanım"})
    pm = await ag.until(lambda f: f.get("type") == "message" and f.get("client_id") == "h4")
    assert pm["conversation_id"] == cid
    await ag.send({"type": "note", "id": "n1", "conversation_id": cid, "text": "iç not: çekimi kontrol et"})
    note = await ag.until(lambda f: f.get("client_id") == "n1")
    assert note["internal"] is True
    await ws.send({"type": "button", "id": "hb", "payload": "/affirm"})
    assert (await ws.until(is_type("error")))["code"] == "buttons_inactive"
    assert len(fake_rasa.received) == n_before  # nothing reached Rasa since the hand-off
    # resolve → bot resumes and asks for a rating
    await ag.send({"type": "resolve", "conversation_id": cid})
    rel = await ag.until(is_type("released", conversation_id=cid))
    assert rel["reason"] == "resolved"
    await ws.until(notice(notices.RESOLVED))
    rating = await ws.until(lambda f: bot_text(f) and f["buttons"])
    assert rating["buttons"] == rating_buttons()
    # the bot gets who resolved which hand-off on what topic: it stores the rating with them
    resolved = next(e for c, name, e in fake_rasa.triggered if c == cid and name == EXTERNAL_HANDOFF_RESOLVED)
    assert {k: resolved[k] for k in ("agent_name", "agent_username", "topic")} == \
        {"agent_name": "Ayşe", "agent_username": "ayse", "topic": "payments"}
    assert resolved["handoff_id"].startswith(cid + "@")
    await ws.until(is_type("state", state="bot"))
    frames = list(ws.frames)
    assert not any("iç not" in (f.get("text") or "") for f in frames)  # notes never reach the player
    assert not any("withdrawal_status" in json.dumps(f) for f in frames)  # nor intent names
    assert [f["text"] for f in frames if f.get("sender") == "system"].count(notices.QUEUED["tr"]) == 1
    await ws.send({"type": "button", "id": "r5", "payload": rating_payload(5)})
    await ws.until(lambda f: f.get("client_id") == "r5")
    await ws.until(bot_text)
    assert turns_of(fake_rasa, cid)[-1]["message"] == rating_payload(5)  # the bot resumed and got the rating
    # archive + audit in the back-office DB, PII masked
    await asyncio.sleep(0.5)
    engine = make_engine(backoffice_url)
    with engine.connect() as c:
        row = c.execute(select(schema.chat_transcripts)
                        .where(schema.chat_transcripts.c.conversation_id == cid)).mappings().one()
        actions = [r.action for r in c.execute(select(schema.audit_log).where(schema.audit_log.c.target == cid))]
        handoff = c.execute(select(schema.chat_handoffs)
                            .where(schema.chat_handoffs.c.conversation_id == cid)).mappings().one()
    engine.dispose()
    # the rating is the bot's to store (actions/feedback.py, the feedback table), not the gateway's
    assert row["agent_username"] == "ayse" and "rating" not in row and row["player_id"] == "P1001"
    assert handoff["handoff_id"] == resolved["handoff_id"] and handoff["agent_username"] == "ayse"
    assert handoff["queued_at"] <= handoff["first_response_at"] <= handoff["resolved_at"]
    assert (handoff["agent_messages"], handoff["topic"], handoff["reason"]) == (1, "payments", "player_request")
    assert (row["topic"], row["priority"]) == ("payments", "normal")
    transcript = json.loads(row["transcript"])
    assert any(t["internal"] for t in transcript)
    assert "123 45 67" not in row["transcript"] and "[telefon]" in row["transcript"]
    assert {"claim", "message", "note", "resolve"} <= set(actions)
    await ws.close()
    await ag.close()


async def test_safety_handoff_is_urgent_flagged_and_first_in_queue(gateway):
    ag, _, _ = await agent(gateway)
    first, w1 = await player(gateway, player_token())
    await first.send({"type": "message", "id": "n1", "text": "temsilci istiyorum"})
    await first.until(is_type("state", state="queued", position=1))
    worried, w2 = await player(gateway, player_token("P1002", "Elif Demir"))
    await worried.send({"type": "message", "id": "s1", "text": "artık dayanamıyorum"})
    st = await worried.until(is_type("state", state="queued"))
    assert st["position"] == 1 and st["topic_label"] == TOPICS["responsible_gaming"]
    await first.until(is_type("state", state="queued", position=2))  # an urgent chat goes ahead
    q = await ag.until(lambda f: f.get("type") == "queue" and len(f["items"]) == 2)
    top = q["items"][0]
    assert top["conversation_id"] == w2["conversation_id"] and top["position"] == 1
    assert (top["priority"], top["priority_label"]) == ("urgent", PRIORITIES["urgent"])
    assert (top["risk"], top["risk_label"]) == ("self_harm", RISKS["self_harm"][1])
    assert (top["reason"], top["reason_label"]) == ("safety", REASONS["safety"])
    assert q["items"][1]["intent"] == "human_handoff" and q["items"][1]["topic"] == "support"
    assert not any("self_harm" in json.dumps(f) for f in worried.frames)  # the risk flag is for agents
    for w in (first, worried, ag):
        await w.close()


async def test_double_claim_exactly_one_wins(gateway):
    a1, _, _ = await agent(gateway, "ayse")
    a2, _, _ = await agent(gateway, "burak")
    ws, welcome = await player(gateway, player_token())
    cid = welcome["conversation_id"]
    await ws.send({"type": "message", "id": "x", "text": "temsilci lütfen"})
    await ws.until(is_type("state", state="queued"))
    await asyncio.gather(a1.send({"type": "claim", "conversation_id": cid}),
                         a2.send({"type": "claim", "conversation_id": cid}))

    async def outcome(a):
        f = await a.until(lambda f: (f.get("type") == "conversation" and f["conversation_id"] == cid)
                          or (f.get("type") == "error" and f.get("conversation_id") == cid))
        return f["type"]

    results = await asyncio.gather(outcome(a1), outcome(a2))
    assert sorted(results) == ["conversation", "error"]
    loser = [a1, a2][results.index("error")]
    assert [f for f in loser.frames if f.get("type") == "error"][-1]["code"] == "not_queued"
    for w in (ws, a1, a2):
        await w.close()


async def test_reload_replays_exactly_once_in_order(gateway):
    ws, welcome = await player(gateway, player_token())
    cid = welcome["conversation_id"]
    for i in range(3):
        await ws.send({"type": "message", "id": f"r{i}", "text": f"soru {i}"})
        await ws.until(lambda f: bot_text(f) and f"soru {i}" in f["text"])
    await ws.close()
    # full reload: everything, in order
    ws2, w2 = await player(gateway, player_token(), conversation_id=cid)
    assert w2["resumed"] and w2["conversation_id"] == cid and w2["last_seq"] == 6
    replay = [f for f in await ws2.drain() if f["type"] == "message"]
    assert [f["seq"] for f in replay] == [1, 2, 3, 4, 5, 6]
    # resend of an already accepted client id is ignored (no duplicate)
    await ws2.send({"type": "message", "id": "r2", "text": "soru 2"})
    assert not [f for f in await ws2.drain(0.8) if f.get("type") == "message"]
    await ws2.close()
    # reconnect with after_seq: only what was missed
    ws3, _ = await player(gateway, player_token(), conversation_id=cid, after_seq=4)
    assert [f["seq"] for f in await ws3.drain() if f["type"] == "message"] == [5, 6]
    await ws3.close()


async def test_conversation_ownership(gateway):
    ws, welcome = await player(gateway, player_token("P1001"))
    cid = welcome["conversation_id"]
    await ws.close()
    # another player, or a guest, cannot resume it
    for token in (player_token("P1002", "Elif Demir"), None):
        q = f"conversation_id={cid}" + (f"&token={token}" if token else "")
        w = await open_ws(f"{gateway.ws_url}/ws/player?{q}")
        err = await w.recv()
        assert err["type"] == "error" and err["code"] == "forbidden"
        await asyncio.wait_for(w.conn.wait_closed(), 5)
        assert w.conn.close_code == 4403
    # unknown id → a new conversation
    ws, welcome = await player(gateway, player_token(), conversation_id="c_doesnotexist")
    assert welcome["resumed"] is False and welcome["conversation_id"] != "c_doesnotexist"
    await ws.close()


async def test_invalid_tokens(gateway):
    w = await open_ws(f"{gateway.ws_url}/ws/player?token=not-a-jwt")
    assert (await w.recv())["code"] == "invalid_token"
    await asyncio.wait_for(w.conn.wait_closed(), 5)
    assert w.conn.close_code == 4401
    w = await open_ws(f"{gateway.ws_url}/ws/player?token={player_token(ttl=-10)}")
    assert (await w.recv())["code"] == "invalid_token"
    w = await open_ws(f"{gateway.ws_url}/ws/agent?token=nope")
    assert (await w.recv())["code"] == "invalid_token"
    await asyncio.wait_for(w.conn.wait_closed(), 5)
    assert w.conn.close_code == 4401
    async with httpx.AsyncClient(base_url=gateway.url) as c:
        assert (await c.get("/api/queue")).status_code == 401
        assert (await c.get("/api/queue", headers={"Authorization": "Bearer x"})).status_code == 401
        r = await c.post("/api/agents/login", json={"username": "ayse", "password": "wrong"})
        assert r.status_code == 401
        assert (await c.post("/api/agents/login", json={"username": "ayse"})).status_code == 422
        tok = (await c.post("/api/agents/login", json={"username": "ayse", "password": AGENT_PASSWORD})).json()["token"]
        h = {"Authorization": f"Bearer {tok}"}
        assert (await c.get("/api/agents/me", headers=h)).json()["username"] == "ayse"
        listed = {a["username"]: a for a in (await c.get("/api/agents", headers=h)).json()}
        assert listed["ayse"]["languages"] == ["tr", "en"] and listed["ayse"]["online"] is False
        canned = (await c.get("/api/canned", headers=h)).json()
        assert any(r["shortcut"] == "/cekim" for t in canned for r in t["replies"])
        assert (await c.post("/api/agents/logout", headers=h)).status_code == 204
        assert (await c.get("/api/agents/me", headers=h)).status_code == 401


async def test_every_bad_input_gets_an_error_and_the_socket_stays_usable(gateway):
    ws, welcome = await player(gateway, player_token())
    await ws.drain()
    bad = [
        ("not json", "invalid_json"),
        ('{"type":"nope"}', "invalid_frame"),
        ('{"type":"message","text":"no id"}', "invalid_frame"),
        ('{"type":"message","id":"x","text":["list"]}', "invalid_frame"),
        (json.dumps({"type": "message", "id": "big", "text": "a" * 20000}), "frame_too_large"),
        (json.dumps({"type": "message", "id": "long", "text": "ğ" * 2100}, ensure_ascii=False), "text_too_long"),
        (b"\x00\x01binary", "binary_not_supported"),
        ('{"type":"message","id":"empty","text":"   "}', "empty_message"),
        ('{"type":"message","id":"att","text":"x","attachment_id":"a_nope"}', "invalid_attachment"),
    ]
    for i, (raw, code) in enumerate(bad):
        if i >= 6:  # invalid frames count against the rate limit (burst 8, then 1/s)
            await asyncio.sleep(1.05)
        await ws.send(raw)
        err = await ws.until(is_type("error"))
        assert err["code"] == code, (raw[:40], err)
        assert err["message"]
    await asyncio.sleep(1.05)
    await ws.send({"type": "ping"})
    await ws.until(is_type("pong"))
    await ws.send({"type": "message", "id": "ok1", "text": "hâlâ burada mısın"})
    await ws.until(bot_text)
    # flood → rate_limited, socket stays up, nothing accepted is lost
    for i in range(20):
        await ws.send({"type": "message", "id": f"f{i}", "text": f"flood {i}"})
    frames = await ws.drain(1.5)
    limited = [f for f in frames if f.get("type") == "error" and f["code"] == "rate_limited"]
    accepted = [f["client_id"] for f in frames if f.get("type") == "message" and f.get("sender") == "player"]
    assert limited and limited[0]["retry_after"] > 0
    assert accepted and {f["ref"] for f in limited}.isdisjoint(accepted)
    await asyncio.sleep(2)
    await ws.send({"type": "ping"})
    await ws.until(is_type("pong"))
    # agent side too
    ag, _, _ = await agent(gateway)
    for raw, code in [("{}", "invalid_frame"), ('{"type":"claim"}', "invalid_frame"),
                      ('{"type":"claim","conversation_id":"c_nope"}', "not_found"),
                      ('{"type":"message","id":"1","conversation_id":"c_x","text":"hi"}', "not_assigned"),
                      ('{"type":"resolve","conversation_id":"c_x"}', "not_assigned")]:
        await ag.send(raw)
        assert (await ag.until(is_type("error")))["code"] == code
    await ag.send({"type": "ping"})
    await ag.until(is_type("pong"))
    await ws.close()
    await ag.close()


async def test_no_agent_online_triggers_agents_unavailable(gateway, fake_rasa):
    ws, welcome = await player(gateway, player_token())
    cid = welcome["conversation_id"]
    await ws.send({"type": "message", "id": "u1", "text": "temsilci istiyorum"})
    sorry = await ws.until(lambda f: bot_text(f) and f["buttons"])
    assert (cid, EXTERNAL_AGENTS_UNAVAILABLE, {"reason": "offline"}) in fake_rasa.triggered
    assert all(f.get("state") != "queued" for f in ws.frames if f.get("type") == "state")
    assert not any(f.get("sender") == "system" for f in ws.frames)  # the bot speaks, not the gateway
    # the bot is talking again: its buttons work
    await ws.send({"type": "button", "id": "u2", "payload": sorry["buttons"][0]["payload"]})
    await ws.until(lambda f: f.get("client_id") == "u2")
    await ws.close()


async def test_out_of_hours(start_gateway, fake_rasa):
    hour = time.gmtime().tm_hour
    closed = f"{(hour + 6) % 24:02d}:00-{(hour + 7) % 24:02d}:00"  # (Istanbul is UTC+3) never now
    gw = start_gateway(CASINRA_SUPPORT_HOURS=closed)
    ag, _, _ = await agent(gw)
    ws, welcome = await player(gw, player_token())
    await ws.send({"type": "message", "id": "o1", "text": "temsilci istiyorum"})
    await ws.until(lambda f: bot_text(f) and f["buttons"])
    assert (welcome["conversation_id"], EXTERNAL_AGENTS_UNAVAILABLE, {"reason": "out_of_hours"}) in fake_rasa.triggered
    await ws.close()
    await ag.close()


async def test_queued_chat_falls_back_when_agents_leave(gateway, fake_rasa):
    ag, _, _ = await agent(gateway)
    ws, welcome = await player(gateway, player_token())
    await ws.send({"type": "message", "id": "q1", "text": "temsilci istiyorum"})
    await ws.until(is_type("state", state="queued"))
    await ag.close()
    await ws.until(is_type("state", state="bot"), timeout=12)
    await ws.until(lambda f: bot_text(f) and f["buttons"])
    assert (welcome["conversation_id"], EXTERNAL_AGENTS_UNAVAILABLE, {"reason": "offline"}) in fake_rasa.triggered


async def test_agent_reconnect_within_grace_keeps_chat_then_requeue(start_gateway):
    gateway = start_gateway(CASINRA_QUEUE_OFFLINE_GRACE_S="20")
    ag, _, token = await agent(gateway, "ayse")
    ws, welcome = await player(gateway, player_token())
    cid = welcome["conversation_id"]
    await ws.send({"type": "message", "id": "g1", "text": "temsilci istiyorum"})
    await ws.until(is_type("state", state="queued"))
    await ag.send({"type": "claim", "conversation_id": cid})
    await ag.until(is_type("conversation", conversation_id=cid))
    await ag.close()
    # back within the grace period: the chat is still ours
    ag2 = await open_ws(f"{gateway.ws_url}/ws/agent?token={token}")
    hello = await ag2.until(is_type("hello"))
    assert hello["conversations"] == [cid]
    conv = await ag2.until(is_type("conversation", conversation_id=cid))
    assert conv["state"] == "assigned"
    await ag2.close()
    # gone for longer than the grace period: re-queued at the front
    await ws.until(is_type("state", state="queued"), timeout=15)
    await ws.until(notice(notices.REQUEUED))
    burak, _, _ = await agent(gateway, "burak")
    q = await burak.until(lambda f: f.get("type") == "queue" and f["items"])
    assert q["items"][0]["conversation_id"] == cid and q["items"][0]["requeued"] is True
    await burak.close()
    await ws.close()


async def test_transfer_to_agent_and_team(gateway):
    a1, _, _ = await agent(gateway, "ayse")
    a2, _, _ = await agent(gateway, "burak")
    ws, welcome = await player(gateway, player_token())
    cid = welcome["conversation_id"]
    await ws.send({"type": "message", "id": "t1", "text": "temsilci istiyorum"})
    await ws.until(is_type("state", state="queued"))
    await a1.send({"type": "claim", "conversation_id": cid})
    await a1.until(is_type("conversation", conversation_id=cid))
    await a1.send({"type": "transfer", "conversation_id": cid, "to_agent": "burak", "note": "finans konusu"})
    assert (await a1.until(is_type("released", conversation_id=cid)))["reason"] == "transferred"
    conv = await a2.until(is_type("conversation", conversation_id=cid))
    assert conv["agent"]["username"] == "burak" and any(m["internal"] for m in conv["transcript"])
    st = await ws.until(lambda f: f.get("type") == "state" and (f.get("agent") or {}).get("display_name") == "Burak")
    await a2.send({"type": "transfer", "conversation_id": cid, "to_team": "genel"})
    await a2.until(is_type("released", conversation_id=cid))
    # a1 may still hold the queue frame from before the first claim (team None): wait for the new one
    q = await a1.until(lambda f: f.get("type") == "queue" and any(
        i["conversation_id"] == cid and i["requeued"] for i in f["items"]))
    assert next(i for i in q["items"] if i["conversation_id"] == cid)["team"] == "genel"
    await ws.until(is_type("state", state="queued"))
    for w in (ws, a1, a2):
        await w.close()


async def test_attachments(gateway):
    ws, welcome = await player(gateway, player_token())
    cid = welcome["conversation_id"]
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100
    async with httpx.AsyncClient(base_url=gateway.url) as c:
        h = {"Authorization": f"Bearer {player_token()}", "Content-Type": "image/png", "X-Filename": "kanit.png"}
        r = await c.post(f"/api/attachments?conversation_id={cid}", content=png, headers=h)
        assert r.status_code == 201, r.text
        aid = r.json()["attachment_id"]
        assert (await c.post(f"/api/attachments?conversation_id={cid}", content=b"MZ..", headers=h)).status_code == 415
        h2 = {**h, "Content-Type": "text/html"}
        assert (await c.post(f"/api/attachments?conversation_id={cid}", content=b"<b>", headers=h2)).status_code == 415
        big = b"%PDF-" + b"0" * (5 * 1024 * 1024)
        h3 = {**h, "Content-Type": "application/pdf"}
        assert (await c.post(f"/api/attachments?conversation_id={cid}", content=big, headers=h3)).status_code == 413
        other = {**h, "Authorization": f"Bearer {player_token('P1002', 'Elif')}"}
        assert (await c.post(f"/api/attachments?conversation_id={cid}", content=png, headers=other)).status_code == 403
        ag, _, atoken = await agent(gateway)
        await ws.send({"type": "message", "id": "t1", "text": "temsilci istiyorum"})
        await ws.until(is_type("state", state="queued"))
        await ws.send({"type": "message", "id": "att1", "text": "ekran görüntüsü", "attachment_id": aid})
        m = await ws.until(lambda f: f.get("client_id") == "att1")
        assert m["attachment"]["name"] == "kanit.png"
        # not downloadable before the agent owns the chat
        assert (await c.get(f"/api/attachments/{aid}?token={atoken}")).status_code == 403
        await ag.send({"type": "claim", "conversation_id": cid})
        await ag.until(is_type("conversation", conversation_id=cid))
        r = await c.get(f"/api/attachments/{aid}?token={atoken}")
        assert r.status_code == 200 and r.content == png
        assert (await c.get(f"/api/attachments/{aid}")).status_code == 401
    await ws.close()
    await ag.close()


async def test_two_gateway_processes_share_one_redis(start_gateway):
    g1 = start_gateway()
    g2 = start_gateway(prefix=g1.prefix)
    ag, _, _ = await agent(g2, "ayse")
    ws, welcome = await player(g1, player_token())
    cid = welcome["conversation_id"]
    await ws.send({"type": "message", "id": "p1", "text": "temsilci istiyorum"})
    await ws.until(is_type("state", state="queued"))
    await ag.until(lambda f: f.get("type") == "queue" and any(i["conversation_id"] == cid for i in f["items"]))
    await ag.send({"type": "claim", "conversation_id": cid})
    await ag.until(is_type("conversation", conversation_id=cid))
    await ws.until(is_type("state", state="assigned"))
    await ag.send({"type": "message", "id": "a1", "conversation_id": cid, "text": "Diğer süreçten merhaba"})
    assert (await ws.until(lambda f: f.get("sender") == "agent"))["text"] == "Diğer süreçten merhaba"
    await ws.send({"type": "message", "id": "p2", "text": "Merhaba"})
    await ag.until(lambda f: f.get("client_id") == "p2")
    # a second tab of the player on the other process sees the same history
    ws2, w2 = await player(g2, player_token(), conversation_id=cid)
    replay = [f for f in await ws2.drain() if f["type"] == "message"]
    assert [f["seq"] for f in replay] == sorted({f["seq"] for f in replay})
    assert any(f.get("client_id") == "p2" for f in replay)
    await ag.send({"type": "resolve", "conversation_id": cid})
    for w in (ws, ws2):
        await w.until(lambda f: bot_text(f) and f["buttons"])
    for w in (ws, ws2, ag):
        await w.close()


async def test_demo_endpoints(gateway, start_gateway):
    r = httpx.get(f"{gateway.url}/api/demo/players")
    assert r.status_code == 200 and {"id": "P1001", "name": "Ahmet Yılmaz"} in r.json()
    tok = httpx.post(f"{gateway.url}/api/demo/token", json={"player_id": "P1001"}).json()["token"]
    ws, welcome = await player(gateway, tok)
    assert welcome["player"]["id"] == "P1001"
    await ws.close()
    prod = start_gateway(CASINRA_DEMO="0")
    assert httpx.get(f"{prod.url}/api/demo/players").status_code == 404


async def test_bot_down_gives_error_and_system_message(gateway, fake_rasa):
    ws, _ = await player(gateway, player_token())
    fake_rasa.fail = True
    try:
        await ws.send({"type": "message", "id": "d1", "text": "merhaba"})
        err = await ws.until(is_type("error"))
        assert err["code"] == "bot_unavailable"
        sorry = await ws.until(lambda f: f.get("sender") == "system")
        assert sorry["text"] == notices.BOT_DOWN and sorry["buttons"][0]["title"] == notices.HUMAN_BUTTON[0]
    finally:
        fake_rasa.fail = False
    await ws.send({"type": "message", "id": "d2", "text": "tekrar"})
    await ws.until(bot_text)
    await ws.close()


async def test_logs_are_json_and_masked(gateway):
    ws, _ = await player(gateway, player_token())
    await ws.send({"type": "message", "id": "l1", "text": "temsilci istiyorum"})
    await ws.until(bot_text)
    await ws.close()
    log = gateway.log.read_text()
    lines = [line for line in log.splitlines() if line.startswith("{")]
    assert lines and all(json.loads(line)["level"] for line in lines)
    assert AGENT_PASSWORD not in log  # the demo agents' password is never logged
