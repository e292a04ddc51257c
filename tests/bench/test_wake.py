"""bench/wake.py: the probe's samples counted per phase window, and the hypervisor's share."""
import asyncio
import time

from bench.wake import CpuMeter, WakeProbe, late_summary, probe, stolen_pct, within, work_median


def test_samples_are_counted_in_the_window_they_fall_in():
    samples = [(1.0, 0.1, 0.1), (2.0, 0.2, 0.1), (3.0, 3.0, 0.1), (4.0, 0.4, 0.1), (5.0, 5.0, 0.1)]
    assert [late for _, late, _ in within(samples, [(2.0, 3.0)])] == [0.2, 3.0]
    assert [late for _, late, _ in within(samples, [(0.0, 1.5), (3.5, 5.0)])] == [0.1, 0.4, 5.0]
    assert within(samples, [(5.5, 6.0)]) == []


def test_slow_ticks_are_counted_against_the_whole_runs_usual_work():
    baseline = [(1.0, 0.1, 0.1), (2.0, 0.1, 0.1), (3.0, 0.1, 0.5)]
    relay = [(4.0, 0.1, 0.1), (5.0, 0.1, 0.4), (6.0, 0.1, 0.2), (7.0, 0.1, 0.1)]
    usual = work_median(baseline + relay)
    assert usual == 0.1 and work_median([]) is None
    assert late_summary(baseline, None, usual)["slow_cpu_pct"] == 33.33
    assert late_summary(relay, None, usual)["slow_cpu_pct"] == 25.0
    assert late_summary(relay, None, None)["slow_cpu_pct"] is None


def test_stolen_share_is_steal_over_all_cpu_time():
    spent = [40, 0, 10, 45, 0, 0, 0, 5]  # user, nice, system, idle, iowait, irq, softirq, steal
    assert stolen_pct(spent) == 5.0
    assert stolen_pct([0] * 8) is None
    assert stolen_pct(None) is None


def test_cpu_meter_sums_its_windows(monkeypatch):
    readings = iter([[0] * 8, [10, 0, 0, 9, 0, 0, 0, 1], [10, 0, 0, 9, 0, 0, 0, 1], [20, 0, 0, 17, 0, 0, 0, 3]])
    monkeypatch.setattr("bench.wake.cpu_times", lambda: next(readings))
    meter = CpuMeter()
    for _ in range(2):
        meter.start()
        meter.stop()
    assert meter.spent == [20, 0, 0, 17, 0, 0, 0, 3]
    assert meter.stolen_pct() == 7.5


def test_a_short_probe_reports_its_wake_ups():
    samples = probe(0.05)
    assert 3 <= len(samples) <= 11
    assert all(late >= -1.0 and work > 0 for _, late, work in samples)
    summary = late_summary(samples, None, work_median(samples))
    assert summary["n"] == len(samples) and summary["tick_ms"] == 5.0 and summary["slow_cpu_pct"] is not None


async def test_the_probe_process_stops_when_told():
    started = time.monotonic()
    wake = WakeProbe()
    await wake.start(limit_s=30)
    await asyncio.sleep(0.5)
    samples = await wake.stop()
    assert time.monotonic() - started < 5
    assert samples and all(started < t < time.monotonic() for t, _, _ in samples)
