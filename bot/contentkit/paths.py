"""Where the content kit keeps its things (the gateway uses the same places, from the same settings).

    <content dir>  (CASINRA_CONTENT_DIR, default var/content/)
      workspace/           the `content` branch's worktree
      models/              trained candidates: <name>.tar.gz and <name>.json
      reports/<model id>/  report.json, report.html, confusion.png
      cache/               parses per model and set; journeys results per model
      inbox/decisions.json what editors decided about inbox messages
      journeys-stack/      state of the private stack the journeys step starts
    <registry dir> (CASINRA_REGISTRY_DIR, default <stack state dir>/registry/): the gateway's model
      registry; `live.json` names the live model, `models/<id>.tar.gz` holds it.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from casinra_contracts import stack

from .project import CODE_ROOT


@dataclass(frozen=True)
class ContentPaths:
    root: Path
    repo: Path
    branch: str
    base: str
    registry: Path

    @classmethod
    def from_env(cls) -> "ContentPaths":
        env = os.environ
        return cls(
            root=Path(env.get("CASINRA_CONTENT_DIR") or CODE_ROOT / "var" / "content"),
            repo=Path(env.get("CASINRA_CONTENT_REPO") or CODE_ROOT),
            branch=env.get("CASINRA_CONTENT_BRANCH") or "content",
            base=env.get("CASINRA_CONTENT_BASE") or "main",
            registry=Path(env.get("CASINRA_REGISTRY_DIR") or stack.StackLayout.from_env().state_dir / "registry"),
        )

    @property
    def workspace(self) -> Path:
        return self.root / "workspace"

    @property
    def models(self) -> Path:
        return self.root / "models"

    @property
    def cache(self) -> Path:
        return self.root / "cache"

    @property
    def decisions(self) -> Path:
        return self.root / "inbox" / "decisions.json"

    def report_dir(self, model_id: str) -> Path:
        return self.root / "reports" / model_id

    def live_model(self) -> Optional[Path]:
        """The registry's live model file, if this machine holds the registry."""
        try:
            live = json.loads((self.registry / "live.json").read_text())
        except (OSError, ValueError):
            return None
        path = self.registry / "models" / f"{live.get('id')}.tar.gz"
        return path if path.is_file() else None

    def candidate(self, name: str) -> Path:
        """A trained candidate by name (`aday-…` or `aday-….tar.gz`), refusing paths."""
        name = name[:-7] if name.endswith(".tar.gz") else name
        if not name or "/" in name or name.startswith("."):
            raise ValueError(f"geçersiz model adı: {name!r}")
        return self.models / f"{name}.tar.gz"
