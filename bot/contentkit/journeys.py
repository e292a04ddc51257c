"""The conversation journeys (`tests/journeys/`) against a private stack that serves one model.

Slow (a whole stack: Redis, action server, Rasa, gateway; then every journey turn by turn), so it
is its own step. The stack runs on the test profile's ports plus an offset, in its own state
folder, with the model as the seed of its gateway's registry — the same path the live stack uses
to put a model live. The result is stored per model (`cache/journeys-<model id>.json`), where the
evaluation report picks it up.
"""
from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Dict, List, Optional

from casinra_contracts.stack import port_free

from .evaluation import model_id
from .progress import Progress
from .project import CODE_ROOT, Project

GW_PYTHON = CODE_ROOT / ".venv-gw" / "bin" / "python"
DEVSTACK = CODE_ROOT / "scripts" / "devstack.py"
SYSTEM_PYTHON = shutil.which("python3") or sys.executable  # devstack needs no venv
OFFSETS = (900, 950, 1900, 1950)
TEST_PORTS = (6391, 5155, 5105, 8100)


def free_offset() -> int:
    for offset in OFFSETS:
        if all(port_free(port + offset) for port in TEST_PORTS):
            return offset
    raise RuntimeError("Yolculuk yığını için boş port bulunamadı.")


def _stack_env(state: Path, offset: int, model: Path) -> Dict[str, str]:
    env = {**os.environ, "CASINRA_PORT_OFFSET": str(offset), "CASINRA_STATE_DIR": str(state),
           "CASINRA_PROFILE": "test", "CASINRA_MODEL_SEED": str(model), "CASINRA_DEMO": "1",
           # the runner logs a demo agent in for every journey: far more than a person's logins a minute
           "CASINRA_LOGIN_RATE_PER_MIN": "10000"}
    for name in ("CASINRA_REDIS_URL", "CASINRA_DB_URL", "CASINRA_RASA_URL", "CASINRA_GATEWAY_URL",
                 "CASINRA_ACTION_URL", "CASINRA_GATEWAY_PORT", "CASINRA_REGISTRY_DIR", "GATEWAY_URL"):
        env.pop(name, None)  # the private stack's own, from devstack env below
    out = subprocess.run([SYSTEM_PYTHON, str(DEVSTACK), "env", "--profile", "test"], cwd=CODE_ROOT, env=env,
                         capture_output=True, text=True, check=True).stdout
    for line in out.splitlines():
        if line.startswith("export "):
            name, _, value = line[7:].partition("=")
            env[name] = shlex.split(value)[0] if value else ""
    return env


def journey_files(project: Project) -> List[Path]:
    own = sorted(project.journeys_dir().glob("*.yml"))
    return own or sorted((CODE_ROOT / "tests" / "journeys").glob("*.yml"))


def run_journeys(project: Project, model: Path, cache_dir: Path, state: Path,
                 progress: Optional[Progress] = None) -> dict:
    step = progress or (lambda fraction, text: None)
    files = journey_files(project)
    if not files:
        raise RuntimeError("Bu projede konuşma yolculuğu yok (tests/journeys/*.yml).")
    state.mkdir(parents=True, exist_ok=True)
    env = _stack_env(state, free_offset(), model.resolve())
    log = (state / "journeys.log").open("w", encoding="utf-8")
    devstack = [SYSTEM_PYTHON, str(DEVSTACK)]
    try:
        step(0.02, "Deneme veritabanı hazırlanıyor")
        for name in ("backoffice.db", "appendonly.aof"):  # a fresh back-office and Redis every run
            (state / name).unlink(missing_ok=True)
        shutil.rmtree(state / "appendonlydir", ignore_errors=True)
        subprocess.run([str(CODE_ROOT / ".venv-bot" / "bin" / "python"), "-m", "actions.backoffice.seed", "--reset",
                        "--generate", "50"], cwd=CODE_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, check=True)
        step(0.05, "Modeli sunan deneme yığını başlatılıyor")
        subprocess.run([*devstack, "start", "--profile", "test"], cwd=CODE_ROOT, env=env, stdout=log,
                       stderr=subprocess.STDOUT, check=True)
        results: List[dict] = []
        for i, path in enumerate(files):
            step(0.2 + 0.75 * i / len(files), f"Yolculuklar: {path.name} ({i + 1}/{len(files)})")
            out = subprocess.run([str(GW_PYTHON), "-c", RUNNER, str(path)], cwd=CODE_ROOT, env=env,
                                 capture_output=True, text=True)
            log.write(out.stderr)
            if out.returncode != 0:
                raise RuntimeError(f"{path.name} çalıştırılamadı: {out.stderr.strip()[-400:]}")
            results += json.loads(out.stdout)
    finally:
        subprocess.run([*devstack, "stop", "--profile", "test"], cwd=CODE_ROOT, env=env, stdout=log,
                       stderr=subprocess.STDOUT)
        log.close()
    turns = len(results)
    passed = sum(1 for r in results if r["passed"])
    journeys = sorted({r["journey"] for r in results})
    failed = {r["journey"] for r in results if not r["passed"]}
    summary = {
        "model": model_id(model), "turns": turns, "turns_passed": passed,
        "turn_share": round(passed / turns, 4) if turns else 0.0,
        "journeys": len(journeys), "journeys_passed": len(journeys) - len(failed),
        "failures": [r for r in results if not r["passed"]],
    }
    cache_dir.mkdir(parents=True, exist_ok=True)
    (cache_dir / f"journeys-{summary['model']}.json").write_text(json.dumps(summary, ensure_ascii=False, indent=1),
                                                                 encoding="utf-8")
    step(1.0, f"{passed}/{turns} tur doğru")
    return summary


# Runs in the gateway's environment (websockets, httpx): one journeys file → its turns as JSON.
RUNNER = """
import asyncio, json, sys
from pathlib import Path
from tests.journeys.runner import Stack, load_journeys, run_journey

async def main():
    stack, out = Stack.from_env(), []
    for journey in load_journeys([Path(sys.argv[1])]):
        try:
            results = await run_journey(stack, journey)
            out += [{"journey": r.journey, "turn": r.index, "said": r.said, "passed": r.passed,
                     "problems": r.problems, "bot": r.bot_text[:300]} for r in results]
        except Exception as exc:  # one broken journey is a failed turn, not the end of the run
            out.append({"journey": journey["journey"], "turn": 0, "said": "", "passed": False,
                        "problems": [f"yolculuk yarıda kaldı: {exc}"[:300]], "bot": ""})
    print(json.dumps(out, ensure_ascii=False))

asyncio.run(main())
"""
