"""The supervisor's figures, per day or week, per topic and per agent, computed from what is stored:
Rasa's trackers (every player turn with its intent, every bot answer and hand-off request; their
facts are copied to `conversation_facts` before the trackers expire, so older weeks keep them), the
resolved hand-offs (`chat_handoffs`), the tickets with their status history and the ratings
(`feedback`). Nothing is counted twice or kept elsewhere.

Definitions (the report's glossary says the same in Turkish):
- a *conversation* is a tracker with at least one player turn; it belongs to the day (Istanbul) of
  its first one, and to the topic of its first intent that names a need (else `support`);
- *hand-off rate*: conversations in which the bot asked for a person / conversations;
- *bot containment*: conversations with no hand-off request whose last player turn was understood;
- *fallback rate*: player turns the bot did not understand / player turns;
- *CSAT*: share of 4–5 among the 1–5 ratings answered in the period; *NPS*: % promoters (9–10) −
  % detractors (0–6) among the 0–10 answers;
- human chats: *first response* = the agent's first message − queued; *resolution* = resolved −
  queued; tickets (opened in the period): first answer − opened, closed − opened. Median, and p90 by
  nearest rank (the ⌈0.9·n⌉-th smallest);
- an *SLA breach* is a period in which a ticket owed the player an answer and its due time passed
  first (answered late, or still unanswered now); it counts on the day of the due time;
- *root causes*: bot answers (intent + response) followed by the player asking for a person, saying
  the same thing again in other words, or rating 1–2.
"""
from __future__ import annotations

import asyncio
import json
import math
import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import Any, Iterable

import redis.asyncio as aioredis
from casinra_contracts import topics
from casinra_contracts.backoffice import sla
from casinra_contracts.backoffice.schema import chat_handoffs, conversation_facts, feedback, ticket_events, tickets
from casinra_contracts.scores import csat_of_turn
from casinra_contracts.text import fold_words
from casinra_contracts.timezone import ISTANBUL
from sqlalchemy import insert, select, update
from sqlalchemy.engine import Engine

FALLBACK_ACTIONS = {"action_default_fallback", "action_two_stage_fallback", "action_default_ask_affirmation",
                    "utter_ask_rephrase", "utter_default", "action_ask_rephrase"}
HANDOFF_INTENTS = {"human_handoff"}
LOW_RATING = 2
REPHRASE = 0.5  # share of words in common (folded) with the previous message


# ------------------------------------------------------------------------------------------ reading
@dataclass
class Turn:
    ts: float
    text: str
    intent: str | None
    rating: int | None = None
    actions: list[str] = field(default_factory=list)
    answers: list[str] = field(default_factory=list)  # the bot's responses (utter_… names)
    handoff: bool = False  # the bot asked for a person in answer to this turn
    safety: bool = False
    rephrase: bool = False  # says what the player's previous turn said, in other words

    def facts(self) -> dict[str, Any]:
        """What the archive keeps of a turn (`conversation_facts`): no text."""
        return {"ts": self.ts, "intent": self.intent, "rating": self.rating, "actions": self.actions,
                "answers": self.answers, "handoff": self.handoff, "safety": self.safety, "rephrase": self.rephrase}

    @classmethod
    def from_facts(cls, data: dict[str, Any]) -> "Turn":
        return cls(ts=float(data.get("ts") or 0), text="", intent=data.get("intent"), rating=data.get("rating"),
                   actions=list(data.get("actions") or []), answers=list(data.get("answers") or []),
                   handoff=bool(data.get("handoff")), safety=bool(data.get("safety")),
                   rephrase=bool(data.get("rephrase")))

    @property
    def fallback(self) -> bool:
        return self.intent == "nlu_fallback" or bool(set(self.actions) & FALLBACK_ACTIONS)

    @property
    def answer(self) -> str | None:
        """What the bot answered with: its first response, else its first action."""
        if self.answers:
            return self.answers[0]
        return next((a for a in self.actions if a not in ("action_listen",)), None)


