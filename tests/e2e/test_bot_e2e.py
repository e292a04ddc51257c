"""The real Rasa server + action server, through the signed gateway channel."""
import json
import time

from conftest import AHMET, ELIF, GUEST, MEHMET, ZEYNEP

from casinra_contracts import topics
from casinra_contracts.handoff import Handoff
from casinra_contracts.signing import sign

# What the gateway appends when an agent resolves (docs/protocol.md).
RESUME = [{"event": "resume"}, {"event": "action", "name": "action_listen"}]


def text_of(messages):
    return "\n".join(m.get("text", "") for m in messages)


def handoff_of(messages):
    for message in messages:
        custom = message.get("custom") or {}
        if "handoff" in custom:
            return custom["handoff"]
    return None


def test_greets_a_signed_in_player_by_name(client, conversation):
    messages = client.send(conversation, "merhaba", AHMET)
    assert "Ahmet" in text_of(messages)
    assert messages[0]["buttons"]


def test_faq_answer_carries_the_facts_and_next_questions(client, conversation):
    messages = client.send(conversation, "para çekme ne kadar sürer?", GUEST)
    text = text_of(messages)
    assert "24 saat" in text and "2–5 iş günü" in text
    assert any(b["title"] for m in messages for b in m.get("buttons", []))


def test_player_sees_their_own_withdrawal(client, conversation):
    text = text_of(client.send(conversation, "çekim talebim ne durumda?", AHMET))
    assert "1.500,00 TL" in text and "TX-10000001" in text


def test_demo_players_get_their_own_answers(client, conversation):
    assert "adres" in text_of(client.send(conversation + "e", "hesap doğrulamam ne durumda", ELIF)).lower()
    assert "2.340,00 TL" in text_of(client.send(conversation + "m", "bonus çevrimimden ne kadar kaldı", MEHMET))
    assert "okunam" in text_of(client.send(conversation + "z", "kimlik doğrulamam neden reddedildi", ZEYNEP))


def test_guest_gets_no_account_data(client, conversation):
    text = text_of(client.send(conversation, "çekim talebim ne durumda?", GUEST))
    assert "1.500,00" not in text and "TX-1000" not in text
    assert "oturum" in text.lower() or "giriş" in text.lower()


def test_another_players_transaction_reveals_nothing(client, conversation):
    text = text_of(client.send(conversation, "TX-10000001 numaralı işlemim ne durumda", ELIF))
    assert "1.500,00" not in text and "beklemede" not in text


def test_handoff_payload_and_pause(client, conversation, api):
    messages = client.send(conversation, "beni bir müşteri temsilcisine bağlayın lütfen", AHMET)
    handoff = handoff_of(messages)
    assert handoff and handoff["reason"] == "player_request"
    assert Handoff.from_dict(handoff).to_dict() == handoff  # the gateway's reading keeps every field
    assert handoff["topic"] in topics.TOPICS and handoff["priority"] in topics.PRIORITIES
    assert "Ahmet Yılmaz" in handoff["summary"] and handoff["summary"].endswith(".")
    tracker = api("GET", f"/conversations/{conversation}/tracker")
    assert tracker["paused"] is True


def test_fraud_and_safety_keywords_are_urgent(client, conversation):
    handoff = None
    for text in ["hesabım çalındı, içeride benim yapmadığım çekimler var"]:
        messages = client.send(conversation, text, AHMET)
        handoff = handoff_of(messages)
    # the fraud flow asks for details first; asking for a human mid-flow is urgent
    if handoff is None:
        handoff = handoff_of(client.send(conversation, "hemen bir temsilci istiyorum", AHMET))
    assert handoff and handoff["priority"] == "urgent"
    assert (handoff["topic"], handoff["intent"]) == ("security", "report_fraud")


def test_typed_slash_command_is_plain_text(client, conversation, api):
    client.send(conversation, "/human_handoff", AHMET)
    tracker = api("GET", f"/conversations/{conversation}/tracker")
    latest = tracker["latest_message"]
    assert latest["text"] == "human_handoff"  # neutralised, then understood as text
    assert tracker["latest_message"]["intent"]["name"] != "" and "/" not in latest["text"]


def test_identity_comes_only_from_the_signed_metadata(client, conversation, api):
    client.send(conversation, "merhaba", AHMET)
    tracker = api("GET", f"/conversations/{conversation}/tracker")
    assert tracker["latest_message"]["metadata"] == {"player_id": "P1001", "player_name": "Ahmet Yılmaz"}


def test_bad_requests_get_clear_errors(client):
    body = json.dumps({"sender": "x", "message": "selam"}).encode()
    assert client.post_raw(body, signature="sha256=" + "0" * 64).status_code == 401
    old = str(int(time.time()) - 3600)
    assert client.post_raw(body, timestamp=old, signature=sign(client.secret, old, body)).status_code == 401
    assert client.post_raw(b"{not json").status_code == 400
    assert client.post_raw(json.dumps({"sender": 5, "message": "x"}).encode()).status_code == 400
    assert client.post_raw(json.dumps({"sender": "x", "message": "a" * 5000}).encode()).status_code == 413
    assert client.post_raw(json.dumps({"sender": "x", "message": "   "}).encode()).status_code == 400
    # still serving after all of that
    assert client.send("e2e-after-errors", "merhaba", GUEST)


def test_resolved_handoff_asks_for_a_rating_and_stores_it(client, conversation, api):
    client.send(conversation, "temsilciye bağla", AHMET)
    api("POST", f"/conversations/{conversation}/tracker/events", json=RESUME)
    result = api(
        "POST", f"/conversations/{conversation}/trigger_intent",
        json={"name": "EXTERNAL_handoff_resolved", "entities": {"agent_name": "Ayşe"}},
    )
    buttons = [b for m in result["messages"] for b in m.get("buttons", [])]
    assert [b["title"] for b in buttons] == ["1", "2", "3", "4", "5"]
    assert "Ayşe" in text_of(result["messages"])
    client.send(conversation, buttons[4]["payload"], AHMET, kind="button")
    tracker = api("GET", f"/conversations/{conversation}/tracker")
    assert tracker["slots"]["rating"] == "5"


def test_agents_unavailable_offers_ticket_or_callback(client, conversation, api):
    client.send(conversation, "canlı destek lütfen", GUEST)
    api("POST", f"/conversations/{conversation}/tracker/events", json=RESUME)
    result = api(
        "POST", f"/conversations/{conversation}/trigger_intent",
        json={"name": "EXTERNAL_agents_unavailable", "entities": {"reason": "out_of_hours"}},
    )
    text = text_of(result["messages"])
    assert "çalışma saatlerimizin dışındayız" in text
    payloads = {b["payload"] for m in result["messages"] for b in m.get("buttons", [])}
    assert payloads == {"/email_ticket", "/callback_request"}


def test_second_fallback_in_a_row_hands_off(client, conversation):
    first = client.send(conversation, "xqzv blorp trinkle", GUEST)
    assert "anlayamadım" in text_of(first)
    second = client.send(conversation, "zzkk wubba plim", GUEST)
    handoff = handoff_of(second)
    assert handoff and handoff["reason"] == "repeated_fallback"
