import asyncio

from casinra_handoff.locks import KeyedLocks


async def test_one_holder_per_key_in_order_and_nothing_left_behind():
    locks, order = KeyedLocks(), []

    async def work(key, n):
        async with locks.hold(key):
            order.append((key, n, "in"))
            await asyncio.sleep(0.01)
            order.append((key, n, "out"))

    await asyncio.gather(*(work("c1", n) for n in range(3)), work("c2", 0))
    c1 = [e for e in order if e[0] == "c1"]
    assert c1 == [("c1", n, step) for n in range(3) for step in ("in", "out")]
    assert len(locks) == 0


async def test_a_cancelled_waiter_does_not_leak_its_lock():
    locks = KeyedLocks()
    entered = asyncio.Event()

    async def holder():
        async with locks.hold("c"):
            entered.set()
            await asyncio.sleep(0.05)

    first = asyncio.create_task(holder())
    await entered.wait()
    waiter = asyncio.create_task(holder())
    await asyncio.sleep(0)
    waiter.cancel()
    await asyncio.gather(first, waiter, return_exceptions=True)
    assert len(locks) == 0