@dataclass
class ConversationFacts:
    id: str
    turns: list[Turn]

    @property
    def started(self) -> float:
        return self.turns[0].ts

    @property
    def topic(self) -> str:
        for t in self.turns:
            if t.intent in topics.INTENTS and t.intent not in topics.NEUTRAL_INTENTS:
                return topics.topic_of(t.intent) or topics.DEFAULT_TOPIC
        return topics.DEFAULT_TOPIC

    @property
    def handed_off(self) -> bool:
        return any(t.handoff for t in self.turns)

    @property
    def contained(self) -> bool:
        return not self.handed_off and not self.turns[-1].fallback


def facts_from_tracker(cid: str, events: list[dict]) -> ConversationFacts | None:
    """A tracker's player turns, each with what the bot did until the next one; None without any."""
    turns: list[Turn] = []
    for event in events:
        kind = event.get("event")
        if kind == "user":
            parse = event.get("parse_data") or {}
            intent = (parse.get("intent") or {}).get("name")
            if (intent or "").startswith("EXTERNAL_"):
                # the gateway's events are no player turns; after one, nothing is the bot's answer
                turns.append(Turn(float(event.get("timestamp") or 0), "", intent))
                continue
            text = event.get("text") or ""
            turns.append(Turn(float(event.get("timestamp") or 0), text, intent,
                              rating=csat_of_turn(parse, text) if intent == "rate" else None,
                              safety=bool(parse.get("safety"))))
        elif not turns:
            continue
        elif kind == "action" and event.get("name") not in (None, "action_listen"):
            turns[-1].actions.append(event["name"])
        elif kind == "bot":
            name = (event.get("metadata") or {}).get("utter_action")
            if name:
                turns[-1].answers.append(name)
            custom = ((event.get("data") or {}).get("custom") or {})
            if isinstance(custom, dict) and custom.get("handoff"):
                turns[-1].handoff = True
    player = [t for t in turns if not (t.intent or "").startswith("EXTERNAL_")]
    if not player:
        return None
    for before, turn in zip(turns, turns[1:]):
        turn.rephrase = bool(before.text) and similar(before.text, turn.text)
    return ConversationFacts(cid, turns)


async def load_trackers(redis: aioredis.Redis, prefix: str) -> list[ConversationFacts]:
    out = []
    async for key in redis.scan_iter(match=f"{prefix}*", count=500):
        raw = await redis.get(key)
        try:
            data = json.loads(raw) if raw else None
        except ValueError:
            continue
        if isinstance(data, dict):
            facts = facts_from_tracker(key[len(prefix):], data.get("events") or [])
            if facts:
                out.append(facts)
    return out


@dataclass
class Stored:
    """Everything the figures read, loaded once."""

    conversations: list[ConversationFacts]
    handoffs: list[dict[str, Any]]
    tickets: list[dict[str, Any]]
    events: dict[int, list[dict[str, Any]]]  # ticket id → its status history, in order
    feedback: list[dict[str, Any]]


def load_database(engine: Engine) -> tuple[list, list, dict, list]:
    with engine.connect() as c:
        handoffs = [dict(r) for r in c.execute(select(chat_handoffs)).mappings()]
        rows = [dict(r) for r in c.execute(select(tickets)).mappings()]
        history: dict[int, list[dict[str, Any]]] = defaultdict(list)
        for r in c.execute(select(ticket_events).order_by(ticket_events.c.at, ticket_events.c.id)).mappings():
            history[r["ticket_id"]].append(dict(r))
        ratings = [dict(r) for r in c.execute(select(feedback).where(feedback.c.score.is_not(None))).mappings()]
    return handoffs, rows, dict(history), ratings


def load_archived(engine: Engine) -> list[ConversationFacts]:
    with engine.connect() as c:
        rows = c.execute(select(conversation_facts.c.conversation_id, conversation_facts.c.turns)).all()
    out = []
    for cid, turns in rows:
        try:
            out.append(ConversationFacts(cid, [Turn.from_facts(t) for t in json.loads(turns)]))
        except (ValueError, TypeError, AttributeError):
            continue
    return [c for c in out if c.turns]


