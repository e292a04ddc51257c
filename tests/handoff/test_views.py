"""The hand-off as agents see it: contract ids, each with its Turkish label."""
from casinra_contracts.handoff import Handoff
from casinra_contracts.topics import REASONS, RISKS, TOPICS

from casinra_handoff.state import Conversation
from casinra_handoff.views import handoff_view, player_ref


def test_handoff_view_labels_every_id():
    view = handoff_view(Handoff(topic="security", reason="safety", priority="urgent", risk="phishing",
                                intent="report_fraud", summary="özet", language="en", references=("DLD-1",)))
    assert view.model_dump() == {
        "topic": "security", "topic_label": TOPICS["security"],
        "intent": "report_fraud", "intent_label": "Dolandırıcılık ya da yetkisiz işlem bildirimi",
        "reason": "safety", "reason_label": REASONS["safety"], "priority": "urgent", "priority_label": "Acil",
        "risk": "phishing", "risk_label": RISKS["phishing"][1], "summary": "özet", "language": "en",
        "references": ["DLD-1"],
    }
    plain = handoff_view(Handoff())
    assert (plain.topic_label, plain.intent_label, plain.risk_label) == (TOPICS["support"], None, None)


def test_a_stored_request_is_validated_again():
    conv = Conversation(id="c_1", reason="made_up", topic="genel", priority="urgent", risk="self_harm")
    h = conv.handoff
    assert (h.topic, h.reason, h.priority, h.risk) == ("support", "bot_escalation", "urgent", "self_harm")
    assert Conversation(id="c_2").handoff is None
    assert player_ref(conv) is None and player_ref(Conversation(id="c_3", player_id="P1")).name == "P1"


async def test_an_agent_sees_chats_in_their_languages_first_within_a_priority(redis_url):
    import time
    import uuid

    import redis.asyncio as aioredis

    from casinra_handoff.keys import Keys
    from casinra_handoff.metrics import Metrics
    from casinra_handoff.presence import Presence
    from casinra_handoff.queue import Queue, score
    from casinra_handoff.state import StateStore, handoff_fields
    from casinra_handoff.views import Views

    r = aioredis.from_url(redis_url, decode_responses=True)
    keys = Keys("v" + uuid.uuid4().hex[:8])
    state, queue = StateStore(r, keys, 60), Queue(r, keys, 180)
    views = Views(state, queue, Presence(r, keys, 5), None, None, None, Metrics())
    now = time.time()
    made = {}
    for name, priority, language, at in (("tr_normal", "normal", "tr", 0), ("en_normal", "normal", "en", 1),
                                         ("tr_urgent", "urgent", "tr", 2)):
        conv = await state.create("P1", "Ahmet")
        h = Handoff(priority=priority, language=language)
        await state.transition(conv.id, state="queued", queue_op="add", score=score(priority, now + at),
                               queued_at=now + at, **handoff_fields(h))
        made[conv.id] = name
    shared = await views.queue_snapshot()
    assert [made[i.conversation_id] for i in shared.items] == ["tr_urgent", "tr_normal", "en_normal"]
    english = await views.queue_snapshot(("tr", "en"))
    assert [made[i.conversation_id] for i in english.items] == ["tr_urgent", "tr_normal", "en_normal"]
    only_english = await views.queue_snapshot(("en",))
    assert [(made[i.conversation_id], i.in_my_language) for i in only_english.items] == [
        ("tr_urgent", False), ("en_normal", True), ("tr_normal", False)]
    await r.aclose()
