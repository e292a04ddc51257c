"""A generated month of conversations, hand-offs, ratings and tickets with answers known by
construction: the figures' tests check every figure against a hand computation of this plan, and
`python -m casinra_handoff.sample_month` fills a demo stack so the supervisor's page and the weekly
report have something to show.

Every day d (0, 1, …) of the month, in Istanbul time, has:
- A ×4 (payments): "para çekme ne kadar sürer" → utter_withdrawal_info; "teşekkürler" → utter_thank;
- B ×1 (kyc): kyc_info → utter_kyc_info/documents; "temsilciye bağlan" → a hand-off request; the agent
  (ayse on even days, burak on odd) answers (d % 7 + 1) minutes after the queue and resolves 10 minutes
  later; the player rates 5, 5, 5, 5, 3, 2, 1 for d % 7 = 0…6; NPS 10, 8, 3, 9 on d % 7 = 0, 2, 4, 6;
- C ×1 (bonus): bonus_info answered twice (the second message rephrases the first), then "1 puan";
- D ×1: a message the bot does not understand (nlu_fallback → action_ask_rephrase), nothing more;
- E ×(d // 7) (security, growing by one a day each week): password_reset → utter_password_reset;
- an e-mail ticket opened at 10:00, answered and closed after 23, 47 or 71 hours (d % 3 = 0, 1, 2);
- a callback ticket opened at 11:00, closed after 2 hours — after 5 (past its 4-hour target) on d % 7 = 6;
- on day 20 one more e-mail ticket that nobody answers.
"""
from __future__ import annotations

import argparse
import asyncio
import json
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

import redis.asyncio as aioredis
from casinra_contracts.backoffice import sla
from casinra_contracts.backoffice.engine import make_engine
from casinra_contracts.backoffice.schema import chat_handoffs, feedback, metadata, ticket_events, tickets
from casinra_contracts.handoff import Handoff
from casinra_contracts.timezone import ISTANBUL
from sqlalchemy import delete, insert
from sqlalchemy.engine import Engine

HUMAN_CSAT = (5, 5, 5, 5, 3, 2, 1)
NPS = {0: 10, 2: 8, 4: 3, 6: 9}
TRACKER_TTL_S = 45 * 24 * 3600


def at(day: date, hour: int, minute: int = 0, second: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute, second), ISTANBUL).astimezone(timezone.utc)


class _Tracker:
    def __init__(self, cid: str, player: str | None) -> None:
        self.cid = cid
        self.meta = {"player_id": player, "player_name": "Örnek Oyuncu"} if player else {}
        self.events: list[dict[str, Any]] = []

    def user(self, when: datetime, text: str, intent: str, entities: list | None = None) -> None:
        ts = when.timestamp()
        self.events += [{"event": "action", "name": "action_listen", "timestamp": ts - 1},
                        {"event": "user", "timestamp": ts, "text": text, "metadata": self.meta,
                         "parse_data": {"text": text, "intent": {"name": intent, "confidence": 0.9},
                                        "entities": entities or [], "intent_ranking": []}}]

    def bot(self, when: datetime, action: str, text: str, custom: dict | None = None) -> None:
        ts = when.timestamp() + 1
        self.events += [{"event": "action", "name": action, "timestamp": ts},
                        {"event": "bot", "timestamp": ts, "text": text,
                         "data": {"custom": custom} if custom else {},
                         "metadata": {"utter_action": action} if action.startswith("utter_") else {}}]

    def dump(self) -> str:
        return json.dumps({"name": self.cid, "events": self.events})


