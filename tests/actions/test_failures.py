"""The back-office down, broken or slow: a Turkish apology and a human, never a crash or a hang."""
from __future__ import annotations

import time

import pytest

from actions.backoffice.repository import BackOffice
from actions.backoffice.service import set_backoffice
from actions.bonus import ActionBonusStatus
from actions.callback import ActionCallbackSubmit
from actions.kyc import ActionKycStatus
from actions.limits import ActionAskLimitAmount, ActionDepositLimitSubmit
from actions.privacy import ActionPrivacyRequestSubmit
from actions.safety import ActionSafetyEscalation, ActionSafetyFollowup
from actions.self_exclusion import ActionSelfExclusionSubmit
from actions.tickets import ActionEmailTicketSubmit
from actions.settings import ActionSettings
from actions.transactions import ActionTransactionLookup
from conftest import make_tracker, payloads, run_action, slot_events, texts

LOOKUPS = [
    (ActionTransactionLookup(), "withdrawal_status", {}),
    (ActionKycStatus(), "kyc_status", {}),
    (ActionBonusStatus(), "bonus_status", {}),
    (ActionDepositLimitSubmit(), "inform", {"limit_period": "daily", "limit_amount": "100.00"}),
    (ActionCallbackSubmit(), "inform", {"callback_phone": "+90 532 123 45 67", "callback_time": "sabah (09:00–12:00)"}),
    (ActionEmailTicketSubmit(), "inform", {"ticket_subject": "Çekim", "ticket_description": "Çekimim gecikti, bakar mısınız", "ticket_transaction_id": "yok"}),
    (ActionPrivacyRequestSubmit(), "inform", {"privacy_request_type": "access", "privacy_details": "yok"}),
]


def assert_apology(messages):
    text = texts(messages)
    assert "Üzgünüm" in text
    assert "temsilci" in text
    assert "Traceback" not in text and "sqlalchemy" not in text.lower()


@pytest.fixture(params=["missing-dir", "not-a-database", "postgres-refused"])
def broken_backoffice(request, tmp_path, monkeypatch):
    if request.param == "missing-dir":
        url = f"sqlite:///{tmp_path}/does/not/exist/backoffice.db"
    elif request.param == "not-a-database":
        bad = tmp_path / "garbage.db"
        bad.write_bytes(b"this is not a sqlite file" * 200)
        url = f"sqlite:///{bad}"
    else:
        url = "postgresql+psycopg2://casinra:secret@127.0.0.1:1/backoffice"
    monkeypatch.setenv("CASINRA_DB_URL", url)
    monkeypatch.setenv("CASINRA_BACKOFFICE_CONNECT_TIMEOUT", "1")
    set_backoffice(None)
    yield url
    set_backoffice(None)


@pytest.mark.parametrize("action,intent,slots", LOOKUPS, ids=lambda v: getattr(v, "name", lambda: None)() or None)
def test_unreachable_backoffice_gets_apology_and_human(broken_backoffice, action, intent, slots):
    events, messages = run_action(action, make_tracker("P1001", intent=intent, slots=slots))
    assert_apology(messages)
    assert "/human_handoff" in payloads(messages)
    assert slot_events(events) == {slot: None for slot in action.form_slots}  # a form starts empty again


def test_a_safety_report_that_cannot_be_recorded_still_hands_off_as_urgent(broken_backoffice):
    tracker = make_tracker("P1001", intent="report_fraud", text="hesabım çalındı biri para çekti")
    tracker.latest_message["safety"] = {"risk": "account_takeover", "score": 1.0, "source": "pattern"}
    events, messages = run_action(ActionSafetyEscalation(), tracker)
    assert [m.get("response") for m in messages if m.get("response")][:2] == [
        "utter_safety_account_takeover", "utter_safety_not_recorded"]
    handoff = next(m["custom"]["handoff"] for m in messages if m.get("custom"))
    assert (handoff["priority"], handoff["risk"]) == ("urgent", "account_takeover")
    assert any(e["event"] == "pause" for e in events)


def test_lock_failure_is_explained_and_still_hands_off(broken_backoffice):
    tracker = make_tracker("P1001", intent="affirm", text="evet kilitleyin",
                           slots={"safety_pending": "account_takeover", "safety_reference": "DLD-1"})
    events, messages = run_action(ActionSafetyFollowup(), tracker)
    assert "utter_safety_lock_failed" in [m.get("response") for m in messages]
    assert any(e["event"] == "pause" for e in events)


def test_self_exclusion_failure_goes_to_specialist(broken_backoffice):
    events, messages = run_action(ActionSelfExclusionSubmit(), make_tracker(
        "P1001", slots={"exclusion_period": "7d", "exclusion_confirmed": True}))
    assert "uygulayamadım" in texts(messages)
    assert slot_events(events)["handoff_intent"] == "responsible_gaming"


def test_ask_limit_amount_survives_failure(broken_backoffice):
    _, messages = run_action(ActionAskLimitAmount(), make_tracker("P1001", slots={"limit_period": "daily"}))
    assert "Yeni günlük limitiniz ne kadar olsun?" in texts(messages)


class SlowBackOffice(BackOffice):
    def __getattribute__(self, name):
        attr = super().__getattribute__(name)
        if callable(attr) and not name.startswith("_") and name not in {"settings", "db"}:
            def slow(*args, **kwargs):
                time.sleep(1.5)
                return attr(*args, **kwargs)
            return slow
        return attr


def test_slow_backoffice_times_out(db_path):
    settings = ActionSettings(db_url=f"sqlite:///{db_path}", call_timeout=0.2)
    set_backoffice(SlowBackOffice(settings))
    started = time.monotonic()
    _, messages = run_action(ActionTransactionLookup(), make_tracker("P1001", intent="withdrawal_status"))
    elapsed = time.monotonic() - started
    assert_apology(messages)
    assert elapsed < 1.0, f"the action waited {elapsed:.2f}s"


def test_malformed_settings_give_apology(monkeypatch):
    monkeypatch.setenv("CASINRA_BACKOFFICE_CALL_TIMEOUT", "abc")
    set_backoffice(None)
    try:
        _, messages = run_action(ActionKycStatus(), make_tracker("P1002", intent="kyc_status"))
    finally:
        set_backoffice(None)
    assert_apology(messages)


def test_a_bug_in_an_action_still_answers(backoffice):
    class Broken(ActionKycStatus):
        async def act(self, *args, **kwargs):
            raise KeyError("oops")

    events, messages = run_action(Broken(), make_tracker("P1002", intent="kyc_status"))
    assert_apology(messages)
    assert events == []
