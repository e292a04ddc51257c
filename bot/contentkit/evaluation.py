"""The candidate beside the live model on the project's evaluation sets.

Sets: the held-out intents (`tests/nlu/heldout.yml`), the safety set (`tests/nlu/safety.yml`: what
must escalate and what must not), the hand-off requests of the shared probe, and — when the
journeys step has run for both models — the conversation journeys. Parses are cached per model
(its content hash) and set, so the live model is parsed once, not at every comparison.

Figures (0–1, higher is better unless said): `macro_f1`, `accuracy`, `handoff_recall`,
`safety_recall`, `false_alarm_rate` (lower is better), `journey_pass_rate`.
"""
from __future__ import annotations

import gc
import hashlib
import json
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

import yaml

from casinra_contracts.pii import mask_text

from bot.escalation import escalates
from bot.evaluation import Example, load_heldout, load_probe, score

from .progress import Progress
from .project import Project

FIGURES = {  # name → (Turkish label, higher is better)
    "macro_f1": ("Makro F1 (ölçüm seti)", True),
    "accuracy": ("Doğruluk (ölçüm seti)", True),
    "handoff_recall": ("Temsilci isteğini yakalama", True),
    "safety_recall": ("Güvenlik mesajlarını yükseltme", True),
    "false_alarm_rate": ("Yanlış güvenlik alarmı", False),
    "journey_pass_rate": ("Konuşma yolculukları (doğru tur payı)", True),
}


@dataclass
class EvalSets:
    heldout: List[Example] = field(default_factory=list)
    safety: List[Tuple[str, str]] = field(default_factory=list)  # (text, risk)
    not_safety: List[Tuple[str, str]] = field(default_factory=list)  # (text, intent)
    handoff_probe: List[str] = field(default_factory=list)

    def texts(self) -> List[str]:
        seen = dict.fromkeys([e.text for e in self.heldout] + [t for t, _ in self.safety]
                             + [t for t, _ in self.not_safety] + self.handoff_probe)
        return list(seen)

    def digest(self) -> str:
        return hashlib.sha256("\n".join(self.texts()).encode()).hexdigest()[:12]

    def sizes(self) -> Dict[str, int]:
        return {"heldout": len(self.heldout), "safety": len(self.safety), "not_safety": len(self.not_safety),
                "handoff_probe": len(self.handoff_probe)}


def load_sets(project: Project) -> EvalSets:
    sets = EvalSets()
    if project.heldout_file().is_file():
        sets.heldout = load_heldout(project.heldout_file())
    if project.safety_file().is_file():
        data = yaml.safe_load(project.safety_file().read_text(encoding="utf-8")) or {}
        sets.safety = [(t, risk) for risk, texts in (data.get("safety") or {}).items() for t in texts or []]
        sets.not_safety = [(t, intent) for intent, texts in (data.get("not_safety") or {}).items() for t in texts or []]
    for folder in project.eval_dirs:
        for path in sorted(folder.glob("*.tsv")):
            sets.handoff_probe += [e.text for e in load_probe(path) if "human_handoff" in e.expected]
    return sets


