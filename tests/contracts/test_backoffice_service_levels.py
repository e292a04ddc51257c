"""Service levels in the shared back-office: the SLA table, the feedback checks, and the upgrade of a
database made before them (rows kept, new kinds and statuses accepted)."""
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import insert, inspect, select, text
from sqlalchemy.exc import IntegrityError

from casinra_contracts.backoffice import mails, migrate, schema, sla
from casinra_contracts.backoffice.engine import make_engine

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)
OLD_TICKETS = """
CREATE TABLE tickets (
    id INTEGER NOT NULL, reference VARCHAR(32) NOT NULL, kind VARCHAR(16) NOT NULL,
    priority VARCHAR(16) NOT NULL, status VARCHAR(16) NOT NULL, player_id VARCHAR(16),
    conversation_id VARCHAR(128), subject VARCHAR(200), description TEXT, transaction_id VARCHAR(16),
    contact_phone VARCHAR(32), contact_email VARCHAR(254), preferred_window VARCHAR(64), details TEXT,
    due_at DATETIME, created_at DATETIME NOT NULL, PRIMARY KEY (id), UNIQUE (reference),
    CONSTRAINT ck_ticket_kind CHECK (kind IN ('email', 'callback', 'fraud', 'privacy')),
    CONSTRAINT ck_ticket_priority CHECK (priority IN ('urgent', 'high', 'normal')),
    CONSTRAINT ck_ticket_status CHECK (status IN ('open', 'in_progress', 'closed')),
    FOREIGN KEY(player_id) REFERENCES players (id))
"""


def test_every_kind_and_priority_has_a_target():
    for kind in schema.TICKET_KINDS:
        assert kind in sla.TICKET_KIND_LABELS and kind in sla.TICKET_PREFIXES
        for priority in schema.TICKET_PRIORITIES:
            assert (kind, priority) in sla.SLA_TARGETS
            # more urgent is never slower
        assert sla.target(kind, "urgent") <= sla.target(kind, "high") <= sla.target(kind, "normal")
    assert sla.target("email", "normal") == timedelta(hours=72)  # the operator's 24–72 hours
    assert sla.target("privacy", "normal") == timedelta(days=30)  # KVKK's 30 days
    assert set(sla.TICKET_STATUS_LABELS) == set(schema.TICKET_STATUSES)


def test_sla_state():
    due = NOW + timedelta(hours=10)  # e-mail, normal: 72 h target, at risk under 14.4 h left
    assert sla.state("open", due, NOW, "email", "normal") == "at_risk"
    assert sla.state("open", NOW + timedelta(hours=20), NOW, "email", "normal") == "ok"
    assert sla.state("in_progress", NOW - timedelta(minutes=1), NOW, "email", "normal") == "breached"
    assert sla.state("answered", NOW - timedelta(days=9), NOW, "email", "normal") == "none"


def test_references_are_found_in_subjects_and_replies():
    assert mails.reference_in("Re: [ept-261201-n34g62] Çekim") == "EPT-261201-N34G62"
    assert mails.reference_in("konu: SKY-261128-K7M2P9 hakkında") == "SKY-261128-K7M2P9"
    assert mails.reference_in("TX-10000001 gelmedi") is None
    assert mails.answer_subject("EPT-261201-N34G62", "Ynt: RE: [EPT-261201-N34G62] Çekim") == \
        "Re: [EPT-261201-N34G62] Çekim"
    subject, body = mails.confirmation("EPT-261201-N34G62", "email", "Çekim gecikti", NOW, "Ahmet Yılmaz")
    assert subject == "[EPT-261201-N34G62] Çekim gecikti" and "Merhaba Ahmet," in body and "1 Aralık 2026" in body


@pytest.fixture
def engine(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'backoffice.db'}")
    yield engine
    engine.dispose()


def test_feedback_scores_are_checked(engine):
    schema.metadata.create_all(engine)
    good = [("csat", 1), ("csat", 5), ("nps", 0), ("nps", 10), ("nps", None)]
    bad = [("csat", 0), ("csat", 6), ("nps", 11), ("nps", -1), ("stars", 3)]
    for i, (kind, score) in enumerate(good + bad):
        row = dict(kind=kind, score=score, dedupe_key=f"k{i}", created_at=NOW)
        if (kind, score) in bad:
            with pytest.raises(IntegrityError), engine.begin() as c:
                c.execute(insert(schema.feedback).values(**row))
        else:
            with engine.begin() as c:
                c.execute(insert(schema.feedback).values(**row))
    with engine.begin() as c, pytest.raises(IntegrityError):  # one row per dedupe key
        c.execute(insert(schema.feedback).values(kind="csat", score=3, dedupe_key="k0", created_at=NOW))


def test_an_older_database_is_upgraded_in_place(engine):
    with engine.begin() as c:
        c.exec_driver_sql("CREATE TABLE players (id VARCHAR(16) PRIMARY KEY, name VARCHAR(120) NOT NULL, "
                          "email VARCHAR(254), phone VARCHAR(32), locked BOOLEAN NOT NULL DEFAULT 0, "
                          "created_at DATETIME NOT NULL)")
        c.exec_driver_sql("INSERT INTO players VALUES ('P1001', 'Ahmet Yılmaz', NULL, NULL, 0, '2026-01-01')")
        c.exec_driver_sql(OLD_TICKETS)
        c.exec_driver_sql("INSERT INTO tickets (id, reference, kind, priority, status, player_id, created_at) "
                          "VALUES (7, 'EPT-261101-AAAAAA', 'email', 'normal', 'open', 'P1001', '2026-11-01')")
        with pytest.raises(IntegrityError):
            c.exec_driver_sql("INSERT INTO tickets (reference, kind, priority, status, created_at) "
                              "VALUES ('SKY-1', 'complaint', 'normal', 'open', '2026-11-01')")
    migrate.upgrade(engine)
    migrate.upgrade(engine)  # idempotent
    columns = {c["name"] for c in inspect(engine).get_columns("tickets")}
    assert {"due_at", "topic", "assigned_agent", "first_response_at", "closed_at", "thread_id"} <= columns
    assert {"ticket_events", "ticket_messages", "ticket_attachments", "feedback", "chat_handoffs"} <= \
        set(inspect(engine).get_table_names())
    with engine.begin() as c:
        assert c.execute(select(schema.tickets.c.id, schema.tickets.c.reference)).all() == [(7, "EPT-261101-AAAAAA")]
        c.execute(insert(schema.tickets).values(reference="SKY-261201-BBBBBB", kind="complaint", priority="high",
                                                status="answered", created_at=NOW))
        c.execute(insert(schema.ticket_events).values(ticket_id=7, at=NOW, status_to="in_progress",
                                                      actor_type="agent", actor_id="ayse"))
        with pytest.raises(IntegrityError), c.begin_nested():
            c.execute(insert(schema.tickets).values(reference="X-1", kind="fax", priority="normal", status="open",
                                                    created_at=NOW))
        assert c.execute(text("PRAGMA foreign_key_check")).all() == []
