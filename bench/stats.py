"""Percentiles and ratios, the same way for every figure."""
from __future__ import annotations

import math
from typing import Iterable


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (q in 0–100) of an already measured sample."""
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[rank - 1]


def summary(ms: Iterable[float]) -> dict[str, float]:
    values = list(ms)
    if not values:
        return {"n": 0}
    return {"n": len(values), "p50_ms": round(percentile(values, 50), 2), "p95_ms": round(percentile(values, 95), 2),
            "p99_ms": round(percentile(values, 99), 2), "mean_ms": round(sum(values) / len(values), 2),
            "max_ms": round(max(values), 2)}


def ratio(measured: float | None, baseline: float | None) -> float | None:
    if not measured or not baseline:
        return None
    return round(measured / baseline, 3)
