"""The review inbox: what real players wrote that deserves a human look, grouped and masked.

Sources: Rasa's trackers in Redis (every turn with the model's intent ranking) and the gateway's
archived transcripts of handed-off chats (the back-office `chat_transcripts`, for conversations
whose tracker is gone). Personal data is masked (`casinra_contracts.pii`, with the player's name)
the moment a text is read, before anything is compared, grouped, shown or exported.

A player message is flagged when
- the bot fell back (`nlu_fallback`, the fallback actions),
- the model was unsure (top confidence below `LOW_CONFIDENCE`) or torn between two intents (the
  first two within `NEAR_TIE`),
- right after the bot's answer the player said the same thing again in other words, asked for a
  person, or gave a low rating (those point at the answered message),
- it was escalated as a safety risk (to confirm the escalation was right).
Similar messages (same folded text, or nearly) form one group; the most frequent group comes first.
Decisions (labelled, added, ignored) are remembered by message key so a decided message leaves the
inbox.
"""
from __future__ import annotations

import difflib
import hashlib
import json
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional

from casinra_contracts.pii import mask_text, name_parts
from casinra_contracts.scores import csat_of_turn
from casinra_contracts.text import fold_words

from .checks import key

LOW_CONFIDENCE = 0.5
NEAR_TIE = 0.1
REPHRASE = 0.5  # share of words in common (folded) with the previous message
LOW_RATING = 2
GROUP_SIMILARITY = 0.85
TRACKER_PREFIX = "casinra:tracker:"
FALLBACK_ACTIONS = {"action_default_fallback", "action_two_stage_fallback", "action_default_ask_affirmation",
                    "utter_ask_rephrase", "utter_default", "action_ask_rephrase"}
HANDOFF_ACTIONS = {"action_handoff_request"}
# what escalates as urgent: the safety component's mark, these intents, the safety action
ESCALATING_INTENTS = {"report_fraud", "responsible_gaming"}
SAFETY_ACTIONS = {"action_safety_escalation"}
REASONS = {
    "fallback": "Bot anlayamadı",
    "low_confidence": "Model emin değildi",
    "near_tie": "İki niyet arasında kaldı",
    "rephrase": "Cevaptan sonra oyuncu aynı şeyi başka sözlerle yazdı",
    "handoff_after_answer": "Cevaptan hemen sonra temsilci istendi",
    "low_rating": "Cevaptan sonra düşük puan verildi",
    "safety": "Güvenlik nedeniyle yükseltildi — doğrulayın",
}


@dataclass
class Turn:
    conversation: str
    ts: float
    text: str  # masked
    source: str = "tracker"
    intent: Optional[str] = None
    confidence: float = 0.0
    ranking: List[dict] = field(default_factory=list)
    retrieval: Optional[str] = None  # the sub-intent the response selector chose
    safety: Optional[dict] = None
    actions: List[str] = field(default_factory=list)
    bot: List[dict] = field(default_factory=list)  # [{"response": name, "text": masked}]
    rating: Optional[int] = None
    reasons: List[str] = field(default_factory=list)

    @property
    def answered(self) -> bool:
        """The bot answered this turn with something other than a fallback or a hand-off."""
        return bool(self.bot) and not (set(self.actions) & (FALLBACK_ACTIONS | HANDOFF_ACTIONS)) \
            and self.intent not in ("nlu_fallback", "human_handoff")

    @property
    def external(self) -> bool:
        """An intent the gateway triggered (hand-off resolved, no agents), not a player message."""
        return (self.intent or "").startswith("EXTERNAL_") or self.text.startswith("EXTERNAL:")


# ------------------------------------------------------------------------------------------ reading
def _names(metadata: Optional[dict], player_names: Dict[str, str]) -> List[str]:
    metadata = metadata or {}
    names = name_parts(metadata.get("player_name"))
    pid = metadata.get("player_id")
    if pid and pid in player_names:
        names += name_parts(player_names[pid])
    return names


