"""fraud_report_form: validation, urgent ticket, lock offer for a signed-in player, audited lock."""
from __future__ import annotations

import json
import sqlite3

from actions.fraud import ActionFraudReportSubmit, ActionLockAccount, ValidateFraudReportForm
from conftest import entity, make_tracker, run_action, slot_events, texts


def validate(domain, **kwargs):
    return run_action(ValidateFraudReportForm(), make_tracker(active_loop="fraud_report_form", **kwargs), domain)


def test_long_first_message_is_taken_as_the_description(domain):
    events, _ = validate(domain, intent="report_fraud",
                         text="hesabıma biri girmiş ve benim yapmadığım TX-10000001 çekimini yapmış",
                         entities=[entity("transaction_id", "TX-10000001")])
    slots = slot_events(events)
    assert slots["fraud_description"].startswith("hesabıma biri girmiş")
    assert slots["fraud_transaction_id"] == "TX-10000001"
    assert slots["handoff_intent"] == "report_fraud"  # mid-form hand-off is urgent too


def test_short_first_message_asks_for_the_story(domain):
    events, _ = validate(domain, intent="report_fraud", text="hesabım çalındı")
    slots = slot_events(events)
    assert "fraud_description" not in slots  # Rasa's form then asks utter_ask_fraud_description


def test_too_short_description_is_asked_again(domain):
    events, messages = validate(domain, intent="inform", text="çalındı", requested_slot="fraud_description",
                                candidates={"fraud_description": "çalındı"})
    assert slot_events(events)["fraud_description"] is None
    assert "ayrıntı" in texts(messages)


def test_transaction_id_forms_and_none(domain):
    for written, expected in [("tx10000001", "TX-10000001"), ("10000001", "TX-10000001"),
                              ("yok", "yok"), ("bilmiyorum", "yok"), ("Hayır", "yok")]:
        events, _ = validate(domain, intent="inform", text=written, requested_slot="fraud_transaction_id",
                             slots={"fraud_description": "benim yapmadığım bir çekim var"},
                             candidates={"fraud_transaction_id": written})
        assert slot_events(events)["fraud_transaction_id"] == expected, written


def test_garbage_transaction_id_is_rejected(domain):
    events, messages = validate(domain, intent="inform", text="abc123", requested_slot="fraud_transaction_id",
                                slots={"fraud_description": "benim yapmadığım bir çekim var"},
                                candidates={"fraud_transaction_id": "abc123"})
    assert slot_events(events)["fraud_transaction_id"] is None
    assert "TX-12345678" in texts(messages)


def test_submit_opens_urgent_ticket_for_signed_in_player(backoffice, db_path):
    events, messages = run_action(ActionFraudReportSubmit(), make_tracker(
        "P1001", slots={"fraud_description": "benim yapmadığım bir çekim talebi var",
                        "fraud_transaction_id": "TX-10000001"}))
    text = texts(messages)
    assert "acil öncelikle kaydettim" in text and "Referans numaranız: DLD-" in text
    slots = slot_events(events)
    assert slots["signed_in"] is True and slots["handoff_intent"] == "report_fraud"
    assert slots["fraud_description"] is None  # form reset for a next report
    with sqlite3.connect(db_path) as conn:
        row = conn.execute("SELECT kind, priority, player_id, transaction_id FROM tickets").fetchone()
    assert row == ("fraud", "urgent", "P1001", "TX-10000001")


def test_guest_report_goes_straight_to_a_human(backoffice):
    events, messages = run_action(ActionFraudReportSubmit(), make_tracker(
        None, slots={"fraud_description": "kartımdan bilmediğim bir yatırım yapılmış", "fraud_transaction_id": "yok"}))
    assert slot_events(events)["signed_in"] is False
    assert "güvenlik temsilcimize bağlıyorum" in texts(messages)


def test_lock_account_is_applied_and_audited(backoffice, audit_rows, db_path):
    events, messages = run_action(ActionLockAccount(), make_tracker("P1001", sender_id="conv-7"))
    assert "Hesabınızı kilitledim" in texts(messages)
    assert slot_events(events)["handoff_intent"] == "report_fraud"
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("SELECT locked FROM players WHERE id='P1001'").fetchone() == (1,)
        assert conn.execute("SELECT locked FROM players WHERE id='P1002'").fetchone() == (0,)
    (row,) = audit_rows("account_locked")
    assert row[:4] == ("player", "P1001", "account_locked", "P1001")
    assert json.loads(row[4])["conversation_id"] == "conv-7"
    _, again = run_action(ActionLockAccount(), make_tracker("P1001"))
    assert "zaten kilitli" in texts(again)


def test_guest_cannot_lock(backoffice, audit_rows):
    _, messages = run_action(ActionLockAccount(), make_tracker(None))
    assert "oturum açmış" in texts(messages)
    assert audit_rows("account_locked") == []
