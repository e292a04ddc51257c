"""Rasa's model pull (token, ETag, 304) and the editor-only content and model API, on a real gateway."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from casinra_handoff.registry import content_id

from .conftest import AGENT_PASSWORD, RASA_TOKEN, agent_login


@pytest.fixture
def seeded(start_gateway: Any, tmp_path: Path) -> Any:
    seed = tmp_path / "casinra.tar.gz"
    seed.write_bytes(b"a model, as far as this test is concerned" * 100)
    gw = start_gateway(CASINRA_MODEL_SEED=str(seed), CASINRA_REGISTRY_DIR=str(tmp_path / "registry"),
                       CASINRA_CONTENT_DIR=str(tmp_path / "content"))
    return gw, content_id(seed)


def test_rasa_pulls_the_live_model_with_an_etag(seeded: Any) -> None:
    gw, mid = seeded
    url = f"{gw.url}/api/models/live"
    assert httpx.get(url).status_code == 401
    assert httpx.get(url, headers={"Authorization": "Bearer wrong"}).status_code == 401
    auth = {"Authorization": f"Bearer {RASA_TOKEN}"}
    first = httpx.get(url, headers={**auth, "If-None-Match": "a-random-fingerprint"})
    assert first.status_code == 200
    assert (first.headers["etag"], first.headers["filename"]) == (f'"{mid}"', f"{mid}.tar.gz")
    assert content_id_of(first.content) == mid
    for etag in (f'"{mid}"', mid, f'W/"{mid}"'):
        again = httpx.get(url, headers={**auth, "If-None-Match": etag})
        assert (again.status_code, again.content) == (304, b"")


def content_id_of(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()[:16]


def test_no_live_model_is_a_404(start_gateway: Any, tmp_path: Path) -> None:
    gw = start_gateway(CASINRA_MODEL_SEED=str(tmp_path / "none.tar.gz"), CASINRA_REGISTRY_DIR=str(tmp_path / "reg"))
    r = httpx.get(f"{gw.url}/api/models/live", headers={"Authorization": f"Bearer {RASA_TOKEN}"})
    assert r.status_code == 404


def test_the_editor_role_travels_with_the_login(seeded: Any) -> None:
    gw, _ = seeded
    r = httpx.post(f"{gw.url}/api/agents/login", json={"username": "deniz", "password": AGENT_PASSWORD})
    assert r.json()["agent"] == {"username": "deniz", "display_name": "Deniz", "team": "içerik", "role": "editor", "languages": ["tr"]}
    me = httpx.get(f"{gw.url}/api/agents/me", headers={"Authorization": f"Bearer {r.json()['token']}"}).json()
    assert me["role"] == "editor"
    agent = httpx.post(f"{gw.url}/api/agents/login", json={"username": "ayse", "password": AGENT_PASSWORD}).json()
    assert agent["agent"]["role"] == "agent"


@pytest.mark.parametrize("method, path", [
    ("GET", "/api/models"), ("GET", "/api/models/replicas"), ("POST", "/api/models/rollback"),
    ("GET", "/api/content/inbox"), ("GET", "/api/content/workspace/diff"), ("POST", "/api/content/jobs"),
    ("GET", "/api/content/candidates"),
])
def test_agents_do_not_reach_the_content_api(seeded: Any, method: str, path: str) -> None:
    gw, _ = seeded
    headers = {"Authorization": f"Bearer {agent_login(gw)}"}
    r = httpx.request(method, gw.url + path, headers=headers, json={"kind": "train"} if method == "POST" else None)
    assert (r.status_code, r.json()["detail"]) == (403, "Bu bölüm yalnızca içerik editörleri içindir.")
    assert httpx.request(method, gw.url + path).status_code == 401


def test_the_registry_for_editors(seeded: Any) -> None:
    gw, mid = seeded
    token = agent_login(gw, "deniz")
    headers = {"Authorization": f"Bearer {token}"}
    registry = httpx.get(f"{gw.url}/api/models", headers=headers).json()
    assert registry["live"]["id"] == mid and registry["live"]["source"] == "build"
    assert [(h["action"], h["model"]) for h in registry["history"]] == [("build", mid)]
    replicas = httpx.get(f"{gw.url}/api/models/replicas", headers=headers).json()
    assert replicas["live"] == mid and replicas["replicas"][0]["live"] is False  # the fake Rasa has no such model
    rollback = httpx.post(f"{gw.url}/api/models/rollback", headers=headers, json={})
    assert (rollback.status_code, rollback.json()["detail"]) == (404, "Dönülecek bir önceki model yok.")
    missing = httpx.get(f"{gw.url}/api/models/check", params={"candidate": "aday-yok"}, headers=headers)
    assert (missing.status_code, missing.json()["detail"]) == (404, "“aday-yok” adında eğitilmiş bir aday yok.")
    bad_name = httpx.post(f"{gw.url}/api/models/promote", headers=headers, json={"candidate": "../../etc/passwd"})
    assert bad_name.status_code == 400
