"""`make validate` and `make report` for the running checkout (the full kit: `python -m bot --help`).

    python -m bot.content validate          # Rasa's checks plus ours, Turkish messages with file:line
    python -m bot.content report [--model models/casinra.tar.gz]

`validate()`, `training_examples()`, `key()` and `MIN_EXAMPLES` are what the data tests use.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Dict, List, Tuple

from bot.contentkit import checks
from bot.contentkit.project import MIN_EXAMPLES, Project  # noqa: F401  (re-exported for tests)
from bot.contentkit.report import confusion_png as _confusion_png

ROOT = Path(__file__).resolve().parent.parent
key = checks.key


def training_examples() -> List[Tuple[str, str]]:
    """(text, intent) of every training example; retrieval examples under their base intent."""
    return [(e.text, e.base_intent) for e in Project(ROOT).examples()]


def validate(run_rasa: bool = True) -> List[str]:
    """The errors of every check (warnings left out), each as `file:line: message`."""
    return [str(p) for p in checks.errors(checks.validate(Project(ROOT), run_rasa=run_rasa))]


def report(model: str, out: Path) -> Dict[str, float]:
    from bot.evaluation import ModelParser, ascii_copy, load_heldout, score

    parser = ModelParser(model)
    examples = load_heldout()
    scores = score(examples, parser.intents(e.text for e in examples))
    ascii_examples = ascii_copy(examples)
    ascii_scores = score(ascii_examples, parser.intents(e.text for e in ascii_examples))
    out.mkdir(parents=True, exist_ok=True)
    write_report(out, scores, ascii_scores)
    return {"macro_f1": scores.macro_f1, "ascii_macro_f1": ascii_scores.macro_f1, "accuracy": scores.accuracy}


def write_report(out: Path, scores, ascii_scores) -> None:  # type: ignore[no-untyped-def]
    lines = [
        "# NLU report (held-out set)",
        "",
        f"- macro-F1: **{scores.macro_f1:.3f}** (accuracy {scores.accuracy:.3f})",
        f"- ASCII-typed copy: macro-F1 **{ascii_scores.macro_f1:.3f}**",
        "",
        "| intent | precision | recall | F1 | n |",
        "|---|---|---|---|---|",
    ]
    for intent, v in sorted(scores.per_intent.items(), key=lambda kv: kv[1]["f1"]):
        lines.append(f"| {intent} | {v['precision']:.2f} | {v['recall']:.2f} | {v['f1']:.2f} | {v['support']} |")
    lines += ["", "## Most frequent confusions (expected → predicted)", ""]
    lines += [f"- {gold} → {guess}: {n}" for (gold, guess), n in scores.confusions.most_common(20)]
    lines += ["", "## Misclassified examples", ""]
    lines += [f"- “{text}”: {gold} → {guess}" for text, gold, guess in scores.errors]
    (out / "nlu-report.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (out / "nlu-report.json").write_text(
        json.dumps({"macro_f1": scores.macro_f1, "ascii_macro_f1": ascii_scores.macro_f1,
                    "per_intent": scores.per_intent}, indent=2), encoding="utf-8")
    confusion_png(out / "confusion.png", scores)


def confusion_png(path: Path, scores) -> None:  # type: ignore[no-untyped-def]
    """The confusion matrix of `bot.evaluation.score`'s result."""
    labels = sorted(set(scores.per_intent) | {g for (_, g) in scores.confusions})
    index = {label: i for i, label in enumerate(labels)}
    cells: Dict[Tuple[int, int], int] = {}
    for label, v in scores.per_intent.items():
        wrong = sum(n for (gold, _), n in scores.confusions.items() if gold == label)
        cells[(index[label], index[label])] = v["support"] - wrong
    for (gold, guess), n in scores.confusions.items():
        cells[(index[gold], index[guess])] = cells.get((index[gold], index[guess]), 0) + n
    _confusion_png(path, {"labels": labels, "cells": [[i, j, n] for (i, j), n in cells.items()]},
                   "Karışıklık matrisi (ölçüm seti)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("validate")
    rep = sub.add_parser("report")
    rep.add_argument("--model", default=str(ROOT / "models" / "casinra.tar.gz"))
    rep.add_argument("--out", type=Path, default=ROOT / "results")
    args = parser.parse_args()
    if args.command == "validate":
        problems = checks.validate(Project(ROOT))
        for problem in problems:
            print(f"{'✗' if problem.severity == checks.ERROR else '!'} {problem}")
        errors = checks.errors(problems)
        print("Eğitim verisi geçerli." if not errors else f"{len(errors)} hata, {len(problems) - len(errors)} uyarı.")
        sys.exit(1 if errors else 0)
    figures = report(args.model, args.out)
    print(json.dumps(figures, indent=2))
    print(f"report written to {args.out}/nlu-report.md and confusion.png")


if __name__ == "__main__":
    main()