async def load(redis: aioredis.Redis, engine: Engine, tracker_prefix: str) -> Stored:
    """The trackers Rasa still has, and the archived facts of those it no longer has."""
    live = await load_trackers(redis, tracker_prefix)
    archived = await asyncio.to_thread(load_archived, engine)
    known = {c.id for c in live}
    conversations = live + [c for c in archived if c.id not in known]
    handoffs, rows, history, ratings = await asyncio.to_thread(load_database, engine)
    return Stored(conversations, handoffs, rows, history, ratings)


def save_facts(engine: Engine, conversations: list[ConversationFacts]) -> int:
    """Keep (or refresh) the facts of these conversations; returns how many were written."""
    written = 0
    with engine.begin() as c:
        stored = dict(c.execute(select(conversation_facts.c.conversation_id, conversation_facts.c.last_at)).all())
        for conv in conversations:
            last = datetime.fromtimestamp(conv.turns[-1].ts, timezone.utc)
            if conv.id in stored and stored[conv.id] >= last:
                continue
            values = dict(started_at=datetime.fromtimestamp(conv.started, timezone.utc), last_at=last,
                          topic=conv.topic, turns=json.dumps([t.facts() for t in conv.turns]))
            if conv.id in stored:
                c.execute(update(conversation_facts).where(conversation_facts.c.conversation_id == conv.id)
                          .values(**values))
            else:
                c.execute(insert(conversation_facts).values(conversation_id=conv.id, **values))
            written += 1
    return written


async def archive_trackers(redis: aioredis.Redis, engine: Engine, tracker_prefix: str) -> int:
    """Copy what the figures need of every tracker into `conversation_facts` before Rasa forgets it."""
    return await asyncio.to_thread(save_facts, engine, await load_trackers(redis, tracker_prefix))


# ------------------------------------------------------------------------------------------ helpers
def local_day(value: float | datetime) -> date:
    moment = datetime.fromtimestamp(value, timezone.utc) if isinstance(value, (int, float)) else value
    return moment.astimezone(ISTANBUL).date()


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def bucket_of(day: date, bucket: str) -> date:
    return week_start(day) if bucket == "week" else day


def durations(values: Iterable[float]) -> dict[str, Any]:
    """Count, median and p90 (nearest rank) of durations in seconds."""
    xs = sorted(v for v in values if v is not None and v >= 0)
    if not xs:
        return {"count": 0, "median": None, "p90": None}
    return {"count": len(xs), "median": float(statistics.median(xs)), "p90": float(xs[math.ceil(0.9 * len(xs)) - 1])}


def csat_of(scores: list[int]) -> dict[str, Any]:
    n = len(scores)
    good = sum(1 for s in scores if s >= 4)
    return {"count": n, "satisfied": good, "share": good / n if n else None,
            "mean": sum(scores) / n if n else None}


def nps_of(scores: list[int]) -> dict[str, Any]:
    n = len(scores)
    promoters = sum(1 for s in scores if s >= 9)
    detractors = sum(1 for s in scores if s <= 6)
    return {"count": n, "promoters": promoters, "passives": n - promoters - detractors, "detractors": detractors,
            "score": round((promoters - detractors) * 100 / n, 1) if n else None}


def rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def similar(a: str, b: str) -> bool:
    wa, wb = set(fold_words(a).split()), set(fold_words(b).split())
    if not wa or not wb or a.strip() == b.strip():
        return False
    return len(wa & wb) / len(wa | wb) >= REPHRASE


def breaches(history: list[dict[str, Any]], now: datetime) -> list[datetime]:
    """The due times a ticket missed: each period in which the player waited for an answer ends at the
    next answer or close; a due time passed before that end (or before now) is a breach."""
    missed: list[datetime] = []
    due: datetime | None = None
    for event in history:
        if event["status_to"] in sla.OWED_STATUSES:
            due = event["due_at"] if event["due_at"] is not None else due
            continue
        if due is not None and event["at"] > due:
            missed.append(due)
        due = None
    if due is not None and now > due:
        missed.append(due)
    return missed


