"""NLU evaluation shared by `make test`, `make report` and `make bench`."""
from __future__ import annotations

import asyncio
import csv
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, Iterable, List, Sequence, Tuple

from casinra_contracts.text import to_ascii

from bot.escalation import escalates

HELDOUT = Path(__file__).resolve().parent.parent / "tests" / "nlu" / "heldout.yml"
REJECT = {"out_of_scope", "nlu_fallback"}


@dataclass
class Example:
    text: str
    expected: Tuple[str, ...]  # any of these counts as correct


@dataclass
class Scores:
    accuracy: float
    macro_f1: float
    per_intent: Dict[str, Dict[str, float]]
    confusions: Counter = field(default_factory=Counter)
    errors: List[Tuple[str, str, str]] = field(default_factory=list)


def load_heldout(path: Path = HELDOUT) -> List[Example]:
    from rasa.shared.nlu.training_data.loading import load_data

    data = load_data(str(path))
    return [Example(m.get("text"), (m.get("intent"),)) for m in data.intent_examples]


def ascii_copy(examples: Iterable[Example]) -> List[Example]:
    return [Example(to_ascii(e.text), e.expected) for e in examples]


def load_probe(path: Path) -> List[Example]:
    with path.open(encoding="utf-8") as handle:
        rows = csv.DictReader(handle, delimiter="\t")
        return [Example(r["text"], tuple(r["expected"].split("|"))) for r in rows]


def score(examples: Sequence[Example], predicted: Sequence[str]) -> Scores:
    """Macro-F1 over the expected intents; a prediction in `expected` is correct."""
    tp: Counter = Counter()
    fp: Counter = Counter()
    fn: Counter = Counter()
    confusions: Counter = Counter()
    errors = []
    for example, guess in zip(examples, predicted):
        if guess in example.expected:
            tp[guess] += 1
        else:
            gold = example.expected[0]
            fn[gold] += 1
            fp[guess] += 1
            confusions[(gold, guess)] += 1
            errors.append((example.text, gold, guess))
    labels = sorted({e.expected[0] for e in examples})
    per_intent = {}
    for label in labels:
        precision = tp[label] / (tp[label] + fp[label]) if tp[label] + fp[label] else 0.0
        recall = tp[label] / (tp[label] + fn[label]) if tp[label] + fn[label] else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        per_intent[label] = {
            "precision": precision, "recall": recall, "f1": f1,
            "support": tp[label] + fn[label],
        }
    correct = sum(1 for e, g in zip(examples, predicted) if g in e.expected)
    return Scores(
        accuracy=correct / len(examples) if examples else 0.0,
        macro_f1=sum(v["f1"] for v in per_intent.values()) / len(per_intent) if per_intent else 0.0,
        per_intent=per_intent,
        confusions=confusions,
        errors=errors,
    )


class ModelParser:
    """Parses texts with a trained model, in-process."""

    def __init__(self, model_path: str) -> None:
        from rasa.core.agent import Agent

        self.agent = Agent.load(model_path)
        self.loop = asyncio.new_event_loop()

    def parse(self, text: str) -> dict:
        return self.loop.run_until_complete(self.agent.parse_message(text))

    def intents(self, texts: Iterable[str]) -> List[str]:
        return [self.parse(t)["intent"]["name"] for t in texts]


def probe_report(examples: Sequence[Example], predicted: Sequence[str]) -> Dict[str, float]:
    """The figures the project tracks on the Multi3NLU++ probe."""
    groups: Dict[str, List[bool]] = defaultdict(list)
    for example, guess in zip(examples, predicted):
        expected = set(example.expected)
        if "human_handoff" in expected:
            groups["human_handoff_recall"].append(guess in expected)
        elif expected & {"greet", "thank", "goodbye"}:
            groups["smalltalk_accuracy"].append(guess in expected)
        elif expected & REJECT:
            groups["out_of_scope_rejected"].append(guess in REJECT)
    return {k: sum(v) / len(v) for k, v in groups.items() if v} | {
        f"{k}_n": len(v) for k, v in groups.items()
    }


# ------------------------------------------------------------------------------------ safety
SAFETY_SET = HELDOUT.with_name("safety.yml")
# held-out intents that escalate by design: not false alarms when they do
ESCALATING_INTENTS = {"report_fraud", "responsible_gaming"}


def load_safety(path: Path = SAFETY_SET) -> Tuple[List[Tuple[str, str]], List[Tuple[str, str]]]:
    """`tests/nlu/safety.yml` → ([(text, risk)], [(text, intent)] of the hard negatives)."""
    import yaml

    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    safety = [(t, risk) for risk, texts in (data.get("safety") or {}).items() for t in texts or []]
    negatives = [(t, intent) for intent, texts in (data.get("not_safety") or {}).items() for t in texts or []]
    return safety, negatives


def safety_report(parse: Callable[[str], dict]) -> Dict[str, object]:
    """Recall on the safety set (overall and per risk), false alarms on its hard negatives and on
    the ordinary held-out messages."""
    safety, negatives = load_safety()
    per_risk: Dict[str, List[bool]] = defaultdict(list)
    missed = []
    for text, risk in safety:
        hit = escalates(parse(text))
        per_risk[risk].append(hit)
        if not hit:
            missed.append((risk, text))
    hard = [escalates(parse(t)) for t, _ in negatives]
    ordinary = [e for e in load_heldout() if not set(e.expected) & ESCALATING_INTENTS]
    alarms = [e.text for e in ordinary if escalates(parse(e.text))]
    hits = [h for hs in per_risk.values() for h in hs]
    return {
        "recall": sum(hits) / len(hits), "n": len(hits),
        "per_risk": {risk: sum(h) / len(h) for risk, h in sorted(per_risk.items())},
        "hard_negative_alarm_rate": sum(hard) / len(hard), "hard_negatives_n": len(hard),
        "false_alarm_rate": len(alarms) / len(ordinary), "ordinary_n": len(ordinary),
        "missed": missed, "false_alarms": alarms,
    }
