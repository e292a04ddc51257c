"""When the bot cannot answer (issue 12, defect 3): the player gets a Turkish apology with a human
and an e-mail offer within seconds, and the offered human comes without the bot."""
import time

from casinra_handoff import notices

from .conftest import is_type, player_token
from .test_gateway import agent, player


def apology(f):
    return f.get("type") == "message" and f.get("sender") == "system" and f.get("text") == notices.BOT_DOWN


async def test_action_server_down_gets_an_apology_with_a_human_offer(gateway, fake_rasa):
    ag, _, _ = await agent(gateway)
    ws, welcome = await player(gateway, player_token())
    cid = welcome["conversation_id"]
    fake_rasa.actions_up = False
    try:
        started = time.monotonic()
        await ws.send({"type": "message", "id": "a1", "text": "çekimim nerede"})
        sorry = await ws.until(apology, timeout=10)
        assert time.monotonic() - started < 5
        assert "destek@casinra.com" in sorry["text"]
        assert sorry["buttons"] == [{"title": notices.HUMAN_BUTTON[0], "payload": notices.HUMAN_BUTTON[1]}]
        # the offered human: queued by the gateway itself (the bot's actions are down)
        await ws.send({"type": "button", "id": "a2", "payload": notices.HUMAN_BUTTON[1]})
        await ws.until(is_type("state", state="queued"), timeout=10)
        q = await ag.until(lambda f: f.get("type") == "queue" and any(i["conversation_id"] == cid for i in f["items"]))
        item = next(i for i in q["items"] if i["conversation_id"] == cid)
        assert item["summary"] == notices.BOT_DOWN_SUMMARY and item["reason"] == "bot_escalation"
    finally:
        fake_rasa.actions_up = True
    await ws.close()
    await ag.close()


async def test_the_human_offer_without_agents_says_how_else_to_reach_us(gateway, fake_rasa):
    ws, _ = await player(gateway, player_token())
    fake_rasa.fail = True
    try:
        await ws.send({"type": "message", "id": "b1", "text": "merhaba"})
        await ws.until(apology, timeout=10)
        await ws.send({"type": "button", "id": "b2", "payload": notices.HUMAN_BUTTON[1]})
        await ws.until(lambda f: f.get("sender") == "system" and f.get("text") == notices.UNAVAILABLE["offline"])
    finally:
        fake_rasa.fail = False
    await ws.close()
