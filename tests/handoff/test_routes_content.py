"""The content API on a real gateway that runs the real content kit (the bot's environment) on the
fixture project in a temporary Git repository: edits, diff, commit with the editor's name, audit,
one long job at a time."""
from __future__ import annotations

import shutil
import sqlite3
import subprocess
import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from .conftest import REPO, agent_login

FIXTURE = REPO / "tests" / "content" / "fixture"


@pytest.fixture
def editor(start_gateway: Any, tmp_path: Path, backoffice_url: str) -> Any:
    if not (REPO / ".venv-bot" / "bin" / "python").exists():
        pytest.skip("the bot's environment (.venv-bot) is not installed")
    repo = tmp_path / "repo"
    shutil.copytree(FIXTURE, repo, ignore=shutil.ignore_patterns("recorded"))
    for cmd in (["init", "-q", "-b", "main"], ["add", "-A"],
                ["-c", "user.name=T", "-c", "user.email=t@example.com", "commit", "-qm", "fixture"]):
        subprocess.run(["git", *cmd], cwd=repo, check=True, capture_output=True)
    db = tmp_path / "bo.db"
    shutil.copyfile(backoffice_url.removeprefix("sqlite:///"), db)
    gw = start_gateway(db_url=f"sqlite:///{db}", CASINRA_CONTENT_REPO=str(repo),
                       CASINRA_CONTENT_DIR=str(tmp_path / "content"), CASINRA_REGISTRY_DIR=str(tmp_path / "registry"),
                       CASINRA_MODEL_SEED=str(tmp_path / "none.tar.gz"))
    client = httpx.Client(base_url=gw.url, headers={"Authorization": f"Bearer {agent_login(gw, 'deniz')}"}, timeout=120)
    yield client, repo, db
    client.close()


def test_edit_diff_commit_as_the_editor(editor: Any) -> None:
    client, repo, db = editor
    info = client.get("/api/content/workspace/info").json()
    assert "report_fraud" in info["intents"] and info["labels"]["report_fraud"].startswith("Dolandırıcılık")
    added = client.post("/api/content/examples", json={"intent": "report_fraud", "text": "hesabımda bilmediğim bir giriş var"})
    assert added.status_code == 200 and added.json()["file"] == "data/nlu/security.yml"
    refused = client.post("/api/content/examples", json={"intent": "report_fraud", "text": "hesabım çalındı"})
    assert refused.status_code == 400 and refused.json()["detail"].startswith("Bu cümle “report_fraud” altında zaten var")
    edited = client.post("/api/content/responses", json={"response": "utter_goodbye", "text": "Hoşça kalın!"})
    assert edited.status_code == 200
    diff = client.get("/api/content/workspace/diff").json()
    assert diff["changed"] == ["data/nlu/security.yml", "domain.yml"]
    done = client.post("/api/content/commit", json={"message": "Dolandırıcılık örneği, kısa veda"}).json()
    log = subprocess.run(["git", "log", "-1", "--format=%an <%ae>|%s", "content"], cwd=repo, capture_output=True,
                         text=True).stdout.strip()
    assert log == "Deniz <deniz@casinra.local>|Dolandırıcılık örneği, kısa veda"
    status = client.get("/api/content/workspace").json()
    assert (status["head"], status["ahead"], status["changed"]) == (done["sha"], 1, [])
    with sqlite3.connect(db) as c:
        actions = [r[0] for r in c.execute("SELECT action FROM audit_log WHERE actor_id = 'deniz' ORDER BY id")]
    assert actions[-3:] == ["content_example_added", "content_response_edited", "content_commit"]


def test_one_long_job_at_a_time(editor: Any) -> None:
    client, _, _ = editor
    first = client.post("/api/content/jobs", json={"kind": "validate"})
    assert first.status_code == 202 and first.json()["state"] == "running"
    second = client.post("/api/content/jobs", json={"kind": "train"})
    assert second.status_code == 409 and second.json()["detail"].startswith("Şu anda Doğrulama")
    deadline = time.time() + 120
    job = first.json()
    while job["state"] == "running" and time.time() < deadline:
        time.sleep(0.5)
        job = client.get(f"/api/content/jobs/{job['id']}").json()
    assert job["state"] == "done", job
    assert job["result"] == {"ok": True, "errors": 0, "warnings": 0, "problems": []}
    assert client.get("/api/content/jobs").json()[0]["id"] == job["id"]
    assert client.post("/api/content/jobs", json={"kind": "evaluate", "model": "live"}).status_code == 400
