"""sockets.receive_loop: what the handler reads first is read while the frame is admitted; chat
messages are counted by their handler."""
import asyncio
import json

from starlette.websockets import WebSocketDisconnect

from casinra_handoff import frames as F
from casinra_handoff.metrics import Metrics
from casinra_handoff.ratelimit import TokenBucket
from casinra_handoff.sockets import Connection, receive_loop


class ScriptedSocket:
    """The frames a client sends, then its disconnect."""

    def __init__(self, *frames: dict) -> None:
        self.inbox = [{"type": "websocket.receive", "text": json.dumps(f)} for f in frames]

    async def receive(self) -> dict:
        if self.inbox:
            return self.inbox.pop(0)
        return {"type": "websocket.disconnect", "code": 1000}


async def run(frames: list[dict], admit, read_ahead, answer=None, counted_by_handler=(), strikes=30) -> tuple[list, list]:
    conn = Connection(ScriptedSocket(*frames), Metrics(), "player", TokenBucket(100, 100),  # type: ignore[arg-type]
                      TokenBucket(1.0, strikes))
    handled: list = []

    async def handle(frame, ahead):
        handled.append((type(frame).__name__, ahead))
        return answer(frame) if answer else None

    try:
        await receive_loop(conn, F.parse_player, handle, admit=admit, read_ahead=read_ahead,
                           counted_by_handler=counted_by_handler)
    except WebSocketDisconnect:
        pass
    sent = []
    while not conn.out.empty():
        sent.append(conn.out.get_nowait())
    return handled, sent


async def test_the_read_ahead_runs_beside_the_quota_check_and_reaches_the_handler():
    both_running = asyncio.Event()
    started: list[str] = []

    async def admit(frame):
        started.append("admit")
        await asyncio.wait_for(both_running.wait(), 2)  # the read-ahead started before the quota answered
        return None

    async def load():
        started.append("read")
        both_running.set()
        return "the conversation"

    handled, sent = await run([{"type": "message", "id": "m1", "text": "merhaba"},
                               {"type": "typing", "state": True}], admit, lambda frame: load())
    assert sorted(started) == ["admit", "read"]
    # typing is a light frame: no quota round trip, nothing read ahead
    assert handled == [("PlayerMessageIn", "the conversation"), ("TypingIn", None)] and sent == []


async def test_a_refused_frame_is_not_handled_and_a_failed_read_ahead_leaves_the_reading_to_the_handler():
    calls = iter([F.error("rate_limited", retry_after=1.0), None])

    async def admit(frame):
        return next(calls)

    async def broken():
        raise ConnectionError("redis went away")

    handled, sent = await run([{"type": "message", "id": "m1", "text": "bir"},
                               {"type": "message", "id": "m2", "text": "iki"}], admit, lambda frame: broken())
    assert [e.code for e in sent] == ["rate_limited"] and sent[0].ref == "m1"
    assert handled == [("PlayerMessageIn", None)]


async def test_a_message_counted_by_its_handler_skips_the_quota_check_and_its_refusals_count_as_strikes():
    admitted: list[str] = []

    async def admit(frame):
        admitted.append(type(frame).__name__)
        return None

    def answer(frame):  # the append refused every message: over the quota
        return F.error("rate_limited", retry_after=2.0) if isinstance(frame, F.PlayerMessageIn) else None

    frames = [{"type": "message", "id": f"m{i}", "text": "selam"} for i in range(3)] + [{"type": "button", "id": "b1", "payload": "/x"}]
    handled, sent = await run(frames, admit, lambda frame: None, answer, counted_by_handler=(F.PlayerMessageIn,), strikes=2)
    assert admitted == []  # the socket ended as a flood before the button: messages never went to admit
    assert [name for name, _ in handled] == ["PlayerMessageIn"] * 3
    assert [(e.code, e.ref) for e in sent] == [("rate_limited", "m0"), ("rate_limited", "m1"), ("flood", None)]
