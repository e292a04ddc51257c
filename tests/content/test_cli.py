"""`python -m bot`: help in Turkish and English, the JSON protocol the gateway reads, refusals."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Dict

from .conftest import FIXTURE, kit, result


def test_help_in_turkish_and_english() -> None:
    out = kit("--help").stdout
    assert "Casinra içerik ekibinin komutları / the content team's commands." in out
    for line in ("validate     eğitim verisini denetle (dosya:satır) / validate the training data (file:line)",
                 "promote      adayı canlıya al / put a candidate live on every Rasa replica (gateway)",
                 "bu yardımı göster / show this help"):
        assert line in out
    sub = " ".join(kit("evaluate", "--help").stdout.split())
    assert "Ölçüm seti, güvenlik seti" in sub and "Held-out, safety and journeys" in sub


def test_validate_prints_for_people_and_json_for_the_gateway(tmp_path: Path) -> None:
    assert kit("validate", "--project", str(FIXTURE), "--no-rasa").stdout.strip().endswith("Eğitim verisi geçerli.")
    out = kit("validate", "--project", str(FIXTURE), "--no-rasa", "--json")
    lines = [json.loads(line) for line in out.stdout.strip().splitlines()]
    assert all("progress" in line for line in lines[:-1]) and lines[0]["progress"] <= lines[-2]["progress"] == 1.0
    assert lines[-1] == {"result": {"ok": True, "errors": 0, "warnings": 0, "problems": []}}


def test_a_refusal_is_an_error_line_and_exit_code_2(content_env: Dict[str, str]) -> None:
    out = kit("workspace", "add-example", "--intent", "greet", "--text", "merhaba", "--json", env=content_env, check=False)
    assert out.returncode == 2
    assert result(out) == {"error": "Bu cümle “greet” altında zaten var (data/nlu/smalltalk.yml:5)."}
    plain = kit("workspace", "add-example", "--intent", "greet", "--text", "merhaba", env=content_env, check=False)
    assert plain.returncode == 2 and plain.stderr.startswith("✗ Bu cümle “greet” altında zaten var")


def test_the_branch_through_the_cli(content_env: Dict[str, str]) -> None:
    added = result(kit("workspace", "add-example", "--intent", "withdrawal_info", "--text", "paramı ne zaman çekerim",
                       "--json", env=content_env))["result"]
    assert added["file"] == "data/nlu/payments.yml"
    diff = result(kit("workspace", "diff", "--json", env=content_env))["result"]
    assert "+    - paramı ne zaman çekerim" in diff["text"]
    done = result(kit("workspace", "commit", "--message", "Çekim sorusu", "--author", "Deniz", "--email", "d@c.local",
                      "--json", env=content_env))["result"]
    status = result(kit("workspace", "status", "--json", env=content_env))["result"]
    assert status["head"] == done["sha"] and status["ahead"] == 1
    info = result(kit("workspace", "info", "--json", env=content_env))["result"]
    assert "withdrawal_info" in info["intents"] and info["labels"]["withdrawal_info"] == "Para çekme hakkında bilgi"
    assert [r["name"] for r in info["responses"]][:2] == ["utter_greet", "utter_goodbye"]