def model_id(path: Path) -> str:
    """The model's content hash: the registry's id and the ETag Rasa keeps."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()[:16]


def parse_all(model: Path, texts: Sequence[str], cache_dir: Path, digest: str, label: str,
              progress: Progress, span: Tuple[float, float]) -> Dict[str, dict]:
    """text → {intent, confidence, ranking (top three), safety} with this model (cached)."""
    cache = cache_dir / f"parses-{model_id(model)}-{digest}.json"
    if cache.is_file():
        progress(span[1], f"{label}: önceki ölçüm kullanılıyor")
        return json.loads(cache.read_text(encoding="utf-8"))
    import logging

    from rasa.utils.log_utils import configure_structlog

    from bot.evaluation import ModelParser

    configure_structlog(logging.WARNING)  # Rasa logs every parse at debug level otherwise
    progress(span[0], f"{label} yükleniyor")
    parser = ModelParser(str(model))
    out: Dict[str, dict] = {}
    for i, text in enumerate(texts):
        parsed = parser.parse(text)
        ranking = parsed.get("intent_ranking") or []
        out[text] = {
            "intent": (parsed.get("intent") or {}).get("name"),
            "confidence": round(float((parsed.get("intent") or {}).get("confidence") or 0.0), 4),
            "ranking": [{"name": r.get("name"), "confidence": round(float(r.get("confidence") or 0), 4)}
                        for r in ranking[:3]],
            "safety": parsed.get("safety"),
        }
        if i % 50 == 0:
            progress(span[0] + (span[1] - span[0]) * i / max(1, len(texts)), f"{label}: {i}/{len(texts)} cümle")
    del parser
    gc.collect()
    cache_dir.mkdir(parents=True, exist_ok=True)
    cache.write_text(json.dumps(out, ensure_ascii=False), encoding="utf-8")
    return out


def figures(sets: EvalSets, parses: Dict[str, dict]) -> dict:
    """Every figure of one model, with per-intent scores, confusions and their examples."""
    predicted = [parses[e.text]["intent"] or "" for e in sets.heldout]
    scores = score(sets.heldout, predicted)
    handoff = [parses[e.text]["intent"] == "human_handoff" for e in sets.heldout if "human_handoff" in e.expected]
    handoff += [parses[t]["intent"] == "human_handoff" for t in sets.handoff_probe]
    per_risk: Dict[str, List[bool]] = defaultdict(list)
    for text, risk in sets.safety:
        per_risk[risk].append(escalates(parses[text]))
    safety = [hit for hits in per_risk.values() for hit in hits]
    alarms = [escalates(parses[t]) for t, _ in sets.not_safety]
    examples: Dict[Tuple[str, str], List[str]] = defaultdict(list)
    for text, gold, guess in scores.errors:
        if len(examples[(gold, guess)]) < 3:  # shown in the report: masked like everything shown
            examples[(gold, guess)].append(mask_text(text))
    out = {
        "macro_f1": scores.macro_f1 if sets.heldout else None,
        "accuracy": scores.accuracy if sets.heldout else None,
        "handoff_recall": sum(handoff) / len(handoff) if handoff else None,
        "safety_recall": sum(safety) / len(safety) if safety else None,
        "false_alarm_rate": sum(alarms) / len(alarms) if alarms else None,
        "per_risk": {risk: sum(h) / len(h) for risk, h in per_risk.items()},
        "per_intent": scores.per_intent,
        "confusions": [{"gold": g, "predicted": p, "count": n, "examples": examples[(g, p)]}
                       for (g, p), n in scores.confusions.most_common()],
        "missed_safety": [mask_text(t) for t, _ in sets.safety if not escalates(parses[t])][:20],
        "false_alarms": [mask_text(t) for t, _ in sets.not_safety if escalates(parses[t])][:20],
        "confusion_matrix": _matrix(sets.heldout, predicted),
    }
    return out


def _matrix(examples: Sequence[Example], predicted: Sequence[str]) -> dict:
    labels = sorted({e.expected[0] for e in examples} | set(predicted))
    index = {label: i for i, label in enumerate(labels)}
    cells = Counter()
    for example, guess in zip(examples, predicted):
        gold = guess if guess in example.expected else example.expected[0]
        cells[(index[gold], index[guess])] += 1
    return {"labels": labels, "cells": [[i, j, n] for (i, j), n in sorted(cells.items())]}


def journeys_figure(cache_dir: Path, mid: str) -> Optional[dict]:
    """The journeys step's result for this model, if it has run (`journeys.py`)."""
    path = cache_dir / f"journeys-{mid}.json"
    if not path.is_file():
        return None
    return json.loads(path.read_text(encoding="utf-8"))


def evaluate(project: Project, candidate: Path, live: Path, out_dir: Path, cache_dir: Path,
             progress: Optional[Progress] = None) -> dict:
    """Both models on every set → the report's data (`report.json`); `report.py` draws it."""
    from .report import write_report
    from .training import git_commit

    step = progress or (lambda fraction, text: None)
    sets = load_sets(project)
    texts = sets.texts()
    step(0.01, f"{len(texts)} değerlendirme cümlesi")
    sides = {}
    for label, model, span in (("Canlı model", live, (0.02, 0.45)), ("Aday model", candidate, (0.47, 0.9))):
        parses = parse_all(model, texts, cache_dir, sets.digest(), label, step, span)
        mid = model_id(model)
        figs = figures(sets, parses)
        journeys = journeys_figure(cache_dir, mid)
        figs["journey_pass_rate"] = journeys.get("turn_share") if journeys else None
        sides[label] = {"id": mid, "file": model.name, "figures": figs, "journeys": journeys}
    cand, live_side = sides["Aday model"], sides["Canlı model"]
    report = {
        "created_at": time.time(),
        "project": {"root": str(project.root), "commit": git_commit(project.root)},
        "sets": sets.sizes(),
        "candidate": cand,
        "live": live_side,
        "figures": [
            {"name": name, "label": label, "higher_is_better": better,
             "candidate": cand["figures"].get(name), "live": live_side["figures"].get(name),
             "delta": (None if cand["figures"].get(name) is None or live_side["figures"].get(name) is None
                       else cand["figures"][name] - live_side["figures"][name])}
            for name, (label, better) in FIGURES.items()
        ],
        "per_intent": _per_intent(cand["figures"]["per_intent"], live_side["figures"]["per_intent"]),
    }
    step(0.93, "Rapor yazılıyor")
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "report.json").write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    write_report(report, out_dir)
    step(1.0, "Rapor hazır")
    return report


def _per_intent(candidate: dict, live: dict) -> List[dict]:
    rows = []
    for intent in sorted(set(candidate) | set(live)):
        c, l = candidate.get(intent), live.get(intent)
        rows.append({"intent": intent, "candidate": c, "live": l,
                     "delta_f1": (c["f1"] - l["f1"]) if c and l else None})
    return sorted(rows, key=lambda r: (r["delta_f1"] if r["delta_f1"] is not None else 0, r["intent"]))
