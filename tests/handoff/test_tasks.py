"""tasks.cancel: tasks end even when something swallows a cancellation; callers stay cancellable."""
import asyncio

import pytest
import redis.asyncio as aioredis

from casinra_handoff.tasks import cancel


async def test_cancel_stops_a_task_that_swallows_one_cancellation():
    swallowed = []

    async def stubborn():
        while True:
            try:
                await asyncio.sleep(10)
            except asyncio.CancelledError:
                if not swallowed:  # what a buggy library call does once
                    swallowed.append(True)
                    continue
                raise

    t = asyncio.create_task(stubborn())
    await asyncio.sleep(0)
    await asyncio.wait_for(cancel(t, retry_s=0.05), 2)
    assert t.cancelled() and swallowed == [True]


async def test_cancel_accepts_none_finished_and_failed_tasks():
    async def boom():
        raise ValueError("x")

    failed = asyncio.create_task(boom())
    finished = asyncio.create_task(asyncio.sleep(0))
    await asyncio.sleep(0.01)
    await cancel(None, failed, finished)
    assert failed.done() and finished.done()


async def test_the_caller_of_cancel_stays_cancellable():
    deaf_until = asyncio.Event()

    async def deaf():
        while True:
            try:
                await asyncio.sleep(10)
            except asyncio.CancelledError:
                if deaf_until.is_set():
                    raise

    t = asyncio.create_task(deaf())
    await asyncio.sleep(0)
    caller = asyncio.create_task(cancel(t, retry_s=0.05))
    await asyncio.sleep(0.2)
    caller.cancel()
    with pytest.raises(asyncio.CancelledError):
        await caller
    assert not t.done()
    deaf_until.set()
    await cancel(t)
    assert t.cancelled()


async def test_redis_commands_pass_cancellation_on(redis_url):
    """redis-py 8.0–8.1 returned normally from a cancelled command in about 3 % of cases; a
    conversation pump then kept sending frames to an agent after the hand-off had ended."""
    client = aioredis.from_url(redis_url, decode_responses=True)
    await client.hset("cancel-probe", mapping={"a": "1"})
    lost = 0
    try:
        for i in range(300):
            async def loop():
                while True:
                    await client.hgetall("cancel-probe")

            t = asyncio.create_task(loop())
            await asyncio.sleep(0.0005 * (i % 7))
            t.cancel()
            done, _ = await asyncio.wait({t}, timeout=1)
            if not done:
                lost += 1
                await cancel(t, retry_s=0.05)
                break
    finally:
        await client.delete("cancel-probe")
        await client.aclose()
    assert lost == 0
