"""The gateway channel processes a turn once per message id (issue 12, defect 4): a gateway that
resends a turn after a crash gets the first answer back, and the bot sees one turn. Real Redis."""
import asyncio
import json
import shutil
import socket
import subprocess
import time
import uuid
from types import SimpleNamespace

import pytest
from rasa.core.channels.channel import UserMessage

from bot.channel import CasinraGatewayInput, TurnLedger
from casinra_contracts.signing import signed_headers

SECRET = "ledger-test-secret"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def redis_url():
    exe = shutil.which("redis-server")
    if not exe:
        pytest.skip("no redis-server")
    port = free_port()
    proc = subprocess.Popen([exe, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
                            stdout=subprocess.DEVNULL)
    for _ in range(100):
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                break
        time.sleep(0.05)
    yield f"redis://127.0.0.1:{port}/0"
    proc.terminate()
    proc.wait(5)


def webhook(channel, on_new_message):
    bp = channel.blueprint(on_new_message)
    return next(r.handler for r in bp._future_routes if r.uri == "/webhook")


def post(body: dict):
    raw = json.dumps(body).encode()
    return SimpleNamespace(body=raw, headers=signed_headers(SECRET, raw))


def test_a_repeated_turn_gets_the_first_answer_and_reaches_the_bot_once(redis_url):
    seen: list[str] = []

    async def bot(message: UserMessage) -> None:
        seen.append(message.message_id)
        await asyncio.sleep(0.3)  # the repeat arrives while the first is still at the bot
        await message.output_channel.send_text_message(message.sender_id, f"yanıt {len(seen)}")

    async def scenario():
        handler = webhook(CasinraGatewayInput(SECRET, TurnLedger(redis_url)), bot)
        mid = f"c_{uuid.uuid4().hex}:1"
        body = {"sender": "c1", "message": "merhaba", "kind": "text", "message_id": mid, "metadata": {}}
        first, repeat = await asyncio.gather(handler(post(body)), handler(post(body)))
        later = await handler(post(body))
        return mid, [json.loads(r.body) for r in (first, repeat, later)], [r.status for r in (first, repeat, later)]

    mid, answers, statuses = asyncio.run(scenario())
    assert statuses == [200, 200, 200]
    assert seen == [mid]  # one turn at the bot
    texts = [[m["text"] for m in a["messages"]] for a in answers]
    assert texts == [["yanıt 1"]] * 3


def test_a_failed_turn_releases_its_id(redis_url):
    calls = []

    async def bot(message: UserMessage) -> None:
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("tracker store unavailable")
        await message.output_channel.send_text_message(message.sender_id, "tamam")

    async def scenario():
        handler = webhook(CasinraGatewayInput(SECRET, TurnLedger(redis_url)), bot)
        body = {"sender": "c2", "message": "selam", "kind": "text", "message_id": f"c_{uuid.uuid4().hex}:1",
                "metadata": {}}
        with pytest.raises(RuntimeError):
            await handler(post(body))
        return json.loads((await handler(post(body))).body)

    assert asyncio.run(scenario())["messages"][0]["text"] == "tamam"
    assert len(calls) == 2
