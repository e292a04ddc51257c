"""self_exclusion_form: period, explicit confirmation, applied + audit-logged, then a specialist."""
from __future__ import annotations

import json

import pytest

from actions.self_exclusion import (
    ActionAskExclusionConfirmed,
    ActionSelfExclusionSubmit,
    ValidateSelfExclusionForm,
)
from conftest import make_tracker, payloads, run_action, slot_events, texts


def validate(domain, **kwargs):
    return run_action(ValidateSelfExclusionForm(),
                      make_tracker("P1001", intent="inform", active_loop="self_exclusion_form", **kwargs), domain)


@pytest.mark.parametrize("text,expected", [("24 saat", "24h"), ("1 gün", "24h"), ("7 gün", "7d"),
                                           ("bir hafta", "7d"), ("30 gün", "30d"), ("1 ay", "30d"),
                                           ("6 ay", "6m"), ("alti ay", "6m"), ("kalıcı", "permanent"),
                                           ("kalici olarak kapatin", "permanent"), ("süresiz", "permanent")])
def test_periods(domain, text, expected):
    events, _ = validate(domain, text=text, requested_slot="exclusion_period",
                         candidates={"exclusion_period": text})
    assert slot_events(events)["exclusion_period"] == expected


@pytest.mark.parametrize("text", ["3 ay", "2 yıl", "biraz", "48 saat"])
def test_unknown_period_is_asked_again(domain, text):
    events, messages = validate(domain, text=text, requested_slot="exclusion_period",
                                candidates={"exclusion_period": text})
    assert slot_events(events)["exclusion_period"] is None
    assert "24 saat, 7 gün, 30 gün, 6 ay ya da kalıcı" in texts(messages)


@pytest.mark.parametrize("value,expected", [(True, True), (False, False), ("evet onaylıyorum", True),
                                            ("hayır", False), ("belki", None)])
def test_confirmation(domain, value, expected):
    events, _ = validate(domain, text=str(value), requested_slot="exclusion_confirmed",
                         slots={"exclusion_period": "7d"}, candidates={"exclusion_confirmed": value})
    assert slot_events(events)["exclusion_confirmed"] is expected


def test_confirmation_question_names_the_period():
    _, messages = run_action(ActionAskExclusionConfirmed(), make_tracker("P1001", slots={"exclusion_period": "30d"}))
    assert "30 gün süreyle" in texts(messages) and "Onaylıyor musunuz?" in texts(messages)
    assert payloads(messages) == ["/affirm", "/deny"]
    _, messages = run_action(ActionAskExclusionConfirmed(), make_tracker("P1001", slots={"exclusion_period": "permanent"}))
    assert "geri alınamaz" in texts(messages)


def test_confirmed_exclusion_is_applied_and_audited(backoffice, audit_rows):
    events, messages = run_action(ActionSelfExclusionSubmit(), make_tracker(
        "P1001", slots={"exclusion_period": "30d", "exclusion_confirmed": True}))
    text = texts(messages)
    assert "30 gün süreyle oyuna kapattım" in text and "115" in text and "bağlıyorum" not in text  # the gateway tells
    assert slot_events(events)["handoff_intent"] == "responsible_gaming"
    assert backoffice.active_exclusion_of("P1001").period == "30d"
    (row,) = audit_rows("self_exclusion_applied")
    assert row[1] == "P1001" and json.loads(row[4])["period"] == "30d"


def test_shorter_exclusion_does_not_shorten_a_longer_one(backoffice):
    run_action(ActionSelfExclusionSubmit(), make_tracker("P1001", slots={"exclusion_period": "permanent",
                                                                        "exclusion_confirmed": True}))
    _, messages = run_action(ActionSelfExclusionSubmit(), make_tracker(
        "P1001", slots={"exclusion_period": "24h", "exclusion_confirmed": True}))
    assert "zaten kalıcı olarak" in texts(messages)
    assert backoffice.active_exclusion_of("P1001").ends_at is None


def test_declined_confirmation_changes_nothing(backoffice, audit_rows):
    events, messages = run_action(ActionSelfExclusionSubmit(), make_tracker(
        "P1001", slots={"exclusion_period": "7d", "exclusion_confirmed": False}))
    assert "bir değişiklik yapmadım" in texts(messages)
    assert backoffice.active_exclusion_of("P1001") is None
    assert audit_rows("self_exclusion_applied") == []
    assert slot_events(events)["handoff_intent"] == "responsible_gaming"
