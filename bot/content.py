"""The content team's command line: validate the training data, report NLU quality.

    python -m bot.content validate          # Rasa's checks plus ours
    python -m bot.content report [--model models/casinra.tar.gz]
"""
from __future__ import annotations

import argparse
import difflib
import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Dict, List, Tuple

from casinra_contracts.text import fold

ROOT = Path(__file__).resolve().parent.parent
MIN_EXAMPLES = 30
PROBE = ROOT.parent / "shared" / "eval" / "multi3nlu_tr_probe.tsv"
# Intents only ever sent as button payloads or by the gateway need no examples.
NO_EXAMPLES_NEEDED = {"EXTERNAL_handoff_resolved", "EXTERNAL_agents_unavailable"}
# Warnings of `rasa data validate` that are Rasa's own false positives here.
KNOWN_RASA_WARNINGS = [
    # Rasa adds retrieval intents from data/nlu to the domain and then reports
    # the intents that the domain (as its docs require) already lists.
    re.compile(r"duplicated intents have been found across multiple domain files"),
    # External intents are triggered by the gateway, never predicted from text.
    re.compile(r"The intent 'EXTERNAL_\w+' is listed in the domain file, but is not found in the NLU"),
    # utter_default is what Rasa's own action_default_fallback sends; utter_ask_*
    # are asked by forms (and action_ask_rephrase), which stories do not name.
    re.compile(r"The utterance 'utter_(default|ask_\w+)' is not used in any story or rule"),
    # Deprecation noise from Rasa's dependencies, not about our data.
    re.compile(r"DeprecationWarning|pkg_resources|Slot auto-fill has been removed|MovedIn20Warning"),
]


def key(text: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"[^\w ]", "", fold(text))).strip()


def training_examples() -> List[Tuple[str, str]]:
    from rasa.shared.nlu.training_data.loading import load_data

    data = load_data(str(ROOT / "data" / "nlu"))
    return [(m.get("text"), m.get("intent")) for m in data.intent_examples]


def check_counts(examples: List[Tuple[str, str]], domain_intents: List[str]) -> List[str]:
    from rasa.shared.core.constants import DEFAULT_INTENTS

    counts = Counter(intent for _, intent in examples)
    return [
        f"intent '{i}' has {counts[i]} training examples (at least {MIN_EXAMPLES} needed)"
        for i in domain_intents
        if i not in NO_EXAMPLES_NEEDED and i not in DEFAULT_INTENTS and counts[i] < MIN_EXAMPLES
    ]


def check_conflicts(examples: List[Tuple[str, str]]) -> List[str]:
    seen: Dict[str, str] = {}
    problems = []
    for text, intent in examples:
        k = key(text)
        if k in seen and seen[k] != intent:
            problems.append(f"'{text}' is labelled both {seen[k]} and {intent}")
        seen.setdefault(k, intent)
    return problems


def check_not_copied(examples: List[Tuple[str, str]], others: Dict[str, List[str]]) -> List[str]:
    """No training sentence may equal (or nearly equal) a held-out or evaluation sentence."""
    train = {key(t) for t, _ in examples}
    problems = []
    for source, texts in others.items():
        for text in texts:
            k = key(text)
            if k in train:
                problems.append(f"{source}: '{text}' is also a training example")
            elif len(k) > 25 and difflib.get_close_matches(k, train, n=1, cutoff=0.9):
                problems.append(f"{source}: '{text}' nearly copies a training example")
    return problems


def heldout_texts() -> List[str]:
    from bot.evaluation import load_heldout

    return [e.text for e in load_heldout()]


def probe_texts() -> List[str]:
    if not PROBE.exists():
        return []
    from bot.evaluation import load_probe

    return [e.text for e in load_probe(PROBE)]


def rasa_validate() -> List[str]:
    result = subprocess.run(
        [sys.executable, "-m", "rasa", "data", "validate", "--fail-on-warnings"],
        cwd=ROOT, capture_output=True, text=True,
    )
    output = result.stdout + result.stderr
    warnings = [
        line.split("UserWarning: ", 1)[1].strip()
        for line in output.splitlines()
        if "UserWarning: " in line
    ]
    # Rasa prints the detail of "Issue found in …" on the next line.
    details = re.findall(r"UserWarning: Issue found in '([^']+)':\s*\n(.+)", output)
    warnings = [w for w in warnings if not w.startswith("Issue found in")] + [
        f"{path}: {detail.strip()}" for path, detail in details
    ]
    problems = [w for w in warnings if not any(p.search(w) for p in KNOWN_RASA_WARNINGS)]
    if result.returncode != 0:
        problems.append(f"rasa data validate exited with {result.returncode}")
    return problems


def domain_intents() -> List[str]:
    from rasa.shared.importers.importer import TrainingDataImporter

    importer = TrainingDataImporter.load_from_config(
        str(ROOT / "config.yml"), str(ROOT / "domain.yml"), [str(ROOT / "data")]
    )
    return importer.get_domain().intents


def validate(run_rasa: bool = True) -> List[str]:
    examples = training_examples()
    problems = check_counts(examples, domain_intents())
    problems += check_conflicts(examples)
    problems += check_not_copied(examples, {"tests/nlu/heldout.yml": heldout_texts(), "shared/eval": probe_texts()})
    if run_rasa:
        problems += rasa_validate()
    return problems


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


def write_report(out: Path, scores, ascii_scores) -> None:
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


def confusion_png(path: Path, scores) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    labels = sorted(scores.per_intent)
    labels += sorted({g for (_, g) in scores.confusions} - set(labels))
    index = {label: i for i, label in enumerate(labels)}
    matrix = np.zeros((len(labels), len(labels)), dtype=int)
    for label, v in scores.per_intent.items():
        wrong = sum(n for (gold, _), n in scores.confusions.items() if gold == label)
        matrix[index[label], index[label]] = v["support"] - wrong
    for (gold, guess), n in scores.confusions.items():
        matrix[index[gold], index[guess]] += n
    fig, ax = plt.subplots(figsize=(14, 12))
    ax.imshow(matrix, cmap="Blues")
    ax.set_xticks(range(len(labels)), labels, rotation=90, fontsize=7)
    ax.set_yticks(range(len(labels)), labels, fontsize=7)
    ax.set_xlabel("predicted")
    ax.set_ylabel("expected")
    for (i, j), n in np.ndenumerate(matrix):
        if n:
            ax.text(j, i, str(n), ha="center", va="center", fontsize=6,
                    color="white" if n > matrix.max() / 2 else "black")
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("validate")
    rep = sub.add_parser("report")
    rep.add_argument("--model", default=str(ROOT / "models" / "casinra.tar.gz"))
    rep.add_argument("--out", type=Path, default=ROOT / "results")
    args = parser.parse_args()
    if args.command == "validate":
        problems = validate()
        for problem in problems:
            print(f"✗ {problem}")
        print("training data is valid" if not problems else f"{len(problems)} problem(s)")
        sys.exit(1 if problems else 0)
    figures = report(args.model, args.out)
    print(json.dumps(figures, indent=2))
    print(f"report written to {args.out}/nlu-report.md and confusion.png")


if __name__ == "__main__":
    main()
