"""The project's journeys (tests/journeys, the lead's runner) through the bench stack's HAProxy, on
the fresh stack before any load: the share of bot turns handled right, and whether every safety
journey escalated (issue 10)."""
from __future__ import annotations

import importlib.util
import sys
from typing import Any

from .stack import REPO, BenchStack

RUNNER = REPO / "tests" / "journeys" / "runner.py"


def _runner() -> Any:
    spec = importlib.util.spec_from_file_location("casinra_journeys_runner", RUNNER)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module


async def journeys(stack: BenchStack) -> dict[str, Any]:
    if not RUNNER.exists():
        return {"skipped": "tests/journeys/runner.py is not there"}
    runner = _runner()
    env = stack.env
    target = runner.Stack(gateway=env["CASINRA_GATEWAY_URL"], rasa=env["CASINRA_RASA_URL"],
                          rasa_token=env["CASINRA_RASA_TOKEN"], jwt_secret=env["CASINRA_JWT_SECRET"],
                          agent_password=env["CASINRA_DEMO_AGENT_PASSWORD"])
    loaded = runner.load_journeys()
    results = await runner.run_all(loaded, target)
    outcome = runner.summary(results)
    safety = {j["journey"] for j in loaded if j.get("file") == "safety.yml"}
    failed = {r.journey for r in results if not r.passed}
    outcome["safety_journeys"] = len(safety)
    outcome["safety_journeys_passed"] = len(safety - failed)
    outcome["failures"] = outcome["failures"][:20]
    return outcome