# ------------------------------------------------------------------------------------------ figures
def compute(stored: Stored, start: date, end: date, *, bucket: str = "day", now: datetime | None = None,
            agent_names: dict[str, str] | None = None) -> dict[str, Any]:
    """The figures for the Istanbul days ``start`` ≤ day < ``end``, with a series per ``bucket`` (day or
    week) and the topics compared with the period of the same length before."""
    now = now or datetime.now(timezone.utc)
    agent_names = agent_names or {}
    length = end - start
    prev_start = start - length

    def inside(day: date) -> bool:
        return start <= day < end

    convs = [c for c in stored.conversations if inside(local_day(c.started))]
    previous = [c for c in stored.conversations if prev_start <= local_day(c.started) < start]
    turns = [t for c in convs for t in c.turns if not (t.intent or "").startswith("EXTERNAL_")]
    chats = [h for h in stored.handoffs if inside(local_day(h["resolved_at"]))]
    ratings = [f for f in stored.feedback if f["answered_at"] is not None and inside(local_day(f["answered_at"]))]
    csat_rows = [f for f in ratings if f["kind"] == "csat"]
    nps_rows = [f for f in ratings if f["kind"] == "nps"]
    opened = [t for t in stored.tickets if inside(local_day(t["created_at"]))]
    missed = [(t, due) for t in stored.tickets for due in breaches(stored.events.get(t["id"], []), now)
              if inside(local_day(due))]

    def chat_times(rows: list[dict[str, Any]]) -> tuple[dict, dict]:
        return (durations((h["first_response_at"] - h["queued_at"]).total_seconds()
                          for h in rows if h["first_response_at"]),
                durations((h["resolved_at"] - h["queued_at"]).total_seconds() for h in rows))

    first, resolution = chat_times(chats)
    totals = {
        "conversations": len(convs),
        "player_turns": len(turns),
        "handoffs": sum(1 for c in convs if c.handed_off),
        "handoff_rate": rate(sum(1 for c in convs if c.handed_off), len(convs)),
        "containment": rate(sum(1 for c in convs if c.contained), len(convs)),
        "fallback_turns": sum(1 for t in turns if t.fallback),
        "fallback_rate": rate(sum(1 for t in turns if t.fallback), len(turns)),
        "csat": csat_of([f["score"] for f in csat_rows]),
        "csat_human": csat_of([f["score"] for f in csat_rows if f["human"]]),
        "csat_bot": csat_of([f["score"] for f in csat_rows if not f["human"]]),
        "nps": nps_of([f["score"] for f in nps_rows]),
        "human_chats": len(chats),
        "chat_first_response": first,
        "chat_resolution": resolution,
        "tickets_opened": len(opened),
        "ticket_first_response": durations((t["first_response_at"] - t["created_at"]).total_seconds()
                                           for t in opened if t["first_response_at"]),
        "ticket_resolution": durations((t["closed_at"] - t["created_at"]).total_seconds()
                                       for t in opened if t["closed_at"]),
        "sla_breaches": len(missed),
    }

    # the series
    series: dict[date, dict[str, Any]] = {}
    day = start
    while day < end:
        key = bucket_of(day, bucket)
        series.setdefault(key, {"bucket": key.isoformat(), "_convs": [], "_csat": [], "_nps": [], "breaches": 0,
                                "_turns": 0, "_fallbacks": 0})
        day += timedelta(days=1)
    for c in convs:
        s = series[bucket_of(local_day(c.started), bucket)]
        s["_convs"].append(c)
        player_turns = [t for t in c.turns if not (t.intent or "").startswith("EXTERNAL_")]
        s["_turns"] += len(player_turns)
        s["_fallbacks"] += sum(1 for t in player_turns if t.fallback)
    for f in csat_rows:
        series[bucket_of(local_day(f["answered_at"]), bucket)]["_csat"].append(f["score"])
    for f in nps_rows:
        series[bucket_of(local_day(f["answered_at"]), bucket)]["_nps"].append(f["score"])
    for _, due in missed:
        series[bucket_of(local_day(due), bucket)]["breaches"] += 1
    points = []
    for key in sorted(series):
        s = series[key]
        cs = s.pop("_convs")
        points.append({
            "bucket": s["bucket"], "conversations": len(cs),
            "handoff_rate": rate(sum(1 for c in cs if c.handed_off), len(cs)),
            "containment": rate(sum(1 for c in cs if c.contained), len(cs)),
            "fallback_rate": rate(s.pop("_fallbacks"), s.pop("_turns")),
            "csat": csat_of(s.pop("_csat"))["share"], "nps": nps_of(s.pop("_nps"))["score"],
            "sla_breaches": s["breaches"],
        })

    # topics: frequency now and before, hand-offs, CSAT
    now_count = Counter(c.topic for c in convs)
    before = Counter(c.topic for c in previous)
    by_topic = []
    for topic in set(now_count) | set(before):
        cs = [c for c in convs if c.topic == topic]
        scores = [f["score"] for f in csat_rows if f["topic"] == topic]
        by_topic.append({
            "topic": topic, "label": topics.topic_label(topic), "conversations": now_count[topic],
            "previous": before[topic], "growth": now_count[topic] - before[topic],
            "growth_share": rate(now_count[topic] - before[topic], before[topic]),
            "handoff_rate": rate(sum(1 for c in cs if c.handed_off), len(cs)),
            "csat": csat_of(scores)["share"], "ratings": len(scores),
        })
    by_topic.sort(key=lambda t: (-t["conversations"], t["label"]))
    growing = sorted((t for t in by_topic if t["growth"] > 0), key=lambda t: (-t["growth"], t["label"]))

    # agents
    agents: dict[str, dict[str, Any]] = {}
    for name in sorted({h["agent_username"] for h in chats if h["agent_username"]} |
                       {f["agent_username"] for f in csat_rows if f["agent_username"]}):
        mine = [h for h in chats if h["agent_username"] == name]
        fr, res = chat_times(mine)
        agents[name] = {"agent": name, "display_name": agent_names.get(name, name), "chats": len(mine),
                        "csat": csat_of([f["score"] for f in csat_rows if f["agent_username"] == name]),
                        "first_response": fr, "resolution": res}

    return {
        "period": {"start": start.isoformat(), "end": end.isoformat(), "bucket": bucket,
                   "previous_start": prev_start.isoformat()},
        "totals": totals,
        "series": points,
        "topics": by_topic,
        "growing": growing[:5],
        "agents": sorted(agents.values(), key=lambda a: (-a["chats"], a["agent"])),
        "root_causes": root_causes(convs),
        "breaches": [{"reference": t["reference"], "kind": t["kind"], "due_at": due.isoformat()}
                     for t, due in sorted(missed, key=lambda x: x[1])],
    }


