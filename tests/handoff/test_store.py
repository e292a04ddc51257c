"""State machine, history and queue on a real Redis."""
import asyncio
import time
import uuid

import pytest
import redis.asyncio as aioredis
from casinra_contracts.handoff import Handoff

from casinra_handoff.frames import BusHistory, MessageOut, parse_bus
from casinra_handoff.history import Appended, History, ReplayCursor
from casinra_handoff.keys import Keys
from casinra_handoff.presence import Presence
from casinra_handoff.queue import Queue, score
from casinra_handoff.quota import Take
from casinra_handoff.state import StateStore, handoff_fields


@pytest.fixture
async def r(redis_url):
    client = aioredis.from_url(redis_url, decode_responses=True)
    yield client
    await client.aclose()


@pytest.fixture
def keys():
    return Keys("u" + uuid.uuid4().hex[:8])


def msg(text, sender="bot"):
    return MessageOut(sender=sender, text=text, ts=time.time())


async def test_history_seq_and_replay(r, keys):
    h = History(r, keys, 60)
    for i in range(5):
        done = await h.append("c1", msg(f"m{i}"))
        assert (done.seq, done.new) == (i + 1, True)
    await h.append("c1", msg("not"), visibility="agents")
    assert [e.frame.text for e in await h.read("c1", 3)] == ["m3", "m4"]
    assert [e.seq for e in await h.read("c1", 0, include_internal=True)] == [1, 2, 3, 4, 5, 6]
    assert await h.last_seq("c1") == 6


async def test_history_client_id_once(r, keys):
    h = History(r, keys, 60)
    assert await h.append("c2", msg("a", "player"), client_key="p:1") == Appended(seq=1, new=True)
    assert await h.append("c2", msg("a", "player"), client_key="p:1") == Appended(seq=1, new=False)
    assert len(await h.read("c2")) == 1


async def test_an_append_is_stored_and_announced_in_one_step(r, keys):
    h = History(r, keys, 60)
    channel = keys.ch_conv("c9")
    sub = r.pubsub()
    await sub.subscribe(channel)
    await sub.get_message(timeout=1)  # the subscribe confirmation
    assert await h.append("c9", msg("selam", "player"), client_key="p:1", announce_on=channel) == Appended(1, True)
    assert await h.append("c9", msg("not", "agent"), visibility="agents", announce_on=channel) == Appended(2, True)
    assert await h.append("c9", msg("selam", "player"), client_key="p:1", announce_on=channel) == Appended(1, False)
    got = []
    while (m := await sub.get_message(ignore_subscribe_messages=True, timeout=0.5)) is not None:
        got.append(parse_bus(m["data"]))
    await sub.aclose()
    # a repeat is announced no more than it is stored; the seq is written by the script
    assert [(ev.seq, ev.frame.seq, ev.visibility, ev.frame.internal, ev.frame.text) for ev in got] == [
        (1, 1, "all", False, "selam"), (2, 2, "agents", True, "not")]
    assert all(isinstance(ev, BusHistory) and ev.conversation_id == "c9" == ev.frame.conversation_id for ev in got)


async def test_a_chat_message_is_counted_and_checked_in_its_own_append(r, keys):
    """A message's quota, its conversation and its bot turn are settled in the append's one round
    trip; a refused message stores, counts and announces nothing."""
    h, st = History(r, keys, 60), StateStore(r, keys, 60)
    conv = await st.create("P1", "Ali")
    quota = Take([keys.quota("frames-who:P1:0")], [1, 2, 60])  # two frames a minute
    turn = '{"cid": "%s", "message": "selam", "kind": "text"}' % conv.id
    first = await h.append(conv.id, msg("selam", "player"), client_key="p:1", turn=turn,
                           turn_states=("bot", "resolved"), must_exist=True, quota=quota)
    assert first == Appended(seq=1, new=True, turn=True)
    assert await r.hget(keys.outbox, f"{conv.id}:1") == turn
    # a resend is counted, not stored again, and starts no second turn
    assert await h.append(conv.id, msg("selam", "player"), client_key="p:1", turn=turn,
                          turn_states=("bot",), must_exist=True, quota=quota) == Appended(seq=1, new=False)
    limited = await h.append(conv.id, msg("bir daha", "player"), client_key="p:2", must_exist=True, quota=quota)
    assert limited.refused == "rate_limited" and not limited.new and 0 < limited.retry_after <= 60
    assert await h.append("c_" + "0" * 32, msg("kim?", "player"), must_exist=True) == Appended(refused="not_found")
    # an agent's message needs the conversation assigned to that agent
    assert (await h.append(conv.id, msg("merhaba", "agent"), assigned_to="ayse")).refused == "not_assigned"
    await r.hset(keys.conv(conv.id), mapping={"state": "assigned", "agent": "ayse"})
    assert (await h.append(conv.id, msg("merhaba", "agent"), assigned_to="mehmet")).refused == "not_assigned"
    assert await h.append(conv.id, msg("merhaba", "agent"), client_key="a:1", assigned_to="ayse") == Appended(2, True)
    # while an agent has the chat, the player's message starts no bot turn
    assert await h.append(conv.id, msg("tamam", "player"), turn=turn, turn_states=("bot", "resolved"),
                          must_exist=True) == Appended(seq=3, new=True, turn=False)
    assert await h.last_seq(conv.id) == 3
    assert [e.frame.text for e in await h.read(conv.id)] == ["selam", "merhaba", "tamam"]


