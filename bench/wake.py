"""How late a sleeping process wakes on this machine: a 5-ms timer, again and again, run as its own
process next to a measured phase. Every hop of the relay is such a wake-up, so its tail bounds how
short the relay's tail can be on this machine. On a virtual machine the probe also reports the share
of CPU time the hypervisor gave to others meanwhile (`steal` in /proc/stat): a vCPU taken away
stalls every process on it at once."""
from __future__ import annotations

import asyncio
import json
import sys
import time
from pathlib import Path
from typing import Any

from .stats import percentile, summary

TICK_S = 0.005


def cpu_times() -> list[int] | None:
    """The machine's CPU time counters (user, nice, system, idle, iowait, irq, softirq, steal), or
    None where /proc/stat is not there."""
    try:
        with open("/proc/stat") as f:
            values = [int(x) for x in f.readline().split()[1:9]]
    except (OSError, ValueError):
        return None
    return values if len(values) == 8 else None


def stolen_pct(before: list[int] | None, after: list[int] | None) -> float | None:
    """The share of the machine's CPU time stolen by the hypervisor between two readings, in %."""
    if before is None or after is None:
        return None
    spent = [b - a for a, b in zip(before, after)]
    return round(100 * spent[7] / sum(spent), 2) if sum(spent) > 0 else None


def probe(seconds: float) -> dict[str, Any]:
    late: list[float] = []
    before = cpu_times()
    end = time.perf_counter() + seconds
    while (start := time.perf_counter()) < end:
        time.sleep(TICK_S)
        late.append((time.perf_counter() - start - TICK_S) * 1000)
    return {"tick_ms": TICK_S * 1000, **summary(late), "p999_ms": round(percentile(late, 99.9), 2) if late else None,
            "stolen_pct": stolen_pct(before, cpu_times())}


async def wake_probe(seconds: float) -> dict[str, Any]:
    """The probe in a process of its own for `seconds`: how late its wake-ups were, in ms."""
    proc = await asyncio.create_subprocess_exec(sys.executable, "-m", "bench.wake", str(seconds),
                                                stdout=asyncio.subprocess.PIPE, cwd=Path(__file__).resolve().parent.parent)
    out, _ = await proc.communicate()
    return json.loads(out)


if __name__ == "__main__":
    print(json.dumps(probe(float(sys.argv[1]))))
