"""callback_form: Turkish mobile numbers validated and normalised; time windows; ticket."""
from __future__ import annotations

import sqlite3

import pytest

from actions.callback import ActionCallbackSubmit, ValidateCallbackForm
from conftest import make_tracker, run_action, slot_events, texts


def validate(domain, player="P1001", **kwargs):
    return run_action(ValidateCallbackForm(),
                      make_tracker(player, intent="inform", active_loop="callback_form", **kwargs), domain)


@pytest.mark.parametrize("text", ["0532 123 45 67", "05321234567", "5321234567", "+90 532 123 45 67",
                                  "+905321234567", "90 (532) 123-45-67", "0090 532 123 4567",
                                  "numaram 0532 123 45 67"])
def test_mobile_numbers_are_normalised(domain, text):
    events, _ = validate(domain, text=text, requested_slot="callback_phone", candidates={"callback_phone": text})
    assert slot_events(events)["callback_phone"] == "+90 532 123 45 67"


@pytest.mark.parametrize("text,phrase", [("0212 123 45 67", "sabit hat"), ("12345", "tanıyamadım"),
                                         ("+44 20 7946 0958", "tanıyamadım"), ("beni arayın", "tanıyamadım"),
                                         ("0532 123 45", "tanıyamadım")])
def test_bad_phone_numbers_are_rejected(domain, text, phrase):
    events, messages = validate(domain, text=text, requested_slot="callback_phone",
                                candidates={"callback_phone": text})
    assert slot_events(events)["callback_phone"] is None
    assert phrase in texts(messages)


def test_signed_in_player_can_use_number_on_file(domain, backoffice):
    events, _ = validate(domain, text="kayıtlı numaramdan arayın", requested_slot="callback_phone",
                         candidates={"callback_phone": "kayıtlı numaramdan arayın"})
    assert slot_events(events)["callback_phone"] == "+90 532 418 27 63"


def test_guest_cannot_use_number_on_file(domain, backoffice):
    events, _ = validate(domain, player=None, text="kayitli numaram", requested_slot="callback_phone",
                         candidates={"callback_phone": "kayitli numaram"})
    assert slot_events(events)["callback_phone"] is None


@pytest.mark.parametrize("text,expected", [("sabah", "sabah (09:00–12:00)"),
                                           ("ogleden sonra", "öğleden sonra (14:00–18:00)"),
                                           ("Akşam", "akşam (18:00–22:00)"), ("hemen", "en kısa sürede"),
                                           ("14-16 arası", "14:00–16:00"),
                                           ("14:30 ile 16:00 arası", "14:30–16:00"),
                                           ("saat 15", "saat 15:00 civarı"),
                                           ("yarın sabah", "yarın sabah (09:00–12:00)")])
def test_time_windows(domain, text, expected):
    events, _ = validate(domain, text=text, requested_slot="callback_time",
                         slots={"callback_phone": "+90 532 123 45 67"}, candidates={"callback_time": text})
    assert slot_events(events)["callback_time"] == expected


@pytest.mark.parametrize("text", ["gece 3", "23-24", "bilmem", "25:00"])
def test_bad_time_windows(domain, text):
    events, messages = validate(domain, text=text, requested_slot="callback_time",
                                slots={"callback_phone": "+90 532 123 45 67"}, candidates={"callback_time": text})
    assert slot_events(events)["callback_time"] is None
    assert "09:00 ile 22:00" in texts(messages)


def test_submit_creates_ticket_and_masks_number(backoffice, db_path):
    events, messages = run_action(ActionCallbackSubmit(), make_tracker(
        None, slots={"callback_phone": "+90 532 123 45 67", "callback_time": "akşam (18:00–22:00)"}))
    text = texts(messages)
    assert "Referans numaranız: ARA-" in text
    assert "+90 532 *** ** 67" in text and "123 45" not in text
    assert "akşam (18:00–22:00) aralığında" in text
    assert slot_events(events) == {"callback_phone": None, "callback_time": None}
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("SELECT kind, contact_phone, preferred_window, player_id FROM tickets").fetchone() == \
            ("callback", "+90 532 123 45 67", "akşam (18:00–22:00)", None)