async def test_concurrent_appends_get_unique_ordered_seqs(r, keys):
    h = History(r, keys, 60)
    seqs = await asyncio.gather(*(h.append("c3", msg(str(i))) for i in range(50)))
    assert sorted(done.seq for done in seqs) == list(range(1, 51))
    assert [e.seq for e in await h.read("c3")] == list(range(1, 51))


async def test_replay_cursor_exactly_once_in_order(r, keys):
    h = History(r, keys, 60)
    frames = {}
    for i in range(6):
        vis = "agents" if i == 2 else "all"
        seq = (await h.append("c4", msg(f"m{i}"), visibility=vis)).seq
        frames[seq] = (msg(f"m{i}").model_copy(update={"seq": seq}), vis)
    cur = ReplayCursor(h, "c4", 1, include_internal=False)
    out = []
    # out of order, duplicated and with a gap (seq 3 is internal, never published to players)
    for s in [2, 5, 4, 2, 6, 5]:
        f, vis = frames[s]
        out += [x.seq for x in await cur.admit(s, f, vis)]
    assert out == [2, 4, 5, 6]


async def test_claim_is_atomic(r, keys):
    st = StateStore(r, keys, 60)
    conv = await st.create("P1", "Ahmet")
    ok = await st.transition(conv.id, expect=("bot",), queue_op="add", score=score("normal", time.time()),
                             state="queued", priority="normal", queued_at=time.time())
    assert ok

    async def claim(agent):
        return await st.transition(conv.id, expect=("queued",), require_queued=True, queue_op="rem",
                                   assigned_op="add", state="assigned", agent=agent)

    results = await asyncio.gather(*(claim(f"a{i}") for i in range(20)))
    assert results.count(True) == 1
    got = await st.get(conv.id)
    assert got.state == "assigned" and got.agent == f"a{results.index(True)}"
    assert await r.zcard(keys.queue) == 0 and await st.assigned_ids() == [conv.id]


async def test_get_many_reads_conversations_in_the_order_asked(r, keys):
    st = StateStore(r, keys, 60)
    a, b = await st.create("P1", "Ahmet"), await st.create("P2", "Zeynep")
    got = await st.get_many([b.id, "c_missing", a.id])
    assert [c.player_id if c else None for c in got] == ["P2", None, "P1"]
    assert got[0] == await st.get(b.id) and await st.get_many([]) == []


async def test_transition_rejects_wrong_state_and_agent(r, keys):
    st = StateStore(r, keys, 60)
    conv = await st.create(None, None)
    assert not await st.transition(conv.id, expect=("assigned",), state="resolved")
    await st.transition(conv.id, state="assigned", agent="ayse", assigned_op="add")
    assert not await st.transition(conv.id, expect=("assigned",), expect_agent="burak", state="resolved")
    assert await st.transition(conv.id, expect=("assigned",), expect_agent="ayse", state="resolved", agent=None)
    got = await st.get(conv.id)
    assert got.state == "resolved" and got.agent is None
    assert not await st.transition("c_missing", state="bot")


async def test_queue_order_priority_then_time_and_front(r, keys):
    q = Queue(r, keys, 180)
    now = time.time()
    await r.zadd(keys.queue, {"n1": score("normal", now), "u1": score("urgent", now + 5),
                              "h1": score("high", now + 1), "n2": score("normal", now + 2),
                              "n0": score("normal", now + 10, front=True)})
    assert await q.ids() == ["u1", "h1", "n0", "n1", "n2"]
    assert await q.position("n1") == 4 and await q.position("zz") is None
    assert await q.eta(4, 2) == 2 * 180
    await q.record_handle_time(60)
    await q.record_handle_time(120)
    assert await q.eta(1, 1) == 90


async def test_presence(r, keys):
    p = Presence(r, keys, 0.5)
    await p.heartbeat("ayse", "c1")
    await p.heartbeat("ayse", "c2")
    await p.heartbeat("burak", "c3")
    assert await p.online() == {"ayse", "burak"}
    await p.leave("burak", "c3")
    await p.leave("ayse", "c1")
    assert await p.online() == {"ayse"}
    await asyncio.sleep(0.6)
    assert await p.online() == set()


async def test_buttons_offered(r, keys):
    st = StateStore(r, keys, 60)
    conv = await st.create(None, None)
    await st.offer_buttons(conv.id, [("Evet", "/affirm")])
    assert await st.offered_title(conv.id, "/affirm") == "Evet"
    assert await st.offered_title(conv.id, "/deny") is None


async def test_a_handoff_request_is_stored_with_the_conversation(r, keys):
    st = StateStore(r, keys, 60)
    conv = await st.create("P1", "Ahmet")
    assert conv.handoff is None
    h = Handoff(topic="bonus", reason="dispute", priority="high", summary="özet", intent="bonus_dispute",
                language="en", references=("TK-1", "DLD-2"))
    assert await st.transition(conv.id, state="queued", **handoff_fields(h))
    got = await st.get(conv.id)
    assert got.handoff == h and got.references == ["TK-1", "DLD-2"]
    # a later request without risk or intent clears the earlier values
    assert await st.transition(conv.id, **handoff_fields(Handoff(reason="player_request")))
    assert (await st.get(conv.id)).handoff == Handoff(reason="player_request")


async def test_unattended_queue_time_is_shared_and_cleared(r, keys):
    q = Queue(r, keys, 180)
    assert await q.unattended_since(100.0) == 100.0
    assert await q.unattended_since(130.0) == 100.0  # the first replica's time wins
    await q.attended()
    assert await q.unattended_since(140.0) == 140.0
