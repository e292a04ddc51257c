"""How late a sleeping process wakes on this machine: a 5-ms timer, again and again, run as its own
process next to the measured phases. Every hop of the relay is such a wake-up, so its tail bounds how
short the relay's tail can be on this machine. On a virtual machine the share of CPU time the
hypervisor gave to others (`steal` in /proc/stat) is read too: a vCPU taken away stalls every process
on it at once. At each wake-up the probe also times a fixed small piece of work: when the host slows a
vCPU down (a neighbour on the same core, a vCPU run only in part) without reporting it as steal, that
work takes several times its usual time, in whichever phase it happens.

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
SLOW = 3.0  # a tick's work is "slow" at this many times the run's median
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


def _work() -> int:
    """About 0.15 ms of pure CPU on the bench machine: the same instructions every time."""
    total = 0
    for i in range(2000):
        total += i * i
    return total


Sample = tuple[float, float, float]  # (when, woke how late in ms, the fixed work took ms)


def probe(seconds: float, stop: Any = None) -> list[Sample]:
    """A sample for every wake-up, for `seconds` or until the file `stop` is readable (its end)."""
    samples: list[Sample] = []
    end = time.monotonic() + seconds
    while (start := time.monotonic()) < end and not (stop is not None and select.select([stop], [], [], 0)[0]):
        time.sleep(TICK_S)
        woke = time.monotonic()
        _work()
        samples.append((round(woke, 4), round((woke - start - TICK_S) * 1000, 3), round((time.monotonic() - woke) * 1000, 4)))
    return samples


def within(samples: list[Sample], windows: list[Window]) -> list[Sample]:
    """The samples taken inside any of `windows`."""
    times = [t for t, _, _ in samples]
    out: list[Sample] = []
    for start, end in windows:
        out += samples[bisect.bisect_left(times, start):bisect.bisect_right(times, end)]
    return out


def work_median(samples: list[Sample]) -> float | None:
    """The fixed work's usual time over the whole run (every phase), the yardstick of `late_summary`."""
    return percentile([w for _, _, w in samples], 50) if samples else None


def late_summary(samples: list[Sample], stolen: float | None, usual_work_ms: float | None = None) -> dict[str, Any]:
    """How late the wake-ups of one phase were, the hypervisor's reported share, and in how many of
    its ticks the fixed work took `SLOW` times its usual time (`slow_cpu_pct`)."""
    late = [late for _, late, _ in samples]
    slow = None
    if samples and usual_work_ms:
        slow = round(100 * sum(1 for _, _, w in samples if w >= SLOW * usual_work_ms) / len(samples), 2)
    return {"tick_ms": TICK_S * 1000, **summary(late), "p999_ms": round(percentile(late, 99.9), 2) if late else None,
            "stolen_pct": stolen, "work_ms": round(usual_work_ms, 4) if usual_work_ms else None, "slow_cpu_pct": slow}


class WakeProbe:
    """The probe in a process of its own, from `start` until `stop` (at most `limit_s`)."""

    async def start(self, limit_s: float) -> None:
        self.proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bench.wake", str(limit_s), stdin=asyncio.subprocess.PIPE,
            stdout=asyncio.subprocess.PIPE, cwd=Path(__file__).resolve().parent.parent)

    async def stop(self) -> list[Sample]:
        """Its samples."""
        assert self.proc.stdin is not None and self.proc.stdout is not None
        self.proc.stdin.close()  # the probe stops when its stdin ends
        out = await self.proc.stdout.read()
        await self.proc.wait()
        return [tuple(sample) for sample in json.loads(out)]  # type: ignore[misc]


if __name__ == "__main__":
    print(json.dumps(probe(float(sys.argv[1]), stop=sys.stdin)))