def turns_from_tracker(conversation: str, events: List[dict], player_names: Dict[str, str]) -> List[Turn]:
    """One Turn per player message, with what the bot did until the next one (texts masked)."""
    turns: List[Turn] = []
    names: List[str] = []
    for event in events:
        kind = event.get("event")
        if kind == "user":
            names = sorted(set(names) | set(_names(event.get("metadata"), player_names)))
            text = event.get("text") or ""
            parse = event.get("parse_data") or {}
            intent = parse.get("intent") or {}
            ranking = [{"name": r.get("name"), "confidence": round(float(r.get("confidence") or 0), 3)}
                       for r in (parse.get("intent_ranking") or [])[:3]]
            selector = parse.get("response_selector") or {}
            retrieval = None
            for value in selector.values():
                if isinstance(value, dict) and (value.get("response") or {}).get("intent_response_key"):
                    if str(value["response"]["intent_response_key"]).split("/")[0] == intent.get("name"):
                        retrieval = value["response"]["intent_response_key"]
            turns.append(Turn(conversation, float(event.get("timestamp") or 0), mask_text(text, names),
                              intent=intent.get("name"), confidence=float(intent.get("confidence") or 0),
                              ranking=ranking, retrieval=retrieval, safety=parse.get("safety"),
                              rating=csat_of_turn(parse, text) if intent.get("name") == "rate" else None))
        elif not turns:
            continue
        elif kind == "action" and event.get("name") not in (None, "action_listen"):
            turns[-1].actions.append(event["name"])
        elif kind == "bot":
            turns[-1].bot.append({"response": (event.get("metadata") or {}).get("utter_action"),
                                  "text": mask_text(event.get("text") or "", names)})
    return turns


def turns_from_transcript(conversation: str, transcript: List[dict], names: List[str]) -> List[Turn]:
    """An archived hand-off chat (no intents): player turns up to the first agent or system message
    and the bot's answers to them. The chat's rating is about the agent, so it only shows in context."""
    turns: List[Turn] = []
    for entry in transcript:
        sender, text = entry.get("sender"), entry.get("text") or ""
        if entry.get("internal"):
            continue
        if sender in ("agent", "system"):
            if turns:
                turns[-1].actions.append("action_handoff_request")
            break
        if sender == "player":
            turns.append(Turn(conversation, float(entry.get("ts") or 0), mask_text(text, names), source="transcript"))
        elif sender == "bot" and turns:
            turns[-1].bot.append({"response": None, "text": mask_text(text, names)})
    return turns


# ------------------------------------------------------------------------------------------ flagging
def _similar(a: str, b: str) -> bool:
    wa, wb = set(fold_words(a).split()), set(fold_words(b).split())
    if not wa or not wb or a == b:
        return False
    return len(wa & wb) / len(wa | wb) >= REPHRASE or difflib.SequenceMatcher(None, key(a), key(b)).ratio() >= 0.75


def flag(turns: List[Turn]) -> List[Turn]:
    """The turns worth a look, each with its reasons (`REASONS`)."""
    for i, turn in enumerate(turns):
        if not turn.text or turn.text.startswith("/") or turn.intent == "rate" or turn.external:
            continue
        if turn.intent == "nlu_fallback" or set(turn.actions) & FALLBACK_ACTIONS:
            turn.reasons.append("fallback")
        elif turn.source == "tracker" and turn.confidence < LOW_CONFIDENCE:
            turn.reasons.append("low_confidence")
        if len(turn.ranking) > 1 and turn.intent != "nlu_fallback" \
                and turn.ranking[0]["confidence"] - turn.ranking[1]["confidence"] < NEAR_TIE:
            turn.reasons.append("near_tie")
        if turn.safety or turn.intent in ESCALATING_INTENTS or set(turn.actions) & SAFETY_ACTIONS:
            turn.reasons.append("safety")
        after = turns[i + 1] if i + 1 < len(turns) else None
        if after is None or not turn.answered:
            continue
        if after.text and not after.text.startswith("/") and _similar(turn.text, after.text) \
                and after.intent != "human_handoff":
            turn.reasons.append("rephrase")
        after_safety = after.safety or after.intent in ESCALATING_INTENTS or set(after.actions) & SAFETY_ACTIONS
        if after.intent == "human_handoff" or (set(after.actions) & HANDOFF_ACTIONS and not after_safety):
            turn.reasons.append("handoff_after_answer")
    # a low rating right after a bot answer points at the message answered (a rating after an
    # agent's chat follows the gateway's EXTERNAL_handoff_resolved: it is about the agent)
    for before, turn in zip(turns, turns[1:]):
        if turn.rating is not None and turn.rating <= LOW_RATING and before.answered and not before.external \
                and before.text and not before.text.startswith("/") and "low_rating" not in before.reasons:
            before.reasons.append("low_rating")
    return [t for t in turns if t.reasons]


