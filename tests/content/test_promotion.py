"""Promotion through the gateway: a candidate worse than the live model is refused (with the
figures that fail), forcing needs a written reason and is audited, rollback puts the previous
model back. Reports come from the real evaluation of the fixture's models."""
from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Dict

from bot.contentkit.evaluation import model_id

from .conftest import FIXTURE, add_candidate, kit

GUARDS = "safety_recall,handoff_recall,macro_f1"  # the journeys have their own step (test_journeys.py)


def test_a_worse_candidate_is_refused_forcing_is_audited_rollback(trained: Dict[str, Path], start_gateway, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    gw = start_gateway(trained["v1"], CASINRA_PROMOTE_GUARDS=GUARDS)
    editor = gw.login("deniz")
    content = tmp_path / "content"
    add_candidate(content, trained["bad"], "aday-kotu")
    live, bad = model_id(trained["v1"]), model_id(trained["bad"])

    # no report yet: refused, and the page can tell why before the button
    check = editor.call("GET", "/api/models/check", params={"candidate": "aday-kotu"}).json()
    assert (check["ok"], [p["code"] for p in check["problems"]]) == (False, ["no_report"])

    # the real evaluation, through the kit, against the registry's live model
    env = {"CASINRA_CONTENT_DIR": str(content), "CASINRA_REGISTRY_DIR": str(tmp_path / "registry")}
    kit("evaluate", "--candidate", "aday-kotu", "--project", str(FIXTURE), "--json", env=env)
    report = json.loads((content / "reports" / bad / "report.json").read_text())
    assert report["live"]["id"] == live

    refused = editor.call("POST", "/api/models/promote", json={"candidate": "aday-kotu"})
    assert refused.status_code == 409
    detail = refused.json()["detail"]
    assert detail["message"] == "Aday canlıya alınmadı: korumalardan geçemedi."
    assert "safety_recall" in [p["figure"] for p in detail["problems"]]
    assert any(p["message"].startswith("Aday güvenlik mesajlarını yükseltme ölçüsünde canlı modelden kötü")
               for p in detail["problems"])
    assert editor.call("GET", "/api/models").json()["live"]["id"] == live

    no_reason = editor.call("POST", "/api/models/promote", json={"candidate": "aday-kotu", "force": True, "reason": "acil"})
    assert no_reason.status_code == 400 and "gerekçe" in no_reason.json()["detail"]

    reason = "Dolandırıcılık örnekleri yeniden yazılıyor; bu sürüm yalnızca deneme için canlıda."
    forced = editor.call("POST", "/api/models/promote", json={"candidate": "aday-kotu", "force": True, "reason": reason})
    assert forced.status_code == 200, forced.text
    assert forced.json()["entry"]["forced"] is True and forced.json()["live"]["id"] == bad
    registry = editor.call("GET", "/api/models").json()
    assert registry["live"]["id"] == bad
    assert (registry["history"][0]["action"], registry["history"][0]["reason"], registry["history"][0]["actor"]) == \
        ("promote", reason, "deniz")

    with sqlite3.connect(tmp_path / "backoffice.db") as db:
        audit = db.execute("SELECT action, actor_id, target, details FROM audit_log WHERE action LIKE 'model_%' "
                           "ORDER BY id").fetchall()
    assert [(a, actor, target) for a, actor, target, _ in audit] == [
        ("model_promote_refused", "deniz", bad), ("model_promote_forced", "deniz", bad)]
    assert json.loads(audit[1][3])["reason"] == reason

    back = editor.call("POST", "/api/models/rollback", json={})
    assert back.status_code == 200 and back.json()["live"]["id"] == live
    assert [h["action"] for h in editor.call("GET", "/api/models").json()["history"]] == ["rollback", "promote", "build"]


def test_an_agent_cannot_promote(trained: Dict[str, Path], start_gateway) -> None:  # type: ignore[no-untyped-def]
    gw = start_gateway(trained["v1"])
    agent = gw.login("ayse")
    r = agent.call("POST", "/api/models/promote", json={"candidate": "x", "force": True, "reason": "x" * 20})
    assert r.status_code == 403
