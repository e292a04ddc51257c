"""deposit_limit_form: Turkish validation; lowering immediate; raising/removing after 24 hours."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from actions.limits import ActionAskLimitAmount, ActionDepositLimitSubmit, ValidateDepositLimitForm
from conftest import entity, make_tracker, run_action, slot_events, texts


def validate(domain, **kwargs):
    kwargs.setdefault("intent", "inform")
    return run_action(ValidateDepositLimitForm(),
                      make_tracker("P1004", active_loop="deposit_limit_form", **kwargs), domain)


@pytest.mark.parametrize("text,expected", [("günlük", "daily"), ("gunluk", "daily"), ("HAFTALIK", "weekly"),
                                           ("aylik olsun", "monthly"), ("Aylık", "monthly")])
def test_period_is_understood(domain, text, expected):
    events, _ = validate(domain, text=text, requested_slot="limit_period", candidates={"limit_period": text})
    assert slot_events(events)["limit_period"] == expected


def test_unknown_period_is_asked_again(domain):
    events, messages = validate(domain, text="yıllık", requested_slot="limit_period",
                                candidates={"limit_period": "yıllık"})
    assert slot_events(events)["limit_period"] is None
    assert "günlük, haftalık ya da aylık" in texts(messages)


@pytest.mark.parametrize("text,expected", [("500", "500.00"), ("1500.00", "1500.00"), ("1.500,00 TL", "1500.00"),
                                           ("₺750", "750.00"), ("2 bin", "2000.00"), ("kaldır", "remove"),
                                           ("limiti kaldirin", "remove"), ("sınırsız olsun", "remove")])
def test_amounts_are_understood(domain, text, expected):
    events, _ = validate(domain, text=text, requested_slot="limit_amount", slots={"limit_period": "daily"},
                         candidates={"limit_amount": text})
    assert slot_events(events)["limit_amount"] == expected


@pytest.mark.parametrize("text,phrase", [("-500", "eksi olamaz"), ("0", "0'dan büyük"),
                                         ("999999999", "gerçekçi görünmüyor"), ("biraz", "anlayamadım"),
                                         ("0,50", "en az 1,00 TL")])
def test_bad_amounts_are_rejected_in_turkish(domain, text, phrase):
    events, messages = validate(domain, text=text, requested_slot="limit_amount",
                                slots={"limit_period": "daily"}, candidates={"limit_amount": text})
    assert slot_events(events)["limit_amount"] is None
    assert phrase in texts(messages)


def test_request_with_period_and_amount_fills_the_form_at_once(domain):
    events, _ = validate(domain, intent="deposit_limit", text="günlük yatırım limitimi 500 TL yap",
                         entities=[entity("amount", "500.00")])
    slots = slot_events(events)
    assert slots["limit_period"] == "daily" and slots["limit_amount"] == "500.00"
    assert slots["limit_type"] == "deposit"


def test_loss_limit_is_recognised(domain):
    events, _ = validate(domain, intent="deposit_limit", text="haftalık kayıp limiti koymak istiyorum")
    slots = slot_events(events)
    assert slots["limit_type"] == "loss" and slots["limit_period"] == "weekly"


def test_ask_amount_shows_current_limit(backoffice):
    _, messages = run_action(ActionAskLimitAmount(), make_tracker("P1004", slots={"limit_period": "daily"}))
    assert "Şu anda günlük para yatırma limitiniz 1.000,00 TL" in texts(messages)
    _, messages = run_action(ActionAskLimitAmount(), make_tracker("P1004", slots={"limit_period": "weekly"}))
    assert "haftalık bir para yatırma limitiniz yok" in texts(messages)


def submit(player, period, amount, limit_type="deposit"):
    return run_action(ActionDepositLimitSubmit(), make_tracker(
        player, slots={"limit_period": period, "limit_amount": amount, "limit_type": limit_type}))


def test_p1004_lowering_is_immediate(backoffice, audit_rows):
    events, messages = submit("P1004", "daily", "500.00")
    text = texts(messages)
    assert "1.000,00 TL'den 500,00 TL'ye düşürdüm" in text and "hemen" in text
    assert backoffice.limit_of("P1004", "daily").amount_minor == 50000
    assert slot_events(events) == {"limit_period": None, "limit_amount": None, "limit_type": None}
    assert len(audit_rows("rg_limit_changed")) == 1


def test_p1004_raising_waits_24_hours(backoffice):
    _, messages = submit("P1004", "daily", "2000.00")
    text = texts(messages)
    assert "24 saat sonra" in text and "mevcut 1.000,00 TL limitiniz geçerli" in text
    limit = backoffice.limit_of("P1004", "daily")
    assert limit.amount_minor == 100000 and limit.pending_amount_minor == 200000
    assert limit.pending_effective_at - datetime.now(timezone.utc) > timedelta(hours=23, minutes=59)


def test_p1004_removing_waits_24_hours(backoffice):
    _, messages = submit("P1004", "daily", "remove")
    assert "kaldırma talebinizi aldım" in texts(messages) and "24 saat sonra" in texts(messages)
    assert backoffice.limit_of("P1004", "daily").amount_minor == 100000


def test_pending_raise_matures_after_24_hours(backoffice, db_path):
    submit("P1004", "daily", "2000.00")
    import sqlite3

    past = (datetime.now(timezone.utc) - timedelta(minutes=1)).strftime("%Y-%m-%d %H:%M:%S.%f")
    with sqlite3.connect(db_path) as conn:
        conn.execute("UPDATE rg_limits SET pending_effective_at=? WHERE player_id='P1004'", (past,))
    limit = backoffice.limit_of("P1004", "daily")
    assert limit.amount_minor == 200000 and limit.pending_effective_at is None


def test_new_limit_is_immediate_and_same_limit_is_unchanged(backoffice):
    _, messages = submit("P1001", "weekly", "3000.00")
    assert "3.000,00 TL olarak belirledim" in texts(messages)
    _, messages = submit("P1001", "weekly", "3000.00")
    assert "zaten 3.000,00 TL" in texts(messages)
    _, messages = submit("P1001", "monthly", "remove")
    assert "kaldırılacak bir limit bulunmuyor" in texts(messages)


def test_guest_gets_sign_in_needed(backoffice):
    _, messages = submit(None, "daily", "500.00")
    assert messages[0]["response"] == "utter_deposit_limit_sign_in_needed"
