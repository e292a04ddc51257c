"""audit.Audit: records batched into few transactions, awaited writes done on return, a failing
back office retried then given up (logged), what waits written at close — on a real SQLite back office."""
import asyncio
import logging

import pytest
from sqlalchemy import select

from casinra_contracts.backoffice import schema
from casinra_handoff import audit as audit_module
from casinra_handoff.audit import Audit
from casinra_handoff.auth import AgentIdentity
from casinra_handoff.backoffice import BackOffice

AYSE = AgentIdentity(username="ayse", display_name="Ayşe", team="genel")


@pytest.fixture
def backoffice(tmp_path) -> BackOffice:
    bo = BackOffice(f"sqlite:///{tmp_path / 'bo.db'}")
    bo.ensure_schema()
    yield bo
    bo.dispose()


class Counting:
    """The real back office, its batch writes counted; `fail` makes the next writes raise."""

    def __init__(self, bo: BackOffice) -> None:
        self.bo, self.batches, self.fail = bo, [], 0

    def audit_many(self, records) -> None:
        if self.fail:
            self.fail -= 1
            raise OSError("back office unavailable")
        self.batches.append(len(records))
        self.bo.audit_many(records)


def rows(bo: BackOffice) -> list[tuple]:
    with bo.engine.connect() as c:
        return [(r.action, r.target, r.actor_id) for r in c.execute(select(schema.audit_log).order_by(schema.audit_log.c.id))]


async def test_messages_are_written_in_batches_in_order(backoffice):
    spy = Counting(backoffice)
    audit = Audit(spy, window_s=0.05)  # type: ignore[arg-type]
    for n in range(30):
        audit.soon(AYSE, "message", f"c_{n}", seq=n, chars=5)
    assert rows(backoffice) == []  # nothing waits for the write
    await asyncio.sleep(0.5)
    assert [r[1] for r in rows(backoffice)] == [f"c_{n}" for n in range(30)]
    assert spy.batches == [30]
    await audit.close()


async def test_an_awaited_record_is_written_on_return_with_its_masked_details(backoffice):
    audit = Audit(backoffice, window_s=0.05)
    await audit(AYSE, "resolve", "c_1", note="iban TR330006100519786457841326")
    await audit(None, "requeue", "c_2")
    assert rows(backoffice) == [("resolve", "c_1", "ayse"), ("requeue", "c_2", "gateway")]
    with backoffice.engine.connect() as c:
        details = c.execute(select(schema.audit_log.c.details)).scalars().first()
    assert "TR330006100519786457841326" not in details
    await audit.close()


async def test_a_detail_json_cannot_hold_is_written_as_masked_text(backoffice):
    audit = Audit(backoffice, window_s=0.01)
    await audit(AYSE, "export", "c_1", when=object(), iban=b"TR330006100519786457841326")
    audit.soon(AYSE, "message", "c_2")
    await audit.close()
    assert [r[1] for r in rows(backoffice)] == ["c_1", "c_2"]
    with backoffice.engine.connect() as c:
        details = c.execute(select(schema.audit_log.c.details)).scalars().first()
    assert "object at" in details and "TR330006100519786457841326" not in details


async def test_a_failed_write_is_retried(backoffice, monkeypatch):
    monkeypatch.setattr(audit_module, "RETRY_S", 0.05)
    spy = Counting(backoffice)
    spy.fail = 1
    audit = Audit(spy, window_s=0.01)  # type: ignore[arg-type]
    await asyncio.wait_for(audit(AYSE, "claim", "c_1"), 5)
    assert rows(backoffice) == [("claim", "c_1", "ayse")]
    await audit.close()


async def test_a_record_is_given_up_after_its_attempts_and_the_caller_goes_on(backoffice, monkeypatch, caplog):
    monkeypatch.setattr(audit_module, "RETRY_S", 0.01)
    spy = Counting(backoffice)
    spy.fail = audit_module.ATTEMPTS
    audit = Audit(spy, window_s=0.01)  # type: ignore[arg-type]
    with caplog.at_level(logging.ERROR, "casinra.audit"):
        await asyncio.wait_for(audit(AYSE, "claim", "c_1"), 5)
    assert rows(backoffice) == []
    assert any(r.getMessage() == "audit record given up" for r in caplog.records)
    audit.soon(AYSE, "message", "c_2")  # the worker goes on with the next record
    await asyncio.sleep(0.2)
    assert rows(backoffice) == [("message", "c_2", "ayse")]
    await audit.close()


async def test_close_writes_what_waits(backoffice):
    audit = Audit(backoffice, window_s=60)  # the worker would wait a minute
    for n in range(3):
        audit.soon(AYSE, "note", f"c_{n}")
    await asyncio.wait_for(audit.close(), 5)
    assert [r[1] for r in rows(backoffice)] == ["c_0", "c_1", "c_2"]


async def test_a_cancelled_caller_still_gets_its_record_written(backoffice):
    audit = Audit(backoffice, window_s=0.05)
    task = asyncio.create_task(audit(AYSE, "transfer", "c_9"))
    await asyncio.sleep(0)
    task.cancel()
    await asyncio.sleep(0.3)
    assert rows(backoffice) == [("transfer", "c_9", "ayse")]
    await audit.close()
