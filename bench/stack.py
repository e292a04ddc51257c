"""The bench profile: the cluster layout on its own ports and state folder (var/bench/), started
fresh by scripts/devstack.py with two kinds of quota raised — those counted per client IP (every
synthetic client comes from 127.0.0.1) and per identity (one demo agent carries every relayed chat)
— but still checked: a limit of 0 would skip their Redis round trip. Everything else is default."""
from __future__ import annotations

import json
import os
import shlex
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
from casinra_contracts.stack import PROFILES, port_free

REPO = Path(__file__).resolve().parent.parent
DEVSTACK = REPO / "scripts" / "devstack.py"
PROFILE = "bench"
# raised, not switched off: the per-IP counters still run on every frame
QUOTAS = {
    "CASINRA_QUOTA_FRAMES_PER_MIN_IP": "100000000",
    "CASINRA_QUOTA_FRAMES_PER_MIN_WHO": "100000000",
    "CASINRA_QUOTA_SOCKETS_PER_MIN_IP": "100000000",
    "CASINRA_QUOTA_GUEST_CONVERSATIONS_PER_HOUR_IP": "100000000",
    "CASINRA_LOGIN_RATE_PER_MIN": "1000",
}
TICKS = os.sysconf("SC_CLK_TCK")
# kept from the caller's environment: where the bench stack runs (a port offset and a state folder of
# its own beside another stack) and which model it serves (a copy that cannot change under it)
KEPT = ("CASINRA_PORT_OFFSET", "CASINRA_STATE_DIR", "CASINRA_MODEL_SEED")


class BenchStack:
    def __init__(self) -> None:
        kept = {k: os.environ[k] for k in KEPT if os.environ.get(k)}
        self.state = Path(kept.get("CASINRA_STATE_DIR") or REPO / "var" / PROFILE)
        self.offset = int(kept.get("CASINRA_PORT_OFFSET") or 0)
        base = {k: v for k, v in os.environ.items()
                if not k.startswith("CASINRA_") and k not in ("GATEWAY_URL", "PGPASSFILE")}
        self.proc_env = {**base, **QUOTAS, **kept, "CASINRA_STATE_DIR": str(self.state)}
        self.env: dict[str, str] = {}
        self.startup_s = 0.0

    # life cycle -----------------------------------------------------------------------------
    def devstack(self, *args: str, timeout: float = 900) -> str:
        python = shutil.which("python3") or sys.executable
        done = subprocess.run([python, str(DEVSTACK), *args, "--profile", PROFILE], cwd=REPO, env=self.proc_env,
                              capture_output=True, text=True, timeout=timeout)
        if done.returncode:
            raise RuntimeError(f"devstack {' '.join(args)} failed:\n{done.stdout[-3000:]}{done.stderr[-3000:]}")
        return done.stdout

    def start(self) -> None:
        if (self.state / "pids.json").exists():
            self.devstack("stop", timeout=120)
        busy = [f"{name} :{self.port(name)}" for name in PROFILES[PROFILE] if not port_free(self.port(name))]
        if busy:
            raise SystemExit(f"the bench profile's ports are taken: {', '.join(busy)}")
        shutil.rmtree(self.state, ignore_errors=True)  # a fresh stack: empty Redis, new database, the build's model
        started = time.monotonic()
        self.devstack("start")
        self.startup_s = round(time.monotonic() - started, 1)
        for line in self.devstack("env").splitlines():
            key, _, value = line.removeprefix("export ").partition("=")
            self.env[key] = shlex.split(value)[0] if value else ""

    def stop(self) -> None:
        self.devstack("stop", timeout=120)

    # where things are -----------------------------------------------------------------------
    def port(self, service: str) -> int:
        return PROFILES[PROFILE][service] + self.offset

    def http(self, service: str) -> str:
        return f"http://127.0.0.1:{self.port(service)}"

    def ws(self, service: str) -> str:
        return f"ws://127.0.0.1:{self.port(service)}"

    def pids(self) -> dict[str, int]:
        return json.loads((self.state / "pids.json").read_text())

    # HAProxy --------------------------------------------------------------------------------
    def haproxy(self, command: str) -> str:
        """One command of HAProxy's runtime API (its admin socket in the state folder)."""
        with socket.socket(socket.AF_UNIX) as sock:
            sock.connect(str(self.state / "haproxy.sock"))
            sock.sendall(command.encode() + b"\n")
            chunks = []
            while chunk := sock.recv(65536):
                chunks.append(chunk)
        return b"".join(chunks).decode()

    def server_status(self, backend: str, server: str) -> str:
        raw = httpx.get(f"{self.http('haproxy_admin')}/;csv", timeout=5).text.removeprefix("# ")
        header, *rows = raw.splitlines()
        names = header.split(",")
        for row in rows:
            cells = dict(zip(names, row.split(",")))
            if cells["pxname"] == backend and cells["svname"] == server:
                return cells["status"]
        raise KeyError(f"{backend}/{server}")

    def rasa_replicas(self, count: int) -> None:
        """Serve player turns with one Rasa server (rasa_b in maintenance, its backup entry too) or both."""
        for server in ("rasa_b", "rasa_b_alive"):
            self.haproxy(f"{'enable' if count == 2 else 'disable'} server rasa/{server}")
        want = "UP" if count == 2 else "MAINT"
        deadline = time.monotonic() + 30
        while not self.server_status("rasa", "rasa_b").startswith(want):
            if time.monotonic() > deadline:
                raise RuntimeError(f"rasa/rasa_b never became {want}")
            time.sleep(0.2)

    # processes ------------------------------------------------------------------------------
    def groups(self) -> dict[str, list[int]]:
        """Every process of each service (its process group: PostgreSQL's backends too)."""
        by_group: dict[int, list[int]] = {}
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    by_group.setdefault(os.getpgid(int(entry.name)), []).append(int(entry.name))
                except OSError:
                    pass
        return {name: by_group.get(pid, []) for name, pid in self.pids().items()}

    def cpu_seconds(self) -> dict[str, float]:
        """User + system CPU time used so far by each service, and by this load generator."""
        out: dict[str, float] = {}
        for name, pids in self.groups().items():
            total = 0
            for pid in pids:
                try:
                    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                    total += int(fields[11]) + int(fields[12])
                except (OSError, IndexError, ValueError):
                    pass
            out[name] = total / TICKS
        usage = os.times()
        out["load generator"] = usage.user + usage.system
        return out

    def rss_kb(self, service: str) -> int:
        """Resident memory of the service's main process (kB)."""
        status = Path(f"/proc/{self.pids()[service]}/status").read_text()
        return next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:"))

    def rss_mb(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for name, pids in self.groups().items():
            total = 0
            for pid in pids:
                try:
                    status = Path(f"/proc/{pid}/status").read_text()
                    total += next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:"))
                except (OSError, StopIteration):
                    pass
            out[name] = total // 1024
        return out


def cpu_share(before: dict[str, float], after: dict[str, float], wall_s: float) -> dict[str, float]:
    """CPU used per process during a phase, in cores (1.0 = one core busy the whole time)."""
    shares = {name: round((after.get(name, 0) - before.get(name, 0)) / wall_s, 2) for name in after}
    shares["total"] = round(sum(shares.values()), 2)
    return shares
