"""Guests and cross-player attempts: polite refusal, nothing revealed, audit row written."""
from __future__ import annotations

import json

import pytest

from actions.bonus import ActionBonusStatus
from actions.kyc import ActionKycStatus
from actions.limits import ActionDepositLimitSubmit
from actions.self_exclusion import ActionSelfExclusionSubmit
from actions.transactions import ActionTransactionLookup
from conftest import entity, make_tracker, payloads, run_action, texts


@pytest.mark.parametrize("action,intent", [
    (ActionTransactionLookup(), "withdrawal_status"),
    (ActionTransactionLookup(), "deposit_missing"),
    (ActionTransactionLookup(), "transaction_lookup"),
    (ActionKycStatus(), "kyc_status"),
    (ActionBonusStatus(), "bonus_status"),
])
def test_guest_is_refused_politely_with_a_human(backoffice, action, intent):
    tracker = make_tracker(None, intent=intent, text="TX-10000001 ne oldu",
                           entities=[entity("transaction_id", "TX-10000001")])
    events, messages = run_action(action, tracker)
    text = texts(messages)
    assert "oturum açmış olmanız gerekiyor" in text
    assert "/human_handoff" in payloads(messages)
    assert "1.500,00" not in text and "Ahmet" not in text
    assert events == []


def test_cross_player_lookup_reveals_nothing_and_is_audited(backoffice, audit_rows):
    tracker = make_tracker("P1002", intent="transaction_lookup", text="TX-10000001 ne durumda",
                           entities=[entity("transaction_id", "TX-10000001")], sender_id="conv-42")
    _, messages = run_action(ActionTransactionLookup(), tracker)
    text = texts(messages)
    assert "bulamadım" in text
    for secret in ("1.500,00", "havale", "beklemede", "Ahmet", "P1001", "başka bir"):
        assert secret not in text
    rows = audit_rows("cross_player_lookup_denied")
    assert len(rows) == 1
    actor_type, actor_id, _, target, details = rows[0]
    assert (actor_type, actor_id, target) == ("player", "P1002", "TX-10000001")
    assert json.loads(details)["conversation_id"] == "conv-42"


def test_unknown_and_foreign_ids_get_the_same_answer(backoffice, audit_rows):
    def reply(tx):
        _, messages = run_action(ActionTransactionLookup(), make_tracker(
            "P1002", intent="transaction_lookup", text=tx, entities=[entity("transaction_id", tx)]))
        return texts(messages).replace(tx, "<id>")

    assert reply("TX-10000001") == reply("TX-99999999")
    assert len(audit_rows("cross_player_lookup_denied")) == 1  # only the foreign one


def test_forged_slot_does_not_sign_in(backoffice):
    tracker = make_tracker(None, intent="deposit_limit",
                           slots={"signed_in": True, "limit_period": "daily", "limit_amount": "100.00"})
    events, messages = run_action(ActionDepositLimitSubmit(), tracker)
    assert "oturum açmış" in texts(messages) or messages[0].get("response") == "utter_deposit_limit_sign_in_needed"
    assert backoffice.limits_of("P1001") == []


def test_guest_self_exclusion_not_applied(backoffice):
    tracker = make_tracker(None, slots={"exclusion_period": "7d", "exclusion_confirmed": True})
    events, messages = run_action(ActionSelfExclusionSubmit(), tracker)
    assert "oturum açmış olmanız gerekiyor" in texts(messages)
    assert {"event": "slot", "name": "handoff_intent", "value": "responsible_gaming",
            "timestamp": None} in events
