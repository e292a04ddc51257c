"""Canned agent replies, one YAML file per topic in handoff/canned/."""
from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import BaseModel, Field


class CannedReply(BaseModel):
    shortcut: str = Field(pattern=r"^/[a-z0-9][a-z0-9_\-]*$")
    title: str
    text: str


class CannedTopic(BaseModel):
    topic: str
    title: str
    replies: list[CannedReply]


def load_canned(folder: Path) -> list[CannedTopic]:
    topics = []
    if not folder.is_dir():
        return topics
    seen: set[str] = set()
    for path in sorted(folder.glob("*.yml")):
        topic = CannedTopic.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
        for r in topic.replies:
            if r.shortcut in seen:
                raise ValueError(f"duplicate canned shortcut {r.shortcut} in {path.name}")
            seen.add(r.shortcut)
        topics.append(topic)
    return topics