async def generate(redis: aioredis.Redis, engine: Engine, first_day: date, days: int = 28, *,
                   tracker_prefix: str = "casinra:tracker:", tag: str = "sample") -> None:
    """Write the plan for ``days`` days from ``first_day`` (earlier sample rows of ``tag`` are replaced)."""
    metadata.create_all(engine, checkfirst=True)
    with engine.begin() as c:  # a second run replaces the first
        ids = [r.id for r in c.execute(tickets.select().where(tickets.c.conversation_id.like(f"{tag}-%")))]
        if ids:
            c.execute(delete(ticket_events).where(ticket_events.c.ticket_id.in_(ids)))
            c.execute(delete(tickets).where(tickets.c.id.in_(ids)))
        c.execute(delete(chat_handoffs).where(chat_handoffs.c.conversation_id.like(f"{tag}-%")))
        c.execute(delete(feedback).where(feedback.c.conversation_id.like(f"{tag}-%")))
    trackers: dict[str, str] = {}
    handoff_rows, feedback_rows, ticket_rows = [], [], []
    for d in range(days):
        day = first_day + timedelta(days=d)
        for i in range(4):  # A
            t = _Tracker(f"{tag}-{d}-a{i}", None)
            t.user(at(day, 12, i), "para çekme ne kadar sürer", "withdrawal_info")
            t.bot(at(day, 12, i), "utter_withdrawal_info", "E-cüzdanlara 24 saat içinde…")
            t.user(at(day, 12, i, 30), "teşekkürler", "thank")
            t.bot(at(day, 12, i, 30), "utter_thank", "Rica ederim!")
            trackers[t.cid] = t.dump()
        # B: a hand-off to a person, resolved and rated
        cid = f"{tag}-{d}-b"
        player = f"P{9000 + d}"
        agent = "ayse" if d % 2 == 0 else "burak"
        t = _Tracker(cid, player)
        t.user(at(day, 13), "kimlik doğrulamasında hangi belgeler lazım", "kyc_info")
        t.bot(at(day, 13), "utter_kyc_info/documents", "Kimlik ve son üç aya ait adres belgesi…")
        queued = at(day, 13, 1)
        t.user(queued, "temsilciye bağlan", "human_handoff")
        t.bot(queued, "action_handoff_request", "",
              custom=Handoff(topic="kyc", reason="player_request", intent="kyc_info").message())
        first = queued + timedelta(minutes=d % 7 + 1)
        resolved = first + timedelta(minutes=10)
        handoff_id = f"{cid}@{int(queued.timestamp() * 1000)}"
        t.user(resolved, "EXTERNAL: EXTERNAL_handoff_resolved", "EXTERNAL_handoff_resolved",
               [{"entity": "agent_username", "value": agent}, {"entity": "handoff_id", "value": handoff_id}])
        t.bot(resolved, "action_handoff_resolved", "Puanlar mısınız?")
        score = HUMAN_CSAT[d % 7]
        rated = resolved + timedelta(seconds=30)
        t.user(rated, f'/rate{{"rating":"{score}"}}', "rate", [{"entity": "rating", "value": str(score)}])
        t.bot(rated, "action_store_rating", "Teşekkürler.")
        trackers[cid] = t.dump()
        handoff_rows.append(dict(handoff_id=handoff_id, conversation_id=cid, player_id=player, agent_username=agent,
                                 topic="kyc", priority="normal", reason="player_request", intent="kyc_info",
                                 queued_at=queued, assigned_at=queued + timedelta(seconds=20),
                                 first_response_at=first, resolved_at=resolved, agent_messages=3, player_messages=2))
        feedback_rows.append(dict(kind="csat", score=score, dedupe_key=f"csat:{cid}:{handoff_id}", conversation_id=cid,
                                  player_id=player, topic="kyc", human=True, agent_username=agent, asked_at=resolved,
                                  answered_at=rated, created_at=rated))
        if d % 7 in NPS:
            feedback_rows.append(dict(kind="nps", score=NPS[d % 7], dedupe_key=f"nps:{player}:{cid}",
                                      conversation_id=cid, player_id=player, topic="kyc", human=True,
                                      agent_username=agent, asked_at=rated, answered_at=rated + timedelta(seconds=20),
                                      created_at=rated))
        # C: a rephrase and a low rating of the bot's bonus answer
        cid = f"{tag}-{d}-c"
        t = _Tracker(cid, None)
        t.user(at(day, 14), "bonus çevrim şartı nedir", "bonus_info")
        t.bot(at(day, 14), "utter_bonus_info", "Çevrim şartı…")
        t.user(at(day, 14, 1), "bonus çevrim şartı ne kadar", "bonus_info")
        t.bot(at(day, 14, 1), "utter_bonus_info", "Çevrim şartı…")
        t.user(at(day, 14, 2), "1 puan", "rate", [{"entity": "rating", "value": "1"}])
        t.bot(at(day, 14, 2), "action_store_rating", "Üzgünüm.")
        trackers[cid] = t.dump()
        feedback_rows.append(dict(kind="csat", score=1, dedupe_key=f"csat:{cid}:bot", conversation_id=cid, player_id=None,
                                  topic="bonus", human=False, agent_username=None, asked_at=None,
                                  answered_at=at(day, 14, 2), created_at=at(day, 14, 2)))
        # D: not understood
        t = _Tracker(f"{tag}-{d}-d", None)
        t.user(at(day, 15), "asdf qwe zxc", "nlu_fallback")
        t.bot(at(day, 15), "action_ask_rephrase", "Anlayamadım…")
        trackers[t.cid] = t.dump()
        # E: the growing topic
        for i in range(d // 7):
            t = _Tracker(f"{tag}-{d}-e{i}", None)
            t.user(at(day, 16, i), "şifremi unuttum", "password_reset")
            t.bot(at(day, 16, i), "utter_password_reset", "Şifre sıfırlama…")
            trackers[t.cid] = t.dump()
        # tickets
        opened = at(day, 10)
        ticket_rows.append(("email", f"{tag}-{d}-m", opened, opened + timedelta(hours=(23, 47, 71)[d % 3])))
        opened = at(day, 11)
        ticket_rows.append(("callback", f"{tag}-{d}-k", opened, opened + timedelta(hours=5 if d % 7 == 6 else 2)))
        if d == 20:
            ticket_rows.append(("email", f"{tag}-{d}-open", at(day, 9), None))
    async with redis.pipeline(transaction=False) as p:
        for cid, data in trackers.items():
            p.set(f"{tracker_prefix}{cid}", data, ex=TRACKER_TTL_S)
        await p.execute()
    await asyncio.to_thread(_write_rows, engine, handoff_rows, feedback_rows, ticket_rows, tag)


def _write_rows(engine: Engine, handoff_rows: list, feedback_rows: list, ticket_rows: list, tag: str) -> None:
    with engine.begin() as c:
        c.execute(insert(chat_handoffs), handoff_rows)
        c.execute(insert(feedback), feedback_rows)
        for n, (kind, cid, opened, answered) in enumerate(ticket_rows):
            due = sla.due(kind, "normal", opened)
            reference = f"{sla.TICKET_PREFIXES[kind]}-{opened.astimezone(ISTANBUL):%y%m%d}-{tag[:2].upper()}{n:04d}"
            tid = c.execute(insert(tickets).values(
                reference=reference, kind=kind, priority="normal", status="closed" if answered else "open",
                conversation_id=cid, subject="Örnek talep", contact_email="ornek@example.com" if kind == "email" else None,
                due_at=None if answered else due, created_at=opened, updated_at=answered or opened,
                first_response_at=answered, closed_at=answered, topic="support")).inserted_primary_key[0]
            c.execute(insert(ticket_events).values(ticket_id=tid, at=opened, status_from=None, status_to="open",
                                                   due_at=due, actor_type="bot", note="created"))
            if answered:
                c.execute(insert(ticket_events).values(ticket_id=tid, at=answered, status_from="open",
                                                       status_to="closed", due_at=None, actor_type="agent",
                                                       actor_id="ayse", note="answered and closed"))


async def _main(argv: list[str] | None = None) -> None:
    from .settings import Settings

    parser = argparse.ArgumentParser(description="Fill the stack with a generated month (demo data for the "
                                                 "supervisor's page and the weekly report).")
    parser.add_argument("--weeks", type=int, default=4)
    args = parser.parse_args(argv)
    settings = Settings()
    today = datetime.now(ISTANBUL).date()
    first = today - timedelta(days=today.weekday()) - timedelta(weeks=args.weeks)
    redis = aioredis.from_url(settings.redis_url, decode_responses=True)
    engine = make_engine(settings.db_url)
    try:
        await generate(redis, engine, first, days=7 * args.weeks, tracker_prefix=settings.tracker_prefix)
    finally:
        await redis.aclose()
        engine.dispose()
    print(f"sample month written: {first} … {first + timedelta(weeks=args.weeks) - timedelta(days=1)}")


if __name__ == "__main__":
    asyncio.run(_main())