def root_causes(convs: list[ConversationFacts], limit: int = 10) -> list[dict[str, Any]]:
    """The bot answers most often followed by a request for a person, a rephrase or a low rating."""
    seen: Counter = Counter()
    problems: dict[tuple, Counter] = defaultdict(Counter)
    for conv in convs:
        for turn, after in zip(conv.turns, conv.turns[1:] + [None]):
            if (turn.intent or "").startswith("EXTERNAL_") or turn.intent == "rate":
                continue
            if turn.fallback or turn.handoff or not turn.answers:
                continue  # not an answer the bot gave
            key = (turn.intent, turn.answer)
            seen[key] += 1
            if after is None or (after.intent or "").startswith("EXTERNAL_"):
                continue
            if after.intent in HANDOFF_INTENTS or (after.handoff and not after.safety):
                problems[key]["handoff"] += 1
            elif after.intent == "rate" and after.rating is not None and after.rating <= LOW_RATING:
                problems[key]["low_rating"] += 1
            elif after.rephrase:
                problems[key]["rephrase"] += 1
    rows = []
    for key, count in problems.items():
        total = sum(count.values())
        rows.append({"intent": key[0], "intent_label": topics.intent_label(key[0]) or key[0], "answer": key[1],
                     "answers": seen[key], "handoff": count["handoff"], "rephrase": count["rephrase"],
                     "low_rating": count["low_rating"], "problems": total, "share": total / seen[key]})
    rows.sort(key=lambda r: (-r["problems"], -r["share"], str(r["intent"])))
    return rows[:limit]
