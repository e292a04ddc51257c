"""The cluster profile, started the way `make run PROFILE=cluster` starts it (scripts/devstack.py):
HAProxy in front of two gateways and two Rasa servers sharing one Redis, the action server and a
private PostgreSQL — in its own state folder (var/tests-cluster/) on free loopback ports, so the
tests may kill its processes without touching anyone else's."""
from __future__ import annotations

import csv
import io
import json
import os
import shlex
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from casinra_contracts.stack import PROFILES, port_free

REPO = Path(__file__).resolve().parents[2]
DEVSTACK = REPO / "scripts" / "devstack.py"
MODEL = REPO / "models" / "casinra.tar.gz"
PROFILE = "cluster"
FIGURES: dict[str, Any] = {}


def record(name: str, **figures: Any) -> None:
    """Figures printed at the end of the session and kept in <state>/cluster.json."""
    FIGURES[name] = figures


def pytest_sessionfinish(session, exitstatus):  # noqa: ANN001
    if not FIGURES:
        return
    print("\n\ncluster figures:")
    for name, figures in FIGURES.items():
        print(f"  {name}: " + ", ".join(f"{k}={v}" for k, v in figures.items()))
    if Cluster.last_state:
        (Cluster.last_state / "cluster.json").write_text(json.dumps(FIGURES, indent=2, ensure_ascii=False))


def ports_free(offset: int) -> bool:
    return all(port_free(port + offset) for port in PROFILES[PROFILE].values())


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


class Cluster:
    last_state: Path | None = None

    def __init__(self, state: Path, offset: int) -> None:
        self.state, self.offset = state, offset
        base = {k: v for k, v in os.environ.items()
                if not k.startswith("CASINRA_") and k not in ("GATEWAY_URL", "PGPASSFILE")}
        self.proc_env = {**base, "CASINRA_PORT_OFFSET": str(offset), "CASINRA_STATE_DIR": str(state)}
        self.env: dict[str, str] = {}
        Cluster.last_state = state

    def port(self, service: str) -> int:
        return PROFILES[PROFILE][service] + self.offset

    @property
    def url(self) -> str:  # HAProxy: what players and agents reach
        return f"http://127.0.0.1:{self.port('gateway')}"

    @property
    def ws(self) -> str:
        return self.url.replace("http://", "ws://")

    def devstack(self, *args: str, timeout: float = 900) -> str:
        python = shutil.which("python3") or sys.executable  # devstack needs no venv
        done = subprocess.run([python, str(DEVSTACK), *args, "--profile", PROFILE], cwd=REPO, env=self.proc_env,
                              capture_output=True, text=True, timeout=timeout)
        if done.returncode:
            raise RuntimeError(f"devstack {' '.join(args)} failed:\n{done.stdout[-3000:]}{done.stderr[-3000:]}")
        return done.stdout

    def start(self) -> float:
        started = time.monotonic()
        self.devstack("start")
        took = round(time.monotonic() - started, 1)
        for line in self.devstack("env").splitlines():
            key, _, value = line.removeprefix("export ").partition("=")
            self.env[key] = shlex.split(value)[0] if value else ""
        return took

    def stop(self) -> None:
        self.devstack("stop", timeout=120)

    def pids(self) -> dict[str, int]:
        return json.loads((self.state / "pids.json").read_text())

    def kill(self, service: str) -> None:
        """SIGKILL: the process and its children vanish without a goodbye."""
        pid = self.pids()[service]
        os.killpg(pid, signal.SIGKILL)
        deadline = time.monotonic() + 10
        while alive(pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not alive(pid), f"{service} survived SIGKILL"

    def restart(self, service: str) -> float:
        started = time.monotonic()
        self.devstack("restart", "--service", service, timeout=600)
        return round(time.monotonic() - started, 1)

    def stats(self) -> dict[tuple[str, str], dict[str, str]]:
        """HAProxy's stats (CSV): (proxy, server) → row."""
        raw = httpx.get(f"http://127.0.0.1:{self.port('haproxy_admin')}/;csv", timeout=5).text
        rows = csv.DictReader(io.StringIO(raw.removeprefix("# ")))
        return {(r["pxname"], r["svname"]): r for r in rows}

    def wait_server(self, backend: str, server: str, status: str, timeout: float = 30) -> float:
        started = time.monotonic()
        while time.monotonic() - started < timeout:
            if self.stats()[(backend, server)]["status"].startswith(status):
                return round(time.monotonic() - started, 1)
            time.sleep(0.2)
        raise AssertionError(f"HAProxy never saw {backend}/{server} {status}: {self.stats()[(backend, server)]}")

    def rss_mb(self) -> dict[str, int]:
        """Resident memory of each process of the stack (with its children), in MB."""
        out: dict[str, int] = {}
        for name, pid in self.pids().items():
            total = 0
            for entry in Path("/proc").iterdir():
                if not entry.name.isdigit():
                    continue
                try:
                    if os.getpgid(int(entry.name)) != pid:
                        continue
                    status = (entry / "status").read_text()
                except (OSError, ProcessLookupError):
                    continue
                for line in status.splitlines():
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
            out[name] = total // 1024
        return out


@pytest.fixture(scope="session")
def cluster() -> Any:
    if not MODEL.exists() or not (REPO / ".venv-bot" / "bin" / "rasa").exists():
        pytest.skip("the cluster tests need .venv-bot and a trained model (make train)")
    if not (shutil.which("haproxy") or Path("/usr/sbin/haproxy").exists()):
        pytest.skip("the cluster tests need Debian's haproxy (make install)")
    state = REPO / "var" / "tests-cluster"  # below var/: the postgres user must reach its data folder
    offset = next((o for o in range(100, 1000, 10) if ports_free(o)), None)
    if offset is None:
        pytest.skip("no free set of ports for the cluster profile")
    c = Cluster(state, offset)
    if (state / "pids.json").exists():
        c.stop()  # a run that was interrupted
    shutil.rmtree(state, ignore_errors=True)
    try:
        took = c.start()
        record("start", seconds=took, rss_mb=c.rss_mb())
        yield c
    finally:
        c.stop()
