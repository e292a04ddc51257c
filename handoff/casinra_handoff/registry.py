"""The model registry: every model that was or may become live, which one is live, and the history.

Files in one folder (`CASINRA_REGISTRY_DIR`, default `<state dir>/registry/`), so every gateway
replica on a shared disk serves the same answer and the content kit (`bot/contentkit/paths.py`)
can read which model is live:

    models/<id>.tar.gz   the model; <id> is the first 16 hex digits of its SHA-256
    models/<id>.json     what it is: name, where it came from, when it was added, its figures
    live.json            {"id": …, "since": …}
    history.jsonl        one line per change: build, promote, rollback
    seed.json            the last `make train` model adopted (see `adopt_seed`)

Rasa replicas pull the live model from `GET /api/models/live` (routes_models.py) with the id as
ETag, so a change of `live.json` reaches every replica at its next pull, and nothing else does.
Writes take a file lock and replace files atomically; the methods are synchronous (callers use a
worker thread).
"""
from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Iterator


def content_id(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()[:16]


def seed_id(seed: Path) -> str:
    """`content_id` of the build's model, remembered beside it (`.<name>.id`) for as long as the file
    is the same (size, modification time, inode): every gateway start would hash it otherwise."""
    stat = seed.stat()
    stamp = [stat.st_size, stat.st_mtime_ns, stat.st_ino]
    memo = seed.with_name(f".{seed.name}.id")
    try:
        known = json.loads(memo.read_text())
        if known.get("stat") == stamp:
            return str(known["id"])
    except (OSError, ValueError, KeyError):
        pass
    mid = content_id(seed)
    try:
        memo.write_text(json.dumps({"stat": stamp, "id": mid}))
    except OSError:  # a read-only build folder: hash again next time
        pass
    return mid


@dataclass
class ModelInfo:
    id: str
    name: str
    source: str  # "build" (make train) or "content" (trained from the content branch)
    added_at: float
    added_by: str | None = None
    size: int = 0
    commit: str | None = None
    figures: dict[str, Any] = field(default_factory=dict)


@dataclass
class HistoryEntry:
    at: float
    action: str  # build | promote | rollback
    model: str
    previous: str | None
    actor: str | None
    reason: str | None = None
    forced: bool = False
    figures: dict[str, Any] = field(default_factory=dict)


class Registry:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    # ------------------------------------------------------------------ files
    @property
    def models_dir(self) -> Path:
        return self.root / "models"

    def model_file(self, mid: str) -> Path:
        return self.models_dir / f"{mid}.tar.gz"

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        self.models_dir.mkdir(parents=True, exist_ok=True)
        with open(self.root / ".lock", "w") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    @staticmethod
    def _write_json(path: Path, data: Any) -> None:
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
        tmp.replace(path)

    # ------------------------------------------------------------------ reading
    def get(self, mid: str) -> ModelInfo | None:
        if not mid or not all(c in "0123456789abcdef" for c in mid):
            return None
        try:
            data = json.loads((self.models_dir / f"{mid}.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return ModelInfo(**data) if self.model_file(mid).is_file() else None

    def models(self) -> list[ModelInfo]:
        found = [self.get(p.name[: -len(".json")]) for p in self.models_dir.glob("*.json")] if self.models_dir.is_dir() else []
        return sorted((m for m in found if m), key=lambda m: -m.added_at)

    def live_id(self) -> str | None:
        try:
            return json.loads((self.root / "live.json").read_text()).get("id")
        except (OSError, ValueError):
            return None

    def live(self) -> ModelInfo | None:
        mid = self.live_id()
        return self.get(mid) if mid else None

    def history(self, limit: int = 50) -> list[HistoryEntry]:
        path = self.root / "history.jsonl"
        if not path.is_file():
            return []
        lines = path.read_text(encoding="utf-8").splitlines()
        return [HistoryEntry(**json.loads(line)) for line in reversed(lines[-limit:]) if line.strip()]

    # ------------------------------------------------------------------ writing
    def add(self, source: Path, *, name: str, origin: str, by: str | None = None, commit: str | None = None,
            figures: dict[str, Any] | None = None, mid: str | None = None) -> ModelInfo:
        """Copy a model in (a hard link when possible); adding the same file again is a no-op."""
        mid = mid or content_id(source)
        with self.locked():
            existing = self.get(mid)
            if existing:
                return existing
            target = self.model_file(mid)
            tmp = target.with_name(f".{mid}.{os.getpid()}.tmp")
            try:
                os.link(source, tmp)
            except OSError:
                shutil.copyfile(source, tmp)
            tmp.replace(target)
            info = ModelInfo(id=mid, name=name, source=origin, added_at=time.time(), added_by=by,
                             size=target.stat().st_size, commit=commit, figures=figures or {})
            self._write_json(self.models_dir / f"{mid}.json", asdict(info))
            return info

    def set_live(self, mid: str, *, action: str, actor: str | None, reason: str | None = None,
                 forced: bool = False, figures: dict[str, Any] | None = None) -> HistoryEntry:
        with self.locked():
            if self.get(mid) is None:
                raise KeyError(mid)
            previous = self.live_id()
            entry = HistoryEntry(at=time.time(), action=action, model=mid, previous=previous, actor=actor,
                                 reason=reason, forced=forced, figures=figures or {})
            self._write_json(self.root / "live.json", {"id": mid, "since": entry.at})
            with (self.root / "history.jsonl").open("a", encoding="utf-8") as handle:
                handle.write(json.dumps(asdict(entry), ensure_ascii=False) + "\n")
            return entry

    def adopt_seed(self, seed: Path) -> ModelInfo | None:
        """`make train`'s model goes live when it is new: a fresh build from `main` is a deliberate
        act. The same file as last time changes nothing, so a promoted model survives restarts."""
        if not seed.is_file():
            return None
        mid = seed_id(seed)
        try:
            last = json.loads((self.root / "seed.json").read_text()).get("id")
        except (OSError, ValueError):
            last = None
        if last == mid and self.live_id():
            return None
        info = self.add(seed, name=seed.name, origin="build", by="make train", mid=mid)
        with self.locked():
            self._write_json(self.root / "seed.json", {"id": mid, "path": str(seed), "at": time.time()})
        if self.live_id() != mid:
            self.set_live(mid, action="build", actor=None, reason=f"{seed.name} (yeni derleme)")
        return info
