"""What the figures ran on: CPU, cores, memory, kernel, versions, and how busy the machine was."""
from __future__ import annotations

import os
import platform
import re
import subprocess
import time
from pathlib import Path


def _first(pattern: str, text: str) -> str:
    found = re.search(pattern, text, re.M)
    return found.group(1).strip() if found else ""


def _version(cmd: list[str]) -> str:
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=10)
        return (out.stdout or out.stderr).strip().splitlines()[0]
    except (OSError, IndexError, subprocess.TimeoutExpired):
        return ""


def describe(bot_python: Path) -> dict[str, object]:
    cpuinfo = Path("/proc/cpuinfo").read_text(errors="replace") if Path("/proc/cpuinfo").exists() else ""
    meminfo = Path("/proc/meminfo").read_text() if Path("/proc/meminfo").exists() else ""
    mem_kb = int(_first(r"^MemTotal:\s+(\d+)", meminfo) or 0)
    return {
        "date": time.strftime("%Y-%m-%d %H:%M %Z"),
        "cpu": _first(r"^model name\s*:\s*(.+)$", cpuinfo) or platform.processor(),
        "cores": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "memory_gb": round(mem_kb / 1024 / 1024, 1),
        "kernel": platform.release(),
        "python_gateway": platform.python_version(),
        "python_bot": _version([str(bot_python), "--version"]),
        "haproxy": _version(["haproxy", "-v"]) or _version(["/usr/sbin/haproxy", "-v"]),
        "redis": _version(["redis-server", "--version"]),
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }
