"""A Rasa project as the content team sees it: training examples and answers with file and line.

The files are read as text (a small line scanner, not a YAML loader), so every example and every
answer keeps the place it came from and a message can say `data/nlu/payments.yml:41`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Iterator, List, Optional

import yaml

CODE_ROOT = Path(__file__).resolve().parents[2]  # the checkout with bot/ (the running code)
SHARED_EVAL = CODE_ROOT.parent / "shared" / "eval"

# The intent taxonomy of the design (../shared/DESIGN.md): these must exist and be well trained.
TAXONOMY = (
    "greet goodbye thank affirm deny bot_challenge human_handoff contact_info callback_request "
    "account_registration kyc_info kyc_status deposit_info deposit_missing withdrawal_info withdrawal_status "
    "transaction_lookup bonus_info bonus_status bonus_dispute password_reset two_factor login_problem "
    "report_fraud privacy_request deposit_limit responsible_gaming complaint ticket_status out_of_scope"
).split()
MIN_EXAMPLES = 30

_BLOCK = re.compile(r"^(\s*)- (intent|synonym|regex|lookup):\s*(.+?)\s*$")
_EXAMPLES = re.compile(r"^\s*examples:\s*\|")
_ITEM = re.compile(r"^(\s*)- (.*)$")
# [text](entity), [text]{"entity": …}, [text][synonym] → text
_ENTITY = re.compile(r"\[([^\]]+)\](?:\([^)]*\)|\{[^}]*\}|\[[^\]]*\])")
_RESPONSE = re.compile(r"^  (utter_[^\s:]+):\s*$")
_TEXT = re.compile(r"^(\s*)-? ?text:\s?(.*)$")


@dataclass(frozen=True)
class Where:
    file: str  # relative to the project root
    line: int  # 1-based

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass(frozen=True)
class Example:
    text: str  # entity markup removed
    raw: str  # as written
    intent: str  # full name, with a retrieval sub-intent (`deposit_info/methods`)
    where: Where

    @property
    def base_intent(self) -> str:
        return self.intent.split("/", 1)[0]


@dataclass(frozen=True)
class Variant:
    text: str
    where: Where


@dataclass
class Response:
    name: str
    where: Where
    variants: List[Variant] = field(default_factory=list)


def plain(text: str) -> str:
    """An example without its entity markup."""
    return _ENTITY.sub(lambda m: m.group(1), text).strip()


@dataclass
class Project:
    """A Rasa project: `config.yml`, `domain.yml`, `data/`, evaluation sets under `tests/`.

    `content.yml` at the root may override the taxonomy and the minimum (the fixture projects do);
    the real project uses the design's taxonomy."""

    root: Path
    eval_dirs: List[Path] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.root = Path(self.root).resolve()
        settings = {}
        if (self.root / "content.yml").is_file():
            settings = yaml.safe_load((self.root / "content.yml").read_text(encoding="utf-8")) or {}
        self.taxonomy: List[str] = list(settings.get("taxonomy") or TAXONOMY)
        self.min_examples: int = int(settings.get("min_examples") or MIN_EXAMPLES)
        if not self.eval_dirs and SHARED_EVAL.is_dir() and settings.get("shared_eval", True):
            self.eval_dirs = [SHARED_EVAL]

    # ---------------------------------------------------------------- paths
    @property
    def config(self) -> Path:
        return self.root / "config.yml"

    @property
    def domain(self) -> Path:
        return self.root / "domain.yml"

    @property
    def data(self) -> Path:
        return self.root / "data"

    def nlu_files(self) -> List[Path]:
        return sorted((self.data / "nlu").glob("*.yml")) if (self.data / "nlu").is_dir() else []

    def dialogue_files(self) -> List[Path]:
        return sorted(p for d in ("rules", "stories") for p in (self.data / d).glob("*.yml"))

    def rel(self, path: Path) -> str:
        try:
            return str(path.resolve().relative_to(self.root))
        except ValueError:
            return str(path)

    # ---------------------------------------------------------------- training examples
    def examples(self) -> List[Example]:
        """Every intent example of `data/nlu/*.yml`, in file order."""
        return [e for path in self.nlu_files() for e in self._scan_nlu(path)]

    def _scan_nlu(self, path: Path) -> Iterator[Example]:
        rel = self.rel(path)
        kind: Optional[str] = None
        name = ""
        block_indent = -1
        in_examples = False
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            indent = len(line) - len(line.lstrip())
            head = _BLOCK.match(line)
            if head:
                kind, name, block_indent, in_examples = head.group(2), head.group(3), len(head.group(1)), False
                continue
            if kind is None:
                continue
            if indent <= block_indent:
                kind, in_examples = None, False
                continue
            if _EXAMPLES.match(line):
                in_examples = True
                continue
            item = _ITEM.match(line)
            if in_examples and kind == "intent" and item and indent > block_indent + 2:
                raw = item.group(2).strip()
                yield Example(plain(raw), raw, name, Where(rel, number))

    def intent_blocks(self) -> Dict[str, Where]:
        """intent → where its `- intent:` line is (the first one, if it is split)."""
        found: Dict[str, Where] = {}
        for path in self.nlu_files():
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
                head = _BLOCK.match(line)
                if head and head.group(2) == "intent":
                    found.setdefault(head.group(3), Where(self.rel(path), number))
        return found

    def safety_examples(self) -> List[Example]:
        """`data/safety.yml` (the safety detector's examples) as examples labelled `safety:<risk>`."""
        path = self.data / "safety.yml"
        if not path.is_file():
            return []
        out: List[Example] = []
        section = ""
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            stripped = line.strip()
            if not stripped or stripped.startswith("#"):
                continue
            key = re.match(r"^\s*([\w/]+):\s*$", line)
            if key:
                section = key.group(1)
                continue
            item = _ITEM.match(line)
            if item and section:
                text = item.group(2).strip().strip('"').strip("'")
                out.append(Example(text, text, f"safety:{section}", Where(self.rel(path), number)))
        return out

    # ---------------------------------------------------------------- domain
    def domain_data(self) -> dict:
        return yaml.safe_load(self.domain.read_text(encoding="utf-8")) or {}

    def domain_intents(self) -> List[str]:
        names = []
        for item in self.domain_data().get("intents") or []:
            names.append(next(iter(item)) if isinstance(item, dict) else str(item))
        return names

    def responses(self) -> Dict[str, Response]:
        """Every `utter_…` response of `domain.yml` with the line of each text variant."""
        values = self.domain_data().get("responses") or {}
        rel = self.rel(self.domain)
        found: Dict[str, Response] = {}
        current: Optional[Response] = None
        in_responses = False
        for number, line in enumerate(self.domain.read_text(encoding="utf-8").splitlines(), start=1):
            if re.match(r"^\S", line) and not line.startswith("#"):
                in_responses = line.startswith("responses:")
                current = None
                continue
            if not in_responses:
                continue
            head = _RESPONSE.match(line)
            if head:
                current = found.setdefault(head.group(1), Response(head.group(1), Where(rel, number)))
                continue
            text = _TEXT.match(line)
            if current is not None and text:
                index = len(current.variants)
                variants = values.get(current.name) or []
                value = variants[index].get("text") if index < len(variants) and isinstance(variants[index], dict) else None
                current.variants.append(Variant(value if isinstance(value, str) else text.group(2), Where(rel, number)))
        return found

    # ---------------------------------------------------------------- evaluation sets
    def heldout_file(self) -> Path:
        return self.root / "tests" / "nlu" / "heldout.yml"

    def safety_file(self) -> Path:
        return self.root / "tests" / "nlu" / "safety.yml"

    def journeys_dir(self) -> Path:
        return self.root / "tests" / "journeys"

    def evaluation_texts(self) -> Dict[str, List[str]]:
        """Every sentence of the evaluation data, by file: `tests/nlu/*.yml` and the shared eval folder."""
        out: Dict[str, List[str]] = {}
        nlu_dir = self.root / "tests" / "nlu"
        for path in sorted(nlu_dir.glob("*.yml")) if nlu_dir.is_dir() else []:
            out[self.rel(path)] = _yaml_sentences(path)
        for folder in self.eval_dirs:
            for path in sorted(folder.glob("*.tsv")):
                out[f"shared/eval/{path.name}"] = _tsv_sentences(path)
            for path in sorted(folder.glob("*.yml")):
                out[f"shared/eval/{path.name}"] = _yaml_sentences(path)
        return out


def _yaml_sentences(path: Path) -> List[str]:
    """The sentences of an evaluation file: Rasa NLU YAML (`examples: |`) or plain lists."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    out: List[str] = []

    def walk(value: object) -> None:
        if isinstance(value, str):
            out.append(value)
        elif isinstance(value, list):
            for v in value:
                walk(v)
        elif isinstance(value, dict):
            for k, v in value.items():
                if k == "examples" and isinstance(v, str):
                    out.extend(plain(line.strip()[2:]) for line in v.splitlines() if line.strip().startswith("- "))
                elif k not in ("intent", "version", "synonym", "regex", "lookup"):
                    walk(v)

    walk(data)
    return [s for s in out if s.strip()]


def _tsv_sentences(path: Path) -> List[str]:
    import csv

    with path.open(encoding="utf-8") as handle:
        return [row["text"] for row in csv.DictReader(handle, delimiter="\t") if row.get("text")]
