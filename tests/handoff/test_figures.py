"""Every figure of the supervisor's view against a hand computation, on the generated month of
`casinra_handoff.sample_month` (4 weeks from Monday 2 November 2026, Istanbul time) read back from a
real Redis (Rasa's tracker format) and a real back-office database."""
from __future__ import annotations

import asyncio
import uuid
from datetime import date, datetime, timedelta, timezone

import pytest
import redis.asyncio as aioredis
from casinra_contracts.backoffice import schema
from casinra_contracts.backoffice.engine import make_engine

from casinra_handoff import figures
from casinra_handoff.sample_month import generate

FIRST = date(2026, 11, 2)  # a Monday
WEEK2 = (date(2026, 11, 9), date(2026, 11, 16))  # days 7–13: one security conversation a day
NOW = datetime(2026, 12, 5, tzinfo=timezone.utc)
H = 3600.0


@pytest.fixture(scope="module")
def stored(redis_url, tmp_path_factory):
    prefix = f"t{uuid.uuid4().hex[:8]}:tracker:"
    engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('fig') / 'bo.db'}")
    schema.metadata.create_all(engine)

    async def fill_and_load():
        redis = aioredis.from_url(redis_url, decode_responses=True)
        try:
            await generate(redis, engine, FIRST, 28, tracker_prefix=prefix)
            return await figures.load(redis, engine, prefix)
        finally:
            async for key in redis.scan_iter(match=f"{prefix}*"):
                await redis.delete(key)
            await redis.aclose()

    data = asyncio.run(fill_and_load())
    engine.dispose()
    return data


@pytest.fixture(scope="module")
def week2(stored):
    return figures.compute(stored, *WEEK2, now=NOW, agent_names={"ayse": "Ayşe", "burak": "Burak"})


def test_conversation_figures(week2):
    t = week2["totals"]
    # 7 days × (4 A + 1 B + 1 C + 1 D + 1 E) = 56 conversations
    assert t["conversations"] == 56
    # player turns a day: A 4×2 + B 2 (+ its rating) + C 3 + D 1 + E 1 = 8 + 3 + 3 + 1 + 1 = 16 → 112
    assert t["player_turns"] == 112
    # hand-offs: B only, 7 of 56
    assert (t["handoffs"], t["handoff_rate"]) == (7, pytest.approx(7 / 56))
    # contained: A 4 + C 1 + E 1 = 6 a day (B handed off, D ended on a fallback) → 42 / 56
    assert t["containment"] == pytest.approx(42 / 56)
    # fallbacks: D's one turn a day → 7 / 112
    assert (t["fallback_turns"], t["fallback_rate"]) == (7, pytest.approx(7 / 112))


def test_ratings(week2):
    t = week2["totals"]
    # human: 5 5 5 5 3 2 1 → 4 of 7 satisfied; bot: C's "1 puan" every day → 0 of 7; all: 4 of 14
    assert t["csat_human"]["count"] == 7 and t["csat_human"]["share"] == pytest.approx(4 / 7)
    assert t["csat_bot"]["count"] == 7 and t["csat_bot"]["share"] == 0
    assert t["csat"]["count"] == 14 and t["csat"]["share"] == pytest.approx(4 / 14)
    assert t["csat"]["mean"] == pytest.approx((5 * 4 + 3 + 2 + 1 + 7 * 1) / 14)
    # NPS: 10, 8, 3, 9 → 2 promoters, 1 passive, 1 detractor → (2 − 1) / 4 = 25
    assert {k: t["nps"][k] for k in ("count", "promoters", "passives", "detractors", "score")} == \
        {"count": 4, "promoters": 2, "passives": 1, "detractors": 1, "score": 25.0}


def test_human_chat_times_and_agents(week2):
    t = week2["totals"]
    # first answers 1…7 minutes after the queue (d % 7 + 1), resolved 10 minutes later
    assert t["human_chats"] == 7
    assert t["chat_first_response"] == {"count": 7, "median": 240.0, "p90": 420.0}  # 4th of 7; ⌈6.3⌉ = 7th
    assert t["chat_resolution"] == {"count": 7, "median": 840.0, "p90": 1020.0}
    agents = {a["agent"]: a for a in week2["agents"]}
    # days 7–13: burak on 7, 9, 11, 13 (d % 7 = 0, 2, 4, 6 → 5, 5, 3, 1); ayse on 8, 10, 12 (1, 3, 5 → 5, 5, 2)
    assert (agents["burak"]["chats"], agents["ayse"]["chats"]) == (4, 3)
    assert agents["burak"]["csat"]["share"] == pytest.approx(2 / 4) and agents["ayse"]["csat"]["share"] == pytest.approx(2 / 3)
    # burak's first answers: 1, 3, 5, 7 min → median 4 min, p90 = 4th = 7 min; ayse's: 2, 4, 6 → 4, 6
    assert agents["burak"]["first_response"] == {"count": 4, "median": 240.0, "p90": 420.0}
    assert agents["ayse"]["first_response"] == {"count": 3, "median": 240.0, "p90": 360.0}
    assert agents["ayse"]["display_name"] == "Ayşe"
    assert [a["agent"] for a in week2["agents"]] == ["burak", "ayse"]  # most chats first


