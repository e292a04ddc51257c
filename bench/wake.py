"""How late a sleeping process wakes on this machine: a 5-ms timer, again and again, run as its own
process next to the measured phases. Every hop of the relay is such a wake-up, so its tail bounds how
short the relay's tail can be on this machine. On a virtual machine the share of CPU time the
hypervisor gave to others (`steal` in /proc/stat) is read too: a vCPU taken away stalls every process
on it at once.

The probe's samples carry their time (CLOCK_MONOTONIC, the same clock in every process), so one probe
serves phases that take turns: each sample is counted in the phase whose window it falls in."""
from __future__ import annotations

import asyncio
import bisect
import json
import select
import sys
import time
from pathlib import Path
from typing import Any

from .stats import percentile, summary

TICK_S = 0.005
Window = tuple[float, float]  # (start, end) in time.monotonic()


def cpu_times() -> list[int] | None:
    """The machine's CPU time counters (user, nice, system, idle, iowait, irq, softirq, steal), or
    None where /proc/stat is not there."""
    try:
        with open("/proc/stat") as f:
            values = [int(x) for x in f.readline().split()[1:9]]
    except (OSError, ValueError):
        return None
    return values if len(values) == 8 else None


def stolen_pct(spent: list[int] | None) -> float | None:
    """The share of the CPU time in `spent` (counter differences) the hypervisor stole, in %."""
    if spent is None or sum(spent) <= 0:
        return None
    return round(100 * spent[7] / sum(spent), 2)


class CpuMeter:
    """CPU time counters summed over the windows of one phase."""

    def __init__(self) -> None:
        self.spent: list[int] | None = [0] * 8
        self._start: list[int] | None = None

    def start(self) -> None:
        self._start = cpu_times()

    def stop(self) -> None:
        end = cpu_times()
        if self._start is None or end is None or self.spent is None:
            self.spent = None
            return
        self.spent = [s + b - a for s, a, b in zip(self.spent, self._start, end)]

    def stolen_pct(self) -> float | None:
        return stolen_pct(self.spent)


def probe(seconds: float, stop: Any = None) -> list[tuple[float, float]]:
    """(when, how late in ms) for every wake-up, for `seconds` or until the file `stop` is readable
    (its end)."""
    samples: list[tuple[float, float]] = []
    end = time.monotonic() + seconds
    while (start := time.monotonic()) < end and not (stop is not None and select.select([stop], [], [], 0)[0]):
        time.sleep(TICK_S)
        woke = time.monotonic()
        samples.append((round(woke, 4), round((woke - start - TICK_S) * 1000, 3)))
    return samples


def within(samples: list[tuple[float, float]], windows: list[Window]) -> list[float]:
    """The lateness of the samples taken inside any of `windows`."""
    times = [t for t, _ in samples]
    out: list[float] = []
    for start, end in windows:
        out += [late for _, late in samples[bisect.bisect_left(times, start):bisect.bisect_right(times, end)]]
    return out


def late_summary(late: list[float], stolen: float | None) -> dict[str, Any]:
    return {"tick_ms": TICK_S * 1000, **summary(late), "p999_ms": round(percentile(late, 99.9), 2) if late else None,
            "stolen_pct": stolen}


class WakeProbe:
    """The probe in a process of its own, from `start` until `stop` (at most `limit_s`)."""

    async def start(self, limit_s: float) -> None:
        self.proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bench.wake", str(limit_s), stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE, cwd=Path(__file__).resolve().parent.parent)

    async def stop(self) -> list[tuple[float, float]]:
        """Its samples."""
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.close()  # the probe stops when its stdin ends
        out = await self.proc.stdout.read()
        await self.proc.wait()
        return [tuple(pair) for pair in json.loads(out)]


if __name__ == "__main__":
    print(json.dumps(probe(float(sys.argv[1]), stop=sys.stdin)))