def context(turns: List[Turn], turn: Turn, before: int = 2, after: int = 2) -> List[dict]:
    """The conversation around a flagged message: player and bot lines, masked."""
    i = turns.index(turn)
    lines: List[dict] = []
    for j, t in enumerate(turns[max(0, i - before): i + after + 1], start=max(0, i - before)):
        if t.text:
            lines.append({"sender": "player", "text": t.text, "focus": j == i})
        elif t.rating is not None:
            lines.append({"sender": "player", "text": f"({t.rating}/5 puan)", "focus": False})
        lines += [{"sender": "bot", "text": b["text"], "response": b["response"], "focus": False}
                  for b in t.bot if b["text"]]
    return lines


# ------------------------------------------------------------------------------------------ grouping
def group(items: List[dict]) -> List[dict]:
    """Messages → groups of the same or nearly the same text, most frequent first."""
    by_key: Dict[str, List[dict]] = defaultdict(list)
    for item in items:
        by_key[item["key"]].append(item)
    clusters: List[List[str]] = []
    for k in sorted(by_key, key=lambda k: (-len(by_key[k]), k)):
        for cluster in clusters:
            m = difflib.SequenceMatcher(None, cluster[0], k)
            if m.real_quick_ratio() >= GROUP_SIMILARITY and m.quick_ratio() >= GROUP_SIMILARITY \
                    and m.ratio() >= GROUP_SIMILARITY:
                cluster.append(k)
                break
        else:
            clusters.append([k])
    groups = []
    for cluster in clusters:
        members = sorted((i for k in cluster for i in by_key[k]), key=lambda i: -i["ts"])
        reasons = Counter(r for m in members for r in m["reasons"])
        scores: Dict[str, List[float]] = defaultdict(list)
        for m in members:
            for r in m["ranking"]:
                scores[r["name"]].append(r["confidence"])
        top = sorted(((n, sum(v) / len(members)) for n, v in scores.items()), key=lambda x: -x[1])[:3]
        texts = Counter(m["text"] for m in members)
        risks = [m["safety"].get("risk") for m in members if isinstance(m.get("safety"), dict)]
        answers = Counter(b["response"] for m in members for b in m["bot"] if b.get("response"))
        groups.append({
            "id": hashlib.sha1(cluster[0].encode()).hexdigest()[:12],
            # the most frequent wording; of equals, the one written with Turkish letters
            "text": max(texts.items(), key=lambda kv: (kv[1], sum(ch in "çğıöşüÇĞİÖŞÜ" for ch in kv[0])))[0],
            "count": len(members),
            "conversations": len({m["conversation"] for m in members}),
            "reasons": [{"code": c, "label": REASONS[c], "count": n} for c, n in reasons.most_common()],
            "top_intents": [{"name": n, "confidence": round(c, 3)} for n, c in top],
            "retrieval": Counter(m["retrieval"] for m in members if m["retrieval"]).most_common(1)[0][0]
            if any(m["retrieval"] for m in members) else None,
            "risk": Counter(risks).most_common(1)[0][0] if risks else None,
            "answer": answers.most_common(1)[0][0] if answers else None,
            "last_seen": members[0]["ts"],
            "keys": sorted(cluster),
            "members": [{k: m[k] for k in ("conversation", "ts", "text", "reasons", "ranking", "source", "context")}
                        for m in members[:5]],
        })
    groups.sort(key=lambda g: (-g["count"], -g["last_seen"]))
    return groups