def test_ticket_times_and_sla_breaches(week2, stored):
    t = week2["totals"]
    assert t["tickets_opened"] == 14
    # e-mails answered after 47, 71, 23, 47, 71, 23, 47 h (d % 3 = 1, 2, 0, …); callbacks after 2 h ×6 and 5 h:
    # sorted 2 2 2 2 2 2 5 23 23 47 47 47 71 71 → median (5 + 23) / 2 = 14 h, p90 = 13th = 71 h
    assert t["ticket_first_response"] == {"count": 14, "median": 14 * H, "p90": 71 * H}
    assert t["ticket_resolution"] == t["ticket_first_response"]
    # one breach: Sunday's callback (5 h against 4 h)
    assert t["sla_breaches"] == 1
    assert [b["kind"] for b in week2["breaches"]] == ["callback"]
    # week 4 also has the e-mail of day 20 that nobody answered: due day 23 (72 h), past by NOW
    week4 = figures.compute(stored, date(2026, 11, 23), date(2026, 11, 30), now=NOW)
    assert week4["totals"]["sla_breaches"] == 2
    # … but not before it was due
    assert figures.compute(stored, date(2026, 11, 23), date(2026, 11, 30),
                           now=datetime(2026, 11, 23, 12, tzinfo=timezone.utc))["totals"]["sla_breaches"] == 1


def test_topics_and_growth(week2):
    by = {t["topic"]: t for t in week2["topics"]}
    # a week: payments 28 (A), kyc 7 (B), bonus 7 (C), security 7 (E, 0 the week before), support 7 (D: no need named)
    assert {k: v["conversations"] for k, v in by.items()} == \
        {"payments": 28, "kyc": 7, "bonus": 7, "security": 7, "support": 7}
    assert week2["topics"][0]["topic"] == "payments"
    assert (by["security"]["previous"], by["security"]["growth"], by["security"]["growth_share"]) == (0, 7, None)
    assert [g["topic"] for g in week2["growing"]] == ["security"]
    assert by["kyc"]["handoff_rate"] == 1.0 and by["kyc"]["csat"] == pytest.approx(4 / 7)
    assert by["bonus"]["csat"] == 0 and by["payments"]["handoff_rate"] == 0


def test_root_causes(week2):
    rows = {(r["intent"], r["answer"]): r for r in week2["root_causes"]}
    kyc = rows[("kyc_info", "utter_kyc_info/documents")]
    assert (kyc["answers"], kyc["handoff"], kyc["problems"], kyc["share"]) == (7, 7, 7, 1.0)
    # bonus answered twice a day: the first answer is followed by a rephrase, the second by "1 puan"
    bonus = rows[("bonus_info", "utter_bonus_info")]
    assert (bonus["answers"], bonus["rephrase"], bonus["low_rating"], bonus["share"]) == (14, 7, 7, 1.0)
    assert ("withdrawal_info", "utter_withdrawal_info") not in rows  # "teşekkürler" is no problem
    assert [r["intent"] for r in week2["root_causes"]][:2] == ["bonus_info", "kyc_info"]  # 14 problems, then 7


def test_series_per_day_and_per_week(stored, week2):
    days = week2["series"]
    assert [d["bucket"] for d in days] == [f"2026-11-{n:02d}" for n in range(9, 16)]
    assert all(d["conversations"] == 8 and d["handoff_rate"] == pytest.approx(1 / 8) for d in days)
    assert all(d["containment"] == pytest.approx(6 / 8) and d["fallback_rate"] == pytest.approx(1 / 16) for d in days)
    # each day's ratings: the human one and the bot's 1
    assert [d["csat"] for d in days] == [0.5, 0.5, 0.5, 0.5, 0.0, 0.0, 0.0]
    assert [d["sla_breaches"] for d in days] == [0, 0, 0, 0, 0, 0, 1]
    month = figures.compute(stored, FIRST, FIRST + timedelta(days=28), bucket="week", now=NOW)
    weeks = month["series"]
    # conversations a week: 7 × (7 + w) for w = 0…3
    assert [w["conversations"] for w in weeks] == [49, 56, 63, 70]
    assert [w["sla_breaches"] for w in weeks] == [1, 1, 1, 2]
    assert [w["nps"] for w in weeks] == [25.0] * 4
    assert month["totals"]["conversations"] == 238 and month["totals"]["human_chats"] == 28


def test_percentiles_by_hand():
    assert figures.durations([]) == {"count": 0, "median": None, "p90": None}
    assert figures.durations([10]) == {"count": 1, "median": 10.0, "p90": 10.0}
    assert figures.durations(range(1, 11)) == {"count": 10, "median": 5.5, "p90": 9.0}  # ⌈9⌉ = 9th
    assert figures.durations(range(1, 12)) == {"count": 11, "median": 6.0, "p90": 10.0}  # ⌈9.9⌉ = 10th


def test_the_archive_keeps_the_figures_when_the_trackers_are_gone(redis_url, tmp_path, week2):
    """Rasa's trackers expire after 7 days: their facts (no text) are copied to `conversation_facts`
    first, and the figures read from there what Redis no longer has."""
    prefix = f"t{uuid.uuid4().hex[:8]}:tracker:"
    engine = make_engine(f"sqlite:///{tmp_path / 'bo.db'}")
    schema.metadata.create_all(engine)

    async def run():
        redis = aioredis.from_url(redis_url, decode_responses=True)
        try:
            await generate(redis, engine, FIRST, 28, tracker_prefix=prefix)
            assert await figures.archive_trackers(redis, engine, prefix) == 238
            assert await figures.archive_trackers(redis, engine, prefix) == 0  # nothing new
            async for key in redis.scan_iter(match=f"{prefix}*"):
                await redis.delete(key)
            return await figures.load(redis, engine, prefix)
        finally:
            await redis.aclose()

    stored = asyncio.run(run())
    with engine.connect() as c:
        sample = c.execute(schema.conversation_facts.select().limit(1)).mappings().first()
    engine.dispose()
    assert "çevrim" not in sample["turns"] and "text" not in sample["turns"]  # no player text is kept
    again = figures.compute(stored, *WEEK2, now=NOW, agent_names={"ayse": "Ayşe", "burak": "Burak"})
    assert again == week2
