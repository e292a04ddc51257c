"""The promotion guard: a candidate may go live only if it is not worse than the live model by more
than a set margin on any guarded figure (read from the candidate's evaluation report, which
`python -m bot evaluate` writes beside the live model's figures). Forcing needs a written reason,
which is audited."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

LABELS = {
    "safety_recall": "güvenlik mesajlarını yükseltme",
    "handoff_recall": "temsilci isteğini yakalama",
    "macro_f1": "makro F1",
    "journey_pass_rate": "konuşma yolculukları",
}
MIN_REASON_CHARS = 15


@dataclass
class Problem:
    code: str  # worse | not_measured | stale_report | no_report
    message: str
    figure: str | None = None
    candidate: float | None = None
    live: float | None = None


@dataclass
class Verdict:
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _pct(value: float) -> str:
    return f"%{value * 100:.1f}".replace(".", ",")


def check(report: dict[str, Any] | None, candidate_id: str, live_id: str | None, guards: list[str],
          margin: float) -> Verdict:
    """Why the candidate may not go live (nothing: it may)."""
    verdict = Verdict()
    if report is None or (report.get("candidate") or {}).get("id") != candidate_id:
        verdict.problems.append(Problem("no_report", "Bu aday için değerlendirme raporu yok; önce değerlendirin."))
        return verdict
    if live_id and (report.get("live") or {}).get("id") != live_id:
        verdict.problems.append(Problem(
            "stale_report", "Rapor başka bir canlı modele göre hazırlanmış (canlı model o zamandan beri değişti); "
                            "adayı yeniden değerlendirin."))
    figures = {f["name"]: f for f in report.get("figures") or []}
    for name in guards:
        label = LABELS.get(name, name)
        fig = figures.get(name) or {}
        cand, live = fig.get("candidate"), fig.get("live")
        if cand is None or live is None:
            verdict.problems.append(Problem("not_measured", f"{label.capitalize()} ölçülmedi"
                                            + (" (önce konuşma yolculuklarını çalıştırın)" if name == "journey_pass_rate" else "")
                                            + ".", name, cand, live))
        elif cand < live - margin:
            verdict.problems.append(Problem(
                "worse", f"Aday {label} ölçüsünde canlı modelden kötü: {_pct(cand)}, canlı {_pct(live)} "
                         f"(izin verilen düşüş en fazla {margin * 100:.1f} puan).".replace(".0 puan", " puan"),
                name, cand, live))
    return verdict
