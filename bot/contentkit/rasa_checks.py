"""Rasa's own checks (`rasa data validate`), with its English warnings said in Turkish and placed.

Warnings our checks already make more precisely (unused answers, intents without examples) and
Rasa's known false positives are left out; anything we do not recognise is shown as Rasa wrote it.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from typing import List, Optional

from .checks import ERROR, WARNING, Problem
from .project import CODE_ROOT, Project, Where

SKIP = [
    re.compile(r"duplicated intents have been found across multiple domain files"),
    re.compile(r"The utterance '[^']+' is not used in any story or rule"),  # checks.check_responses_used
    re.compile(r"is listed in the domain file, but is not found in the NLU training data"),  # check_counts
    re.compile(r"DeprecationWarning|pkg_resources|Slot auto-fill has been removed|MovedIn20Warning|declare_namespace"),
]


def find_line(project: Project, path: Path, pattern: str) -> Optional[Where]:
    if not path.is_file():
        return None
    regex = re.compile(pattern)
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if regex.search(line):
            return Where(project.rel(path), number)
    return None


def _in_dialogue(project: Project, name: str) -> Optional[Where]:
    for path in project.dialogue_files():
        where = find_line(project, path, rf"(rule|story):\s*[\"']?{re.escape(name)}[\"']?\s*$")
        if where:
            return where
    return None


def translate(project: Project, warning: str) -> Optional[Problem]:
    if any(p.search(warning) for p in SKIP):
        return None
    m = re.search(r"The intent '([^']+)' is not used in any story or rule", warning)
    if m:
        return Problem("rasa_intent_unused", f"“{m.group(1)}” niyeti hiçbir kural ya da hikâyede geçmiyor; "
                                             "bot bu niyete ne diyeceğini bilemez.",
                       find_line(project, project.domain, rf"^\s*- {re.escape(m.group(1))}\s*(#.*)?$"), WARNING)
    m = re.search(r"labeled with intent '([^']+)'\. This intent is not listed in your domain", warning)
    if m:
        return Problem("rasa_intent_not_in_domain", f"Eğitim verisinde “{m.group(1)}” niyeti var ama domain.yml'nin "
                                                    "intents listesinde yok.",
                       project.intent_blocks().get(m.group(1)))
    m = re.search(r"The action '([^']+)' is used in the (?:stories|training data), but is not a valid", warning)
    if m:
        where = None
        for path in project.dialogue_files():
            where = where or find_line(project, path, rf"action:\s*{re.escape(m.group(1))}\s*$")
        return Problem("rasa_unknown_action", f"“{m.group(1)}” kurallarda ya da hikâyelerde kullanılıyor ama "
                                              "domain.yml'de tanımlı değil.", where)
    m = re.match(r"Issue found in '([^']+)':\s*(.*)", warning, re.S)
    if m:
        path = Path(m.group(1))
        return Problem("rasa_issue", f"Rasa bu dosyada bir sorun buldu: {m.group(2).strip()}",
                       Where(project.rel(path), 1))
    return Problem("rasa", f"Rasa: {warning.strip()}", None, ERROR)


def conflicts(project: Project, output: str) -> List[Problem]:
    """Rasa's story structure conflicts: two rules/stories answer the same situation differently."""
    problems = []
    for block in re.findall(r"Story structure conflict after (.+?)(?:\n\n|\Z)", output, re.S):
        head, *lines = block.strip().splitlines()
        claims = re.findall(r"(\S+) predicted in '([^']+)'", "\n".join(lines))
        if not claims:
            continue
        said = "; ".join(f"“{name}” {action} diyor" for action, name in claims)
        after = re.search(r"(intent|action) '([^']+)'", head)
        where = (f"“{after.group(2)}” {'niyetinden' if after.group(1) == 'intent' else 'aksiyonundan'} sonra"
                 if after else head.strip().rstrip(":"))
        problems.append(Problem("rasa_conflict", f"Çelişki: {where} {said}. Aynı durumda tek cevap olmalı; birini düzeltin.",
                                _in_dialogue(project, claims[0][1])))
    return problems


def rasa_validate(project: Project) -> List[Problem]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(CODE_ROOT), os.environ.get("PYTHONPATH")]))}
    result = subprocess.run(
        [sys.executable, "-m", "rasa", "data", "validate", "--fail-on-warnings",
         "--config", str(project.config), "--domain", str(project.domain), "--data", str(project.data)],
        cwd=CODE_ROOT, capture_output=True, text=True, env=env,
    )
    output = re.sub(r"\x1b\[[0-9;]*m", "", result.stdout + result.stderr)
    warnings = []
    for match in re.finditer(r"UserWarning: (.*?)(?=\n\S|\n\s*\n|\Z)", output, re.S):
        text = match.group(1)
        if text.startswith("Issue found in"):
            detail = output[match.end():].lstrip("\n").splitlines()[:1]
            text = f"{text.strip()} {detail[0].strip() if detail else ''}"
        warnings.append(" ".join(text.split()))
    problems = [p for p in (translate(project, w) for w in warnings) if p is not None]
    problems += conflicts(project, output)
    if result.returncode != 0 and not any(p.severity == ERROR for p in problems):
        tail = " ".join(output.strip().splitlines()[-3:])[:400]
        problems.append(Problem("rasa_failed", f"Rasa'nın denetimi {result.returncode} koduyla bitti: {tail}"))
    return problems
