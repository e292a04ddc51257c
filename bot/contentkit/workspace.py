"""The content branch in its own Git worktree (`var/content/workspace`, branch `content`).

Editors' changes — a new training example, a reworded answer — are written there as small text
edits (the rest of each file stays byte for byte), shown as a diff, and committed with the
editor's name and message. The running checkout is never touched: the branch reaches `main`
through review like any code change. Every change takes a file lock, so two editors cannot
interleave Git commands.
"""
from __future__ import annotations

import contextlib
import fcntl
import json
import os
import re
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterator, List, Optional

from casinra_contracts import topics

from .checks import key
from .project import Project

MAX_EXAMPLE_CHARS = 300
MAX_ANSWER_CHARS = 2000
FILES = ["data", "domain.yml"]  # what editors change


class WorkspaceError(Exception):
    """A refused change, with a Turkish message for the editor."""


@dataclass
class Workspace:
    repo: Path  # the repository the branch lives in (the running checkout)
    path: Path  # the worktree
    branch: str = "content"
    base: str = "main"

    # ------------------------------------------------------------------ git
    def git(self, *args: str, cwd: Optional[Path] = None, check: bool = True, env: Optional[dict] = None) -> str:
        result = subprocess.run(["git", *args], cwd=cwd or self.path, capture_output=True, text=True,
                                env={**os.environ, "GIT_TERMINAL_PROMPT": "0", **(env or {})})
        if check and result.returncode != 0:
            raise WorkspaceError(f"git {args[0]} başarısız oldu: {(result.stderr or result.stdout).strip()[:400]}")
        return result.stdout

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path.parent / f".{self.path.name}.lock", "w") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def ensure(self) -> "Workspace":
        """Create the worktree (and the branch from `base`) if it is not there yet."""
        if (self.path / ".git").exists():
            return self
        with self.locked():
            if (self.path / ".git").exists():
                return self
            self.git("worktree", "prune", cwd=self.repo)
            exists = self.git("branch", "--list", self.branch, cwd=self.repo).strip()
            if exists:
                self.git("worktree", "add", str(self.path), self.branch, cwd=self.repo)
            else:
                self.git("worktree", "add", "-b", self.branch, str(self.path), self.base, cwd=self.repo)
        return self

    def project(self) -> Project:
        return Project(self.path)

    # ------------------------------------------------------------------ reading
    def status(self) -> dict:
        head = self.git("rev-parse", "HEAD").strip()
        counts = self.git("rev-list", "--left-right", "--count", f"{self.base}...{self.branch}").split()
        behind, ahead = (int(counts[0]), int(counts[1])) if len(counts) == 2 else (0, 0)
        log = self.git("log", "--format=%H%x1f%an%x1f%at%x1f%s", f"{self.base}..{self.branch}", "-n", "30")
        commits = [dict(zip(("sha", "author", "at", "message"), line.split("\x1f"))) for line in log.splitlines() if line]
        for c in commits:
            c["at"] = int(c["at"])
        return {"branch": self.branch, "base": self.base, "head": head, "ahead": ahead, "behind": behind,
                "changed": self.changed_files(), "commits": commits, "path": str(self.path)}

    def changed_files(self) -> List[str]:
        out = self.git("status", "--porcelain", "--", *FILES)
        return [line[3:] for line in out.splitlines() if line.strip()]

    def diff(self) -> dict:
        """Uncommitted changes, as text and as files → hunks → lines (for the page)."""
        raw = self.git("diff", "--no-color", "-U2", "HEAD", "--", *FILES)
        return {"text": raw, "files": parse_diff(raw), "changed": self.changed_files()}

    def branch_diff(self) -> dict:
        """Everything the branch has that `base` has not (committed changes waiting for review)."""
        raw = self.git("diff", "--no-color", "-U2", f"{self.base}...{self.branch}", "--", *FILES)
        return {"text": raw, "files": parse_diff(raw)}

    # ------------------------------------------------------------------ changes
    def add_example(self, intent: str, text: str) -> dict:
        text = " ".join((text or "").split())
        if not text:
            raise WorkspaceError("Örnek cümle boş olamaz.")
        if len(text) > MAX_EXAMPLE_CHARS:
            raise WorkspaceError(f"Örnek cümle en fazla {MAX_EXAMPLE_CHARS} karakter olabilir.")
        if text.startswith("/"):
            raise WorkspaceError("Örnek cümle “/” ile başlayamaz (o bir buton komutudur).")
        with self.locked():
            project = self.project()
            base = intent.split("/", 1)[0]
            if base not in project.domain_intents():
                raise WorkspaceError(f"“{base}” niyeti domain.yml'de yok.")
            blocks = project.intent_blocks()
            if "/" in intent and intent not in blocks:
                raise WorkspaceError(f"“{intent}” alt sorusu yok; önce cevabını (utter_{intent}) ekleyin.")
            k = key(text)
            for example in project.examples():
                if key(example.text) == k:
                    if example.intent == intent:
                        raise WorkspaceError(f"Bu cümle “{intent}” altında zaten var ({example.where}).")
                    raise WorkspaceError(f"Bu cümle “{example.intent}” niyetinde zaten var ({example.where}); "
                                         "aynı cümle iki niyette olamaz.")
            for source, sentences in project.evaluation_texts().items():
                if any(key(s) == k for s in sentences):
                    raise WorkspaceError(f"Bu cümle değerlendirme verisinde var ({source}); eğitime eklenemez. "
                                         "Aynı anlamı kendi sözlerinizle yazın.")
            where = blocks.get(intent)
            if where:
                path = project.root / where.file
                line = self._insert_in_block(path, where.line, text)
            else:
                path = project.data / "nlu" / f"{topics.topic_of(base) or 'smalltalk'}.yml"
                line = self._append_block(path, intent, text)
        return {"intent": intent, "text": text, "file": project.rel(path), "line": line}

    @staticmethod
    def _insert_in_block(path: Path, head_line: int, text: str) -> int:
        lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
        head = lines[head_line - 1]
        block_indent = len(head) - len(head.lstrip())
        last = head_line  # 1-based index of the last line that belongs to the block
        item_indent = block_indent + 4
        for number in range(head_line + 1, len(lines) + 1):
            line = lines[number - 1]
            if not line.strip():
                continue
            indent = len(line) - len(line.lstrip())
            if indent <= block_indent:
                break
            if line.lstrip().startswith("- "):
                item_indent = indent
            last = number
        lines.insert(last, " " * item_indent + "- " + text + "\n")
        if not lines[last - 1].endswith("\n"):
            lines[last - 1] += "\n"
        path.write_text("".join(lines), encoding="utf-8")
        return last + 1

    @staticmethod
    def _append_block(path: Path, intent: str, text: str) -> int:
        if path.is_file():
            content = path.read_text(encoding="utf-8")
            indent = "  " if re.search(r"^  - (intent|synonym|regex|lookup):", content, re.M) else ""
        else:
            content, indent = 'version: "3.1"\nnlu:\n', ""
        if content and not content.endswith("\n"):
            content += "\n"
        content += f"{indent}- intent: {intent}\n{indent}  examples: |\n{indent}    - {text}\n"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")
        return content.count("\n")

    def edit_response(self, name: str, index: int, text: str) -> dict:
        text = (text or "").strip()
        if not text:
            raise WorkspaceError("Cevap metni boş olamaz.")
        if len(text) > MAX_ANSWER_CHARS:
            raise WorkspaceError(f"Cevap metni en fazla {MAX_ANSWER_CHARS} karakter olabilir.")
        with self.locked():
            project = self.project()
            response = project.responses().get(name)
            if response is None:
                raise WorkspaceError(f"“{name}” diye bir cevap yok.")
            if not 0 <= index < len(response.variants):
                raise WorkspaceError(f"“{name}” cevabının {index + 1}. metni yok.")
            variant = response.variants[index]
            lines = project.domain.read_text(encoding="utf-8").splitlines(keepends=True)
            line = lines[variant.where.line - 1]
            m = re.match(r"^(\s*-? ?text:)\s?(.*?)\s*$", line.rstrip("\n"))
            if not m:
                raise WorkspaceError(f"{variant.where}: metin satırı tanınmadı.")
            prefix, value = m.group(1), m.group(2)
            end = variant.where.line  # lines of a block scalar (`text: |`) go with it
            if value[:1] in ("|", ">"):
                own = len(line) - len(line.lstrip())
                while end < len(lines) and (not lines[end].strip() or len(lines[end]) - len(lines[end].lstrip()) > own + 2):
                    end += 1
            lines[variant.where.line - 1:end] = [prefix + " " + json.dumps(text, ensure_ascii=False) + "\n"]
            project.domain.write_text("".join(lines), encoding="utf-8")
        return {"response": name, "index": index, "text": text, "file": variant.where.file, "line": variant.where.line}

    def discard(self, paths: Optional[List[str]] = None) -> List[str]:
        """Drop uncommitted changes (of the given files, else all)."""
        with self.locked():
            targets = paths or FILES
            self.git("checkout", "HEAD", "--", *targets)
            self.git("clean", "-fdq", "--", *targets)
        return self.changed_files()

    def commit(self, message: str, author: str, email: str) -> dict:
        message = (message or "").strip()
        if len(message) < 5:
            raise WorkspaceError("Lütfen ne değiştirdiğinizi anlatan bir açıklama yazın (en az 5 karakter).")
        with self.locked():
            if not self.changed_files():
                raise WorkspaceError("Kaydedilecek değişiklik yok.")
            self.git("add", "-A", "--", *FILES)
            who = {"GIT_AUTHOR_NAME": author, "GIT_AUTHOR_EMAIL": email,
                   "GIT_COMMITTER_NAME": author, "GIT_COMMITTER_EMAIL": email}
            self.git("commit", "-q", "-m", message, env=who)
            sha = self.git("rev-parse", "HEAD").strip()
        return {"sha": sha, "message": message, "author": author}

    def sync(self) -> dict:
        """Bring `base`'s new commits into the branch (a merge; refused, not half-done, on a conflict)."""
        with self.locked():
            if self.changed_files():
                raise WorkspaceError("Önce bekleyen değişiklikleri kaydedin ya da geri alın.")
            result = subprocess.run(["git", "merge", "--no-edit", self.base], cwd=self.path, capture_output=True,
                                    text=True, env={**os.environ, "GIT_AUTHOR_NAME": "Casinra içerik",
                                                    "GIT_AUTHOR_EMAIL": "content@casinra.local",
                                                    "GIT_COMMITTER_NAME": "Casinra içerik",
                                                    "GIT_COMMITTER_EMAIL": "content@casinra.local"})
            if result.returncode != 0:
                self.git("merge", "--abort", check=False)
                raise WorkspaceError("Ana daldaki değişikliklerle çakışma var; bir geliştiriciden birleştirmesini isteyin.")
        return self.status()


def parse_diff(raw: str) -> List[Dict]:
    """A unified diff → [{path, hunks: [{header, lines: [{kind, old, new, text}]}]}]."""
    files: List[Dict] = []
    current: Optional[Dict] = None
    old = new = 0
    for line in raw.splitlines():
        if line.startswith("diff --git"):
            current = {"path": line.split(" b/", 1)[-1], "hunks": []}
            files.append(current)
        elif current is None or line.startswith(("index ", "--- ", "+++ ", "new file", "deleted file", "similarity")):
            continue
        elif line.startswith("@@"):
            m = re.match(r"@@ -(\d+)(?:,\d+)? \+(\d+)(?:,\d+)? @@", line)
            old, new = (int(m.group(1)), int(m.group(2))) if m else (0, 0)
            current["hunks"].append({"header": line, "lines": []})
        elif current["hunks"]:
            kind = line[:1] if line[:1] in "+- " else " "
            entry = {"kind": kind, "text": line[1:], "old": None if kind == "+" else old,
                     "new": None if kind == "-" else new}
            old += kind != "+"
            new += kind != "-"
            current["hunks"][-1]["lines"].append(entry)
    return files
