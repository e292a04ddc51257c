"""Validation of the training data and answers, with Turkish messages that point at file and line.

Ours: every taxonomy intent (and every other intent of the domain) has enough examples, no example
sits under two intents, no near-duplicates across intents, nothing copied from the evaluation data,
every answer in Turkish with its proper letters, every `utter_…` used. Rasa's own checks (`rasa data
validate`) run too (`rasa_checks`); their messages are translated where we know them.
"""
from __future__ import annotations

import difflib
import re
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Sequence

from casinra_contracts.text import fold, to_ascii, turkish_lower

from .project import CODE_ROOT, Example, Project, Where

ERROR, WARNING = "hata", "uyarı"
# Intents sent only by the gateway or as button payloads, and Rasa's own, need no examples.
NO_EXAMPLES_NEEDED = re.compile(r"^(EXTERNAL_\w+|nlu_fallback|restart|back|out_of_scope_rasa|session_start)$")
NEAR_DUPLICATE = 0.9  # difflib ratio of two folded examples under different intents
NEAR_DUPLICATE_MIN_CHARS = 15  # shorter ones differ by one word on purpose ("kesinlikle" / "kesinlikle 5")
NEAR_COPY = 0.9  # … of a training example and an evaluation sentence
NEAR_COPY_MIN_CHARS = 25
# Answers: Rasa's defaults, form questions and the responses actions send by name need no rule.
DEFAULT_RESPONSES = {"utter_default", "utter_ask_rephrase"}
# ASCII words that are right as they are although a word with Turkish letters folds to them.
ASCII_WORDS = {"ise", "on", "ol", "bas", "kar", "koy", "sac", "cam", "aci", "sik", "ust", "oz", "us"}
STRONG_LETTERS = set("çşğöü")  # ı ↔ i alone is vowel harmony (misiniz / mısınız), not a typo
ENGLISH = {"the", "and", "you", "your", "please", "is", "are", "to", "of", "for", "with", "we", "can",
           "this", "our", "will", "have", "thank", "hello", "sorry"}


@dataclass(frozen=True)
class Problem:
    code: str
    message: str
    where: Optional[Where] = None
    severity: str = ERROR

    def __str__(self) -> str:
        place = f"{self.where}: " if self.where else ""
        return f"{place}{self.message}"

    def as_dict(self) -> dict:
        out = asdict(self)
        out["where"] = str(self.where) if self.where else None
        return out


def key(text: str) -> str:
    """Folded, without punctuation, spaces collapsed: equal keys are the same sentence."""
    return re.sub(r"\s+", " ", re.sub(r"[^\w ]", "", fold(text))).strip()


# -------------------------------------------------------------------------------- examples
def check_counts(project: Project, examples: Sequence[Example]) -> List[Problem]:
    counts = Counter(e.base_intent for e in examples)
    blocks = project.intent_blocks()
    domain = project.domain_intents()
    lines = project.domain.read_text(encoding="utf-8").splitlines()
    intents_line = next((i for i, line in enumerate(lines, start=1) if line.startswith("intents:")), 1)
    problems = [
        Problem("taxonomy_missing", f"“{intent}” niyeti taksonomide var ama domain.yml'de yok; "
                                    "intents listesine ekleyin ve en az "
                                    f"{project.min_examples} örnek yazın.", Where(project.rel(project.domain), intents_line))
        for intent in project.taxonomy if intent not in domain
    ]
    for intent in domain:
        if NO_EXAMPLES_NEEDED.match(intent) or counts[intent] >= project.min_examples:
            continue
        where = blocks.get(intent) or next((w for i, w in blocks.items() if i.split("/")[0] == intent), None)
        problems.append(Problem(
            "too_few_examples",
            f"“{intent}” niyetinin {counts[intent]} örneği var; en az {project.min_examples} gerekli "
            f"({project.min_examples - counts[intent]} örnek daha ekleyin).", where))
    return problems


def check_conflicts(examples: Sequence[Example]) -> List[Problem]:
    """The same sentence under two intents (or two sub-intents) confuses the model."""
    first: Dict[str, Example] = {}
    problems = []
    for example in examples:
        k = key(example.text)
        seen = first.get(k)
        if seen is None:
            first[k] = example
        elif seen.intent != example.intent:
            problems.append(Problem(
                "two_intents", f"“{example.text}” iki niyette birden var: {seen.intent} ({seen.where}) ve "
                               f"{example.intent}. Birinden silin.", example.where))
        else:
            problems.append(Problem(
                "duplicate", f"“{example.text}” aynı niyette iki kez yazılmış (ilki {seen.where}).",
                example.where, WARNING))
    return problems


