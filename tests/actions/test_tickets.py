"""email_ticket_form and privacy_request_form: references, deadlines, guest contact e-mail."""
from __future__ import annotations

import asyncio
import sqlite3
from datetime import datetime, timedelta, timezone

import pytest
from rasa_sdk.executor import CollectingDispatcher

from actions.privacy import ActionPrivacyRequestSubmit, ValidatePrivacyRequestForm
from actions.tickets import ActionEmailTicketSubmit, ValidateEmailTicketForm
from casinra_contracts.dates import format_date
from conftest import entity, make_tracker, run_action, slot_events, texts


def required(action, tracker, domain):
    form = action.form_name()
    return asyncio.run(action.required_slots(domain["forms"][form]["required_slots"],
                                             CollectingDispatcher(), tracker, domain))


def test_guests_are_asked_for_an_email_players_are_not(domain):
    for action in (ValidateEmailTicketForm(), ValidatePrivacyRequestForm()):
        assert "contact_email" not in required(action, make_tracker("P1001"), domain)
        assert required(action, make_tracker(None), domain)[-1] == "contact_email"


def test_email_ticket_validation(domain):
    def check(slot, value, **slots):
        events, messages = run_action(ValidateEmailTicketForm(), make_tracker(
            "P1001", intent="inform", active_loop="email_ticket_form", requested_slot=slot, slots=slots,
            candidates={slot: value}), domain)
        return slot_events(events).get(slot), texts(messages)

    assert check("ticket_subject", "Çekim talebim gecikti")[0] == "Çekim talebim gecikti"
    assert check("ticket_subject", "a")[0] is None
    assert check("ticket_description", "yardım")[0] is None
    assert check("ticket_description", "Üç gündür çekimim hesabıma geçmedi")[0].startswith("Üç gündür")
    assert check("ticket_transaction_id", "tx10000001")[0] == "TX-10000001"
    assert check("ticket_transaction_id", "yok")[0] == "yok"
    value, text = check("ticket_transaction_id", "dün akşam")
    assert value is None and "TX-12345678" in text


def test_guest_email_validation(domain):
    events, messages = run_action(ValidateEmailTicketForm(), make_tracker(
        None, intent="inform", active_loop="email_ticket_form", requested_slot="contact_email",
        candidates={"contact_email": "benim mailim ahmet@"}), domain)
    assert slot_events(events)["contact_email"] is None
    events, _ = run_action(ValidateEmailTicketForm(), make_tracker(
        None, intent="inform", active_loop="email_ticket_form", requested_slot="contact_email",
        candidates={"contact_email": "Mailim: Ahmet.Y@Ornek.com.tr"}), domain)
    assert slot_events(events)["contact_email"] == "ahmet.y@ornek.com.tr"


def test_trigger_with_transaction_id_prefills_it(domain):
    events, _ = run_action(ValidateEmailTicketForm(), make_tracker(
        "P1001", intent="email_ticket", text="TX-10000001 için e-posta ile talep açmak istiyorum",
        entities=[entity("transaction_id", "TX-10000001")], active_loop="email_ticket_form"), domain)
    assert slot_events(events)["ticket_transaction_id"] == "TX-10000001"


def test_email_ticket_submit_for_player(backoffice, db_path):
    events, messages = run_action(ActionEmailTicketSubmit(), make_tracker("P1001", slots={
        "ticket_subject": "Çekim talebim gecikti", "ticket_description": "Üç gündür çekimim hesabıma geçmedi",
        "ticket_transaction_id": "TX-10000001"}))
    text = texts(messages)
    assert "Referans numaranız: EPT-" in text and "24–72 saat" in text
    assert "kayıtlı e-posta adresinize" in text and "TX-10000001" in text
    with sqlite3.connect(db_path) as conn:
        row = conn.execute("SELECT kind, subject, contact_email, transaction_id FROM tickets").fetchone()
    assert row == ("email", "[TX-10000001] Çekim talebim gecikti", "ahmet.yilmaz@example.com", "TX-10000001")
    assert all(value is None for value in slot_events(events).values())


def test_email_ticket_submit_for_guest(backoffice):
    _, messages = run_action(ActionEmailTicketSubmit(), make_tracker(None, slots={
        "ticket_subject": "Kayıt olamıyorum", "ticket_description": "Kayıt formu hata veriyor sürekli",
        "ticket_transaction_id": "yok", "contact_email": "misafir@example.com"}))
    assert "misafir@example.com adresine" in texts(messages)


@pytest.mark.parametrize("text,expected", [("verilerimin silinmesini istiyorum", "deletion"),
                                           ("bilgilerimi guncellemek istiyorum", "correction"),
                                           ("hangi verilerimi tutuyorsunuz", "access")])
def test_privacy_type_from_the_request_itself(domain, text, expected):
    events, _ = run_action(ValidatePrivacyRequestForm(), make_tracker(
        "P1001", intent="privacy_request", text=text, active_loop="privacy_request_form"), domain)
    assert slot_events(events)["privacy_request_type"] == expected


def test_unclear_privacy_type_is_asked_again(domain):
    events, messages = run_action(ValidatePrivacyRequestForm(), make_tracker(
        "P1001", intent="inform", active_loop="privacy_request_form", requested_slot="privacy_request_type",
        candidates={"privacy_request_type": "bilmem"}), domain)
    assert slot_events(events)["privacy_request_type"] is None
    assert "erişmek mi" in texts(messages)


def test_privacy_submit_gives_reference_and_kvkk_deadline(backoffice, db_path):
    _, messages = run_action(ActionPrivacyRequestSubmit(), make_tracker("P1001", slots={
        "privacy_request_type": "deletion", "privacy_details": "yok"}))
    text = texts(messages)
    due = format_date(datetime.now(timezone.utc) + timedelta(days=30))
    assert "Referans numaranız: KVKK-" in text and "30 gün" in text and due in text
    assert "KVKK" in text and "yasal süre" in text
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("SELECT kind, contact_email FROM tickets").fetchone() == \
            ("privacy", "ahmet.yilmaz@example.com")