# ------------------------------------------------------------------------------------------ building
@dataclass
class Sources:
    redis_url: Optional[str] = None
    db_url: Optional[str] = None
    tracker_prefix: str = TRACKER_PREFIX
    trackers: Dict[str, List[dict]] = field(default_factory=dict)  # given directly (tests, exports)
    transcripts: List[dict] = field(default_factory=list)
    players: Dict[str, str] = field(default_factory=dict)

    def load(self) -> "Sources":
        if self.redis_url:
            import redis

            client = redis.Redis.from_url(self.redis_url, decode_responses=True)
            for name in client.scan_iter(match=f"{self.tracker_prefix}*", count=500):
                raw = client.get(name)
                try:
                    data = json.loads(raw) if raw else None
                except ValueError:
                    continue
                if isinstance(data, dict):
                    self.trackers[name[len(self.tracker_prefix):]] = data.get("events") or []
        if self.db_url:
            from casinra_contracts.backoffice.engine import make_engine
            from casinra_contracts.backoffice.schema import chat_transcripts, players
            from sqlalchemy import select

            engine = make_engine(self.db_url)
            try:
                with engine.connect() as c:
                    self.players.update({r.id: r.name for r in c.execute(select(players.c.id, players.c.name))})
                    for row in c.execute(select(chat_transcripts)).mappings():
                        self.transcripts.append(dict(row))
            finally:
                engine.dispose()
        return self


def load_decisions(path: Optional[Path]) -> Dict[str, dict]:
    if not path or not path.is_file():
        return {}
    return json.loads(path.read_text(encoding="utf-8"))


def build(sources: Sources, decisions: Optional[Dict[str, dict]] = None) -> dict:
    decisions = decisions or {}
    flagged: List[dict] = []
    scanned = 0

    def add(turns: List[Turn]) -> None:
        for turn in flag(turns):
            k = key(turn.text)
            if not k or k in decisions:
                continue
            flagged.append({
                "key": k, "conversation": turn.conversation, "ts": turn.ts, "text": turn.text,
                "reasons": turn.reasons, "ranking": turn.ranking, "retrieval": turn.retrieval,
                "safety": turn.safety, "bot": turn.bot, "source": turn.source, "context": context(turns, turn),
            })

    for conversation, events in sources.trackers.items():
        scanned += 1
        add(turns_from_tracker(conversation, events, sources.players))
    for row in sources.transcripts:
        if row.get("conversation_id") in sources.trackers:
            continue
        scanned += 1
        transcript = row.get("transcript")
        transcript = json.loads(transcript) if isinstance(transcript, str) else transcript or []
        names = name_parts(sources.players.get(row.get("player_id") or ""))
        add(turns_from_transcript(row["conversation_id"], transcript, names))
    groups = group(flagged)
    return {"built_at": time.time(), "conversations": scanned, "messages": len(flagged),
            "decided": len(decisions), "groups": groups}


def decide(path: Path, keys: Iterable[str], action: str, by: str, intent: Optional[str] = None,
           text: Optional[str] = None) -> Dict[str, dict]:
    """Remember a decision for these message keys (`label`, `example`, `confirm`, `ignore`)."""
    decisions = load_decisions(path)
    entry: Dict[str, Any] = {"action": action, "by": by, "at": time.time()}
    if intent:
        entry["intent"] = intent
    if text:
        entry["text"] = text
    for k in keys:
        decisions[k] = entry
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(decisions, ensure_ascii=False, indent=1), encoding="utf-8")
    tmp.replace(path)
    return decisions
