"""Training with progress, and the candidate beside the live model (figures, per-intent deltas,
confusions with examples, the HTML report and its confusion matrix) on the fixture's models."""
from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Dict, List, Tuple

import pytest

from bot.contentkit.evaluation import evaluate, model_id
from bot.contentkit.project import Project
from bot.contentkit.training import TrainingFailed, train

from .conftest import FIXTURE, kit, result


def test_training_reports_progress_step_by_step(tmp_path: Path) -> None:
    steps: List[Tuple[float, str]] = []
    model = train(Project(FIXTURE), tmp_path, "again", lambda f, s: steps.append((f, s)))
    assert model == tmp_path / "again.tar.gz" and model.stat().st_size > 1000
    meta = json.loads((tmp_path / "again.json").read_text())
    assert meta["name"] == "again" and meta["seconds"] > 0
    fractions = [f for f, _ in steps]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    assert any("LogisticRegressionClassifier" in s for _, s in steps)
    assert steps[-1][1] == "Model hazır: again.tar.gz"
    # the number of steps is remembered for the next run's bar
    assert list(json.loads((tmp_path / ".train-steps.json").read_text()).values()) == [3]


def test_a_failed_training_says_why(tmp_path: Path) -> None:
    broken = tmp_path / "broken"
    shutil.copytree(FIXTURE, broken, ignore=shutil.ignore_patterns("recorded"))
    (broken / "config.yml").write_text("pipeline:\n  - name: NoSuchComponent\npolicies: []\n")
    with pytest.raises(TrainingFailed, match="Eğitim başarısız oldu"):
        train(Project(broken), tmp_path / "out", "broken")


@pytest.fixture(scope="module")
def bad_report(trained: Dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Tuple[dict, Path]:
    out = tmp_path_factory.mktemp("report")
    report = evaluate(Project(FIXTURE), trained["bad"], trained["v1"], out, out / "cache")
    return report, out


def figure(report: dict, name: str) -> dict:
    return next(f for f in report["figures"] if f["name"] == name)


def test_a_worse_candidate_shows_it_in_the_figures(bad_report: Tuple[dict, Path], trained: Dict[str, Path]) -> None:
    report, _ = bad_report
    assert report["candidate"]["id"] == model_id(trained["bad"]) and report["live"]["id"] == model_id(trained["v1"])
    assert report["sets"] == {"heldout": 36, "safety": 6, "not_safety": 3, "handoff_probe": 0}
    safety = figure(report, "safety_recall")
    assert safety["live"] == 1.0 and safety["candidate"] < 0.7 and safety["delta"] == safety["candidate"] - 1.0
    assert figure(report, "macro_f1")["delta"] < 0
    assert figure(report, "journey_pass_rate")["candidate"] is None  # the journeys are their own step
    fraud = next(r for r in report["per_intent"] if r["intent"] == "report_fraud")
    assert fraud["delta_f1"] < 0 and fraud["candidate"]["recall"] < fraud["live"]["recall"]
    assert report["per_intent"][0]["intent"] == "report_fraud"  # the worst change first
    confused = report["candidate"]["figures"]["confusions"][0]
    assert confused["gold"] == "report_fraud" and 0 < len(confused["examples"]) <= 3
    assert report["candidate"]["figures"]["missed_safety"]


def test_the_html_report(bad_report: Tuple[dict, Path]) -> None:
    _, out = bad_report
    html = (out / "report.html").read_text(encoding="utf-8")
    for text in ("Aday model ile canlı model", "Niyet başına kesinlik, duyarlılık ve F1", "En çok karıştırılan niyetler",
                 "Adayın yükseltmediği güvenlik mesajları", "Karışıklık matrisi", "Güvenlik mesajlarını yükseltme",
                 "<code>report_fraud</code> <span class=\"muted\">Dolandırıcılık ya da yetkisiz işlem bildirimi</span>",
                 "data:image/png;base64,", "henüz çalıştırılmadı"):
        assert text in html
    assert "<script" not in html.lower()
    assert (out / "confusion.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert json.loads((out / "report.json").read_text())["candidate"]["figures"]["confusion_matrix"]["labels"]


def test_the_same_model_changes_nothing_and_parses_are_cached(trained: Dict[str, Path], tmp_path: Path,
                                                              bad_report: Tuple[dict, Path]) -> None:
    _, out = bad_report
    report = evaluate(Project(FIXTURE), trained["v2"], trained["v1"], tmp_path, out / "cache")
    assert all(f["delta"] in (0.0, None) for f in report["figures"])
    cached = sorted(p.name.split("-")[1] for p in (out / "cache").glob("parses-*.json"))
    assert cached == sorted({model_id(trained[n]) for n in ("v1", "v2", "bad")})


def test_evaluate_through_the_cli(trained: Dict[str, Path], content_env: Dict[str, str]) -> None:
    out = kit("evaluate", "--candidate", str(trained["bad"]), "--live", str(trained["v1"]),
              "--project", str(FIXTURE), "--json", env=content_env)
    data = result(out)["result"]
    assert data["candidate"] == model_id(trained["bad"])
    assert Path(data["report"]) == Path(content_env["CASINRA_CONTENT_DIR"]) / "reports" / data["candidate"]
    assert (Path(data["report"]) / "report.html").is_file()
