"""The review inbox from recorded conversations with known answers.

`fixture/recorded/trackers.json`: Rasa trackers recorded through the gateway (tests/content/fixture/
recorded/README.md); `archive.json`: an archived hand-off chat whose tracker is gone. Personal data
was put back into a few messages, as a tracker stored without the gateway's masking would hold it."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.contentkit.inbox import Sources, build, decide, load_decisions

RECORDED = Path(__file__).resolve().parent / "fixture" / "recorded"
PERSONAL = ["4543", "1234 5678", "ahmet.yilmaz@example.com", "0532", "111 22 33", "12345678950", "TR33", "0006 1005",
            "0533", "Ahmet", "Yılmaz", "Mehmet", "Kaya"]


@pytest.fixture(scope="module")
def sources() -> Sources:
    archive = json.loads((RECORDED / "archive.json").read_text(encoding="utf-8"))
    return Sources(trackers=json.loads((RECORDED / "trackers.json").read_text(encoding="utf-8")),
                   transcripts=archive["transcripts"], players=archive["players"])


@pytest.fixture(scope="module")
def inbox(sources: Sources) -> dict:
    return build(sources)


def by_text(inbox: dict, start: str) -> dict:
    return next(g for g in inbox["groups"] if g["text"].lower().startswith(start.lower()))


def test_groups_with_counts_most_frequent_first(inbox: dict) -> None:
    assert (inbox["conversations"], inbox["messages"], len(inbox["groups"])) == (12, 12, 9)
    first = inbox["groups"][0]
    assert first["text"] == "Uzay mekiği ne zaman kalkıyor?"  # of equally frequent wordings, the Turkish-lettered
    assert first["count"] == 4 and first["conversations"] == 4
    assert {m["text"] for m in first["members"]} == {
        "uzay mekiği ne zaman kalkıyor", "uzay mekiği ne zaman kalkar", "Uzay mekiği ne zaman kalkıyor?",
        "uzay mekigi ne zaman kalkar"}
    assert all(g["count"] == 1 for g in inbox["groups"][1:])
    assert first["keys"] == ["uzay mekigi ne zaman kalkar", "uzay mekigi ne zaman kalkiyor"]  # folded


@pytest.mark.parametrize("start, reasons, top", [
    ("uzay meki", ["low_confidence"], ["withdrawal_status", "bonus_status", "out_of_scope"]),
    ("blorp zıpzıp", ["fallback"], ["nlu_fallback", "out_of_scope", "affirm"]),
    ("kartım", ["near_tie"], ["deposit_missing", "inform", "rate"]),
    ("yatırdığım para hesaba geçmedi", ["rephrase"], ["deposit_missing", "deposit_info", "bonus_status"]),
    ("bonus çevrim şartı nedir", ["handoff_after_answer"], ["bonus_info", "bonus_status", "bonus_dispute"]),
    ("çekim limitleri ne kadar", ["handoff_after_answer"], ["withdrawal_info", "deposit_limit", "withdrawal_status"]),
    ("bonus kodu nasıl kullanılır", ["low_rating"], ["bonus_info", "bonus_status", "two_factor"]),
    ("hesabımı biri ele geçirmiş", ["safety"], ["report_fraud", "password_reset", "human_handoff"]),
    ("ben [ad], çekimim neden reddedildi", ["handoff_after_answer"], []),
])
def test_each_kind_of_problem_with_the_model_s_top_three(inbox: dict, start: str, reasons: list, top: list) -> None:
    group = by_text(inbox, start)
    assert [r["code"] for r in group["reasons"]] == reasons
    assert [i["name"] for i in group["top_intents"]] == top


def test_a_rating_after_an_agent_s_chat_does_not_blame_the_bot(inbox: dict) -> None:
    limits = by_text(inbox, "çekim limitleri ne kadar")
    assert "low_rating" not in [r["code"] for r in limits["reasons"]]


def test_personal_data_is_masked_everywhere(inbox: dict) -> None:
    dump = json.dumps(inbox, ensure_ascii=False)
    assert [p for p in PERSONAL if p in dump] == []
    assert by_text(inbox, "kartım")["text"] == "kartım [kart ****9012] ile yatırdığım para gözükmüyor, mailim [e-posta]"
    assert by_text(inbox, "blorp")["text"] == "blorp zıpzıp kakofoni [IBAN]"
    greeting = by_text(inbox, "kartım")["members"][0]["context"]
    assert greeting[0] == {"sender": "player", "text": "merhaba", "focus": False}
    assert greeting[1]["text"].startswith("Merhaba [ad]! Ben Casinra Destek asistanı.")
    space = [m for m in by_text(inbox, "uzay meki")["members"] if m["text"] == "uzay mekiği ne zaman kalkıyor"][0]
    assert any(line["text"] == "ben [ad], telefonum [telefon], TC [T.C. kimlik no], beni arayın" for line in space["context"])


def test_the_conversation_around_the_message(inbox: dict) -> None:
    group = by_text(inbox, "yatırdığım para hesaba geçmedi")
    lines = group["members"][0]["context"]
    focus = [l for l in lines if l.get("focus")]
    assert focus == [{"sender": "player", "text": "yatırdığım para hesaba geçmedi", "focus": True}]
    assert lines[-2]["text"] == "param hala yatmadı yatırdığım para hesaba geçmedi hala"
    archived = by_text(inbox, "ben [ad], çekimim")
    assert archived["members"][0]["source"] == "transcript"
    assert [l["sender"] for l in archived["members"][0]["context"]] == ["player", "bot", "player", "bot"]


def test_decided_messages_leave_the_inbox(sources: Sources, tmp_path: Path) -> None:
    path = tmp_path / "decisions.json"
    first = build(sources)["groups"][0]
    decide(path, first["keys"], "example", "deniz", intent="out_of_scope", text=first["text"])
    decide(path, by_text(build(sources), "blorp")["keys"], "ignore", "deniz")
    after = build(sources, load_decisions(path))
    assert after["decided"] == 3  # message keys
    assert not any(g["text"].startswith(("uzay", "blorp")) for g in after["groups"])
    assert load_decisions(path)[first["keys"][0]]["intent"] == "out_of_scope"


def test_the_inbox_from_redis_and_the_database(sources: Sources, tmp_path: Path, redis_url: str) -> None:
    """The same inbox when the trackers are in Redis (Rasa's keys) and the chat in the back-office."""
    import redis
    from casinra_contracts.backoffice.engine import make_engine
    from casinra_contracts.backoffice.schema import chat_transcripts, metadata, players
    from sqlalchemy import insert

    client = redis.Redis.from_url(redis_url)
    prefix = "inboxtest:tracker:"
    for cid, events in sources.trackers.items():
        client.set(prefix + cid, json.dumps({"events": events, "name": cid}, ensure_ascii=False))
    db = f"sqlite:///{tmp_path / 'bo.db'}"
    engine = make_engine(db)
    metadata.create_all(engine)
    with engine.begin() as c:
        c.execute(insert(players), [{"id": pid, "name": name} for pid, name in sources.players.items()])
        row = dict(sources.transcripts[0])
        c.execute(insert(chat_transcripts).values(**{**row, "transcript": json.dumps(row["transcript"], ensure_ascii=False)}))
    engine.dispose()
    loaded = build(Sources(redis_url=redis_url, db_url=db, tracker_prefix=prefix).load())
    expected = build(sources)
    assert [(g["text"], g["count"]) for g in loaded["groups"]] == [(g["text"], g["count"]) for g in expected["groups"]]
    client.delete(*[prefix + cid for cid in sources.trackers])
