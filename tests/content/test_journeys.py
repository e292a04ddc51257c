"""The journeys step: a private stack (Redis, action server, Rasa, gateway) serving the model, the
project's journeys turn by turn; its figure in the report and behind the promotion guard."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Dict

from bot.contentkit.evaluation import model_id

from .conftest import FIXTURE, add_candidate, kit, result


def test_journeys_per_model_then_every_guard(trained: Dict[str, Path], start_gateway, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    content = tmp_path / "content"
    env = {"CASINRA_CONTENT_DIR": str(content), "CASINRA_REGISTRY_DIR": str(tmp_path / "registry")}
    summary = result(kit("journeys", "--model", str(trained["v1"]), "--project", str(FIXTURE), "--json", env=env))["result"]
    assert (summary["turns"], summary["turns_passed"], summary["journeys"], summary["failures"]) == (3, 3, 2, [])
    stored = json.loads((content / "cache" / f"journeys-{model_id(trained['v1'])}.json").read_text())
    assert stored["turn_share"] == 1.0
    log = (content / "journeys-stack" / "journeys.log").read_text()
    assert "test stack is up" in log and "stopped the test stack" in log

    add_candidate(content, trained["v2"], "aday-yeni")
    kit("journeys", "--model", "aday-yeni", "--project", str(FIXTURE), "--json", env=env)

    gw = start_gateway(trained["v1"])  # every guard, the journeys' too
    kit("evaluate", "--candidate", "aday-yeni", "--project", str(FIXTURE), "--json", env=env)
    report = json.loads((content / "reports" / model_id(trained["v2"]) / "report.json").read_text())
    journeys = next(f for f in report["figures"] if f["name"] == "journey_pass_rate")
    assert (journeys["candidate"], journeys["live"], journeys["delta"]) == (1.0, 1.0, 0.0)
    editor = gw.login("deniz")
    check = editor.call("GET", "/api/models/check", params={"candidate": "aday-yeni"}).json()
    assert check["ok"] and "journey_pass_rate" in check["guards"], check
    assert editor.call("POST", "/api/models/promote", json={"candidate": "aday-yeni"}).status_code == 200