def check_near_duplicates(examples: Sequence[Example]) -> List[Problem]:
    """Nearly the same sentence under two intents (character n-gram cosine, then difflib)."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    items = [(key(e.text), e) for e in examples]
    items = [(k, e) for k, e in items if len(k) >= NEAR_DUPLICATE_MIN_CHARS]
    if len(items) < 2:
        return []
    keys = [k for k, _ in items]
    vectors = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 4)).fit_transform(keys)
    similar = (vectors @ vectors.T).tocoo()
    problems = []
    for i, j, cosine in zip(similar.row, similar.col, similar.data):
        if i >= j or cosine < 0.8:
            continue
        (ki, a), (kj, b) = items[i], items[j]
        if ki == kj or a.base_intent == b.base_intent:
            continue
        if difflib.SequenceMatcher(None, ki, kj).ratio() >= NEAR_DUPLICATE:
            problems.append(Problem(
                "near_duplicate", f"“{b.text}” ({b.intent}) neredeyse “{a.text}” ({a.intent}, {a.where}) ile aynı; "
                                  "iki farklı niyette bu kadar benzer cümle modeli şaşırtır.", b.where))
    return problems


def check_not_copied(examples: Sequence[Example], evaluation: Dict[str, List[str]]) -> List[Problem]:
    """No training sentence may equal or nearly equal an evaluation sentence (difflib ratio of the
    folded keys, looked at where the character n-grams are already close)."""
    train: Dict[str, Example] = {}
    for example in examples:
        train.setdefault(key(example.text), example)
    problems = []
    near: List[tuple] = []
    for source, texts in evaluation.items():
        for text in texts:
            k = key(text)
            if k in train:
                hit = train[k]
                problems.append(Problem(
                    "copied_from_eval", f"“{hit.text}” değerlendirme verisinde de var ({source}); ölçüm anlamını "
                                        "yitirir. Bu satırı silin ya da kendi cümlenizle yeniden yazın.", hit.where))
            elif len(k) > NEAR_COPY_MIN_CHARS:
                near.append((k, text, source))
    long_keys = [k for k in train if len(k) > NEAR_COPY_MIN_CHARS]
    if not near or not long_keys:
        return problems
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectoriser = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 4)).fit(long_keys + [k for k, _, _ in near])
    similar = (vectoriser.transform([k for k, _, _ in near]) @ vectoriser.transform(long_keys).T).tocoo()
    best: Dict[int, tuple] = {}
    for i, j, cosine in zip(similar.row, similar.col, similar.data):
        if cosine < 0.6:
            continue
        ratio = difflib.SequenceMatcher(None, near[i][0], long_keys[j]).ratio()
        if ratio >= NEAR_COPY and ratio > best.get(i, (0.0,))[0]:
            best[i] = (ratio, j)
    for i, (_, j) in sorted(best.items()):
        hit, (_, text, source) = train[long_keys[j]], near[i]
        problems.append(Problem(
            "near_copy_of_eval", f"“{hit.text}” değerlendirme verisindeki “{text}” cümlesinin neredeyse "
                                 f"aynısı ({source}). Kendi cümlenizle yeniden yazın.", hit.where))
    return problems


# -------------------------------------------------------------------------------- answers
def _words(text: str) -> List[str]:
    return re.findall(r"[^\W\d_]+", text)


def check_turkish(project: Project, examples: Sequence[Example]) -> List[Problem]:
    """Every answer in Turkish, with ç, ğ, ı, İ, ö, ş, ü where they belong (answers named
    `…_en` / `…_de` are for players who write English or German)."""
    responses = project.responses()
    proper: Dict[str, Counter] = defaultdict(Counter)
    texts = [v.text for r in responses.values() for v in r.variants] + [e.text for e in examples]
    for text in texts:
        for word in _words(text):
            lower = turkish_lower(word)
            if set(lower) & STRONG_LETTERS:
                proper[to_ascii(lower)][lower] += 1
    problems = []
    for response in responses.values():
        if re.search(r"_(en|de)$", response.name):
            continue  # an answer for a player who writes English or German (actions/language.py)
        for variant in response.variants:
            words = [turkish_lower(w) for w in _words(variant.text)]
            if words and sum(w in ENGLISH for w in words) / len(words) > 0.15:
                problems.append(Problem(
                    "not_turkish", f"{response.name} cevabı Türkçe görünmüyor: “{variant.text[:60]}”.", variant.where))
                continue
            for word in dict.fromkeys(words):
                if len(word) < 3 or word in ASCII_WORDS or word != to_ascii(word) or word not in proper:
                    continue
                right, n = proper[word].most_common(1)[0]
                if n >= 3:
                    problems.append(Problem(
                        "turkish_letters", f"{response.name}: “{word}” Türkçe harfleriyle yazılmalı: “{right}”.",
                        variant.where))
    return problems


def _dynamic_names(paths: Iterable[Path]) -> tuple[set, List[re.Pattern]]:
    """Response names in Python code: literal ones and f-string patterns (`f"utter_safety_{risk}"`)."""
    names: set = set()
    patterns: List[re.Pattern] = []
    for path in paths:
        source = path.read_text(encoding="utf-8")
        names |= set(re.findall(r"[\"'](utter_[\w/]+)[\"']", source))
        for literal in re.findall(r"f[\"'](utter_[^\"']*)[\"']", source):
            parts = re.split(r"\{[^}]*\}", literal)
            patterns.append(re.compile("^" + r"[\w/]+".join(re.escape(part) for part in parts) + "$"))
    return names, patterns


def check_responses_used(project: Project, code_root: Path = CODE_ROOT) -> List[Problem]:
    """Every `utter_…` answer is sent by a rule, a story, a form, a retrieval intent or an action."""
    responses = project.responses()
    dialogue = "\n".join(p.read_text(encoding="utf-8") for p in project.dialogue_files())
    in_dialogue = set(re.findall(r"action:\s*(utter_[\w/]+)", dialogue))
    domain = project.domain_data()
    slots = {slot for form in (domain.get("forms") or {}).values() if isinstance(form, dict)
             for slot in form.get("required_slots") or []}
    forms = set(domain.get("forms") or {})
    # custom actions send answers by name: the running code's (the branch holds only data)
    code = [p for folder in ("actions", "bot") for p in (code_root / folder).rglob("*.py")] \
        if domain.get("actions") else []
    in_code, patterns = _dynamic_names(code)
    problems = []
    for name, response in responses.items():
        base = name.split("/", 1)[0]
        asked = name.startswith("utter_ask_") and (
            name[len("utter_ask_"):] in slots
            or any(name == f"utter_ask_{form}_{slot}" for form in forms for slot in slots))
        if (name in DEFAULT_RESPONSES or name in in_dialogue or base in in_dialogue or asked
                or name in in_code or any(p.match(name) for p in patterns)):
            continue
        problems.append(Problem(
            "response_unused", f"{name} hiçbir kural, hikâye, form ya da aksiyonda kullanılmıyor; "
                               "kullanın ya da silin.", response.where))
    return problems


# -------------------------------------------------------------------------------- all of it
def validate(project: Project, run_rasa: bool = True, progress=None) -> List[Problem]:  # type: ignore[no-untyped-def]
    """Every check, in the order an editor fixes them; errors first within each."""
    step = progress or (lambda fraction, text: None)
    step(0.05, "Örnekler okunuyor")
    examples = project.examples()
    problems = check_counts(project, examples)
    problems += check_conflicts(examples)
    step(0.15, "Benzer örnekler aranıyor")
    problems += check_near_duplicates(examples)
    step(0.3, "Değerlendirme verisiyle karşılaştırılıyor")
    problems += check_not_copied(examples + project.safety_examples(), project.evaluation_texts())
    step(0.45, "Cevaplar denetleniyor")
    problems += check_turkish(project, examples)
    problems += check_responses_used(project)
    if run_rasa:
        from .rasa_checks import rasa_validate

        step(0.5, "Rasa'nın denetimleri çalışıyor")
        problems += rasa_validate(project)
    step(1.0, "Bitti")
    return problems


def errors(problems: Iterable[Problem]) -> List[Problem]:
    return [p for p in problems if p.severity == ERROR]
