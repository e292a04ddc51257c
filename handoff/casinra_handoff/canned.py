"""Canned agent replies, one YAML file per topic in handoff/canned/: `<topic id>.yml` with the
contract's topic id inside; the title is the topic's Turkish label (`casinra_contracts.topics`)."""
from __future__ import annotations

from pathlib import Path

import yaml
from casinra_contracts.topics import TOPICS, topic_label
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
    topics: list[CannedTopic] = []
    if not folder.is_dir():
        return topics
    seen: set[str] = set()
    for path in sorted(folder.glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        if data.get("topic") != path.stem or path.stem not in TOPICS:
            raise ValueError(f"{path.name}: the file is named after its topic, one of {', '.join(TOPICS)}")
        topic = CannedTopic.model_validate({**data, "title": topic_label(path.stem)})
        for r in topic.replies:
            if r.shortcut in seen:
                raise ValueError(f"duplicate canned shortcut {r.shortcut} in {path.name}")
            seen.add(r.shortcut)
        topics.append(topic)
    return topics
