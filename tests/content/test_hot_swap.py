"""A promotion reaches every Rasa replica without a failed request.

Two real Rasa servers on the project's endpoints.yml pull their model from the gateway's registry
(ETag); a client keeps talking to both while the candidate is promoted through the API. Afterwards
both answer with the new model, and not one request failed on the way."""
from __future__ import annotations

import json
import threading
import time
from pathlib import Path
from typing import Dict, List, Tuple

import requests

from bot.contentkit.evaluation import model_id

from .conftest import FIXTURE, add_candidate, free_port, kit, rasa_model, wait_http

NEW_GREETING = "Merhaba! Yeni modelden selamlar"
OLD_GREETING = "Merhaba! Casinra Destek'e hoş geldiniz"


class Client(threading.Thread):
    """Says "merhaba" to one replica again and again, each time as a new player."""

    def __init__(self, url: str) -> None:
        super().__init__(daemon=True)
        self.url = url
        self.stop = threading.Event()
        self.answers: List[Tuple[float, str]] = []
        self.failures: List[str] = []

    def run(self) -> None:
        n = 0
        while not self.stop.is_set():
            n += 1
            try:
                r = requests.post(f"{self.url}/webhooks/rest/webhook", json={"sender": f"swap-{id(self)}-{n}",
                                                                            "message": "merhaba"}, timeout=60)
                texts = [m.get("text") or "" for m in r.json()] if r.status_code == 200 else []
                if r.status_code != 200 or not texts:
                    self.failures.append(f"{r.status_code}: {r.text[:200]}")
                else:
                    self.answers.append((time.monotonic(), texts[0]))
            except (requests.RequestException, ValueError) as exc:
                self.failures.append(repr(exc))
            time.sleep(0.05)


def test_a_promotion_reaches_both_replicas_with_no_failed_request(trained: Dict[str, Path], start_gateway, start_rasa,
                                                                   tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    ports = [free_port(), free_port()]
    urls = [f"http://127.0.0.1:{p}" for p in ports]
    gw = start_gateway(trained["v1"], rasa_urls=urls, CASINRA_PROMOTE_GUARDS="safety_recall,handoff_recall,macro_f1")
    replicas = [start_rasa(gw.url, port) for port in ports]
    old, new = model_id(trained["v1"]), model_id(trained["v2"])
    for rasa in replicas:
        wait_http(f"{rasa.url}/status?token=content-test-rasa-token", 240,
                  ok=lambda status, body: status == 200 and bool(json.loads(body).get("model_file")),
                  proc=rasa.proc, log=rasa.log)
        assert rasa_model(rasa) == old

    content = tmp_path / "content"
    add_candidate(content, trained["v2"], "aday-yeni")
    kit("evaluate", "--candidate", "aday-yeni", "--project", str(FIXTURE), "--json",
        env={"CASINRA_CONTENT_DIR": str(content), "CASINRA_REGISTRY_DIR": str(tmp_path / "registry")})

    clients = [Client(rasa.url) for rasa in replicas]
    for c in clients:
        c.start()
    time.sleep(3)
    editor = gw.login("deniz")
    promoted = editor.call("POST", "/api/models/promote", json={"candidate": "aday-yeni"})
    assert promoted.status_code == 200, promoted.text
    switched = time.monotonic()

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and any(rasa_model(r) != new for r in replicas):
        time.sleep(0.5)
    assert [rasa_model(r) for r in replicas] == [new, new]
    settled = time.monotonic()
    time.sleep(3)
    for c in clients:
        c.stop.set()
    for c in clients:
        c.join(70)

    for c in clients:
        assert c.failures == [], c.failures
        before = [text for at, text in c.answers if at < switched]
        after = [text for at, text in c.answers if at > settled]
        assert before and all(t.startswith(OLD_GREETING) for t in before)
        assert after and all(t.startswith(NEW_GREETING) for t in after), after[:3]
    for rasa in replicas:  # the new model was loaded beside the old one, not in the event loop
        assert f'Now serving the pulled model "{new}"' in rasa.log.read_text(errors="replace")
    status = editor.call("GET", "/api/models/replicas").json()
    assert [(r["model_id"], r["live"]) for r in status["replicas"]] == [(new, True), (new, True)]
