"""The same tests against the memory backend and a real Redis."""
import asyncio

import pytest

from casinra_handoff.pubsub import MemoryPubSub, RedisPubSub


@pytest.fixture(params=["memory", "redis"])
async def bus(request, redis_url):
    b = MemoryPubSub() if request.param == "memory" else RedisPubSub(redis_url)
    await b.connect()
    yield b
    await b.disconnect()


async def test_publish_subscribe(bus):
    async with bus.subscribe("t:chan1") as sub:
        await bus.publish("t:chan1", "a")
        await bus.publish("t:chan1", "b")
        assert await sub.get(2) == "a"
        assert await sub.get(2) == "b"


async def test_channels_are_separate_and_fan_out(bus):
    async with bus.subscribe("t:x") as s1, bus.subscribe("t:x") as s2, bus.subscribe("t:y") as s3:
        await bus.publish("t:x", "hello")
        assert await s1.get(2) == "hello"
        assert await s2.get(2) == "hello"
        assert await s3.get(0.3) is None


async def test_unsubscribe_on_exit(bus):
    async with bus.subscribe("t:z") as sub:
        pass
    await bus.publish("t:z", "late")
    assert sub.queue.empty()


async def test_async_iteration_ends_on_disconnect(bus):
    got = []

    async def reader():
        async with bus.subscribe("t:it") as sub:
            async for m in sub:
                got.append(m)
                if len(got) == 3:
                    return

    task = asyncio.create_task(reader())
    await asyncio.sleep(0.2)
    for i in range(3):
        await bus.publish("t:it", str(i))
    await asyncio.wait_for(task, 3)
    assert got == ["0", "1", "2"]


async def test_two_redis_connections_fan_out(redis_url):
    a, b = RedisPubSub(redis_url), RedisPubSub(redis_url)
    await a.connect()
    await b.connect()
    try:
        async with b.subscribe("t:cross") as sub:
            await a.publish("t:cross", "from-a")
            assert await sub.get(2) == "from-a"
    finally:
        await a.disconnect()
        await b.disconnect()
