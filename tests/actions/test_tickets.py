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


# ------------------------------------------------------------------ SLA, history, confirmation mail
def ticket_rows(db_path, sql, *args):
    with sqlite3.connect(db_path) as conn:
        return conn.execute(sql, args).fetchall()


def test_every_ticket_gets_its_sla_due_time_history_and_topic(backoffice, db_path):
    from casinra_contracts.backoffice import sla

    made = {}
    for kind, priority in (("email", "normal"), ("callback", "normal"), ("fraud", "urgent"),
                           ("complaint", "high"), ("bonus_dispute", "normal"), ("privacy", "normal")):
        made[kind] = backoffice.open_ticket(kind, priority=priority, player_id="P1001", conversation_id="c9",
                                            contact_email="ahmet.yilmaz@example.com")
        ticket = made[kind]
        assert ticket.due_at - ticket.created_at == sla.target(kind, priority)
    assert made["fraud"].due_at - made["fraud"].created_at == timedelta(hours=1)
    assert made["email"].due_at - made["email"].created_at == timedelta(hours=72)
    history = ticket_rows(db_path, "SELECT t.kind, e.status_from, e.status_to, e.due_at IS NOT NULL "
                                   "FROM ticket_events e JOIN tickets t ON t.id = e.ticket_id ORDER BY e.id")
    assert [h[0] for h in history] == list(made) and all(h[1:] == (None, "open", 1) for h in history)
    topics = dict(ticket_rows(db_path, "SELECT kind, topic FROM tickets"))
    assert topics["fraud"] == "security" and topics["bonus_dispute"] == "bonus" and topics["privacy"] == "privacy"
    # confirmation mails are queued for the kinds answered by mail — never for a fraud report or a callback
    mailed = ticket_rows(db_path, "SELECT t.kind, m.to_addr, m.subject, m.mail_state FROM ticket_messages m "
                                  "JOIN tickets t ON t.id = m.ticket_id ORDER BY m.id")
    assert [m[0] for m in mailed] == ["email", "complaint", "bonus_dispute", "privacy"]
    assert all(m[1] == "ahmet.yilmaz@example.com" and m[3] == "queued" for m in mailed)
    assert mailed[0][2].startswith(f"[{made['email'].reference}]")


def test_the_email_ticket_confirms_the_mail_and_the_due_time(backoffice, db_path):
    _, messages = run_action(ActionEmailTicketSubmit(), make_tracker("P1002", slots={
        "ticket_subject": "Belge yükleme", "ticket_description": "Adres belgemi yükleyemiyorum, hata veriyor",
        "ticket_transaction_id": "yok"}))
    text = texts(messages)
    assert "onay e-postası" in text and "en geç" in text
    body, = ticket_rows(db_path, "SELECT body FROM ticket_messages")[0]
    assert "Merhaba Elif," in body and "Referans numaranız: EPT-" in body


# ------------------------------------------------------------------ "talebim ne oldu?"
from actions.tickets import ActionTicketStatus, kinds_asked  # noqa: E402


def ask_status(text, player="P1001"):
    return run_action(ActionTicketStatus(), make_tracker(player, intent="ticket_status", text=text))[1]


@pytest.mark.parametrize("text, kinds", [
    ("talebim ne oldu", None), ("geri arama ne zaman", ("callback",)), ("Şikâyetim çözüldü mü?", ("complaint",)),
    ("e-posta ile açtığım talep", ("email",)), ("KVKK başvurum", ("privacy",)),
])
def test_the_question_names_the_kind(text, kinds):
    assert kinds_asked(text) == kinds


def test_status_reference_and_expected_time_of_own_requests(backoffice, db_path):
    email = backoffice.open_ticket("email", player_id="P1001", subject="Çekim gecikti")
    call = backoffice.open_ticket("callback", player_id="P1001", preferred_window="14:00-16:00")
    other = backoffice.open_ticket("complaint", player_id="P1002", subject="Elif'in şikâyeti")
    text = texts(ask_status("talebim ne oldu"))
    assert email.reference in text and call.reference in text and other.reference not in text
    assert "açık" in text and "En geç" in text and "14:00-16:00 aralığında arayacak" in text
    only_calls = texts(ask_status("geri arama ne zaman"))
    assert call.reference in only_calls and email.reference not in only_calls
    assert "şikâyet kaydı bulamadım" in texts(ask_status("şikayetim çözüldü mü")).lower()
    # an answered and a closed ticket say so
    with sqlite3.connect(db_path) as conn:
        conn.execute("UPDATE tickets SET status = 'answered', first_response_at = created_at, due_at = NULL "
                     "WHERE reference = ?", (email.reference,))
    assert "yanıtlandı" in texts(ask_status(f"{email.reference} ne durumda"))


def test_another_players_reference_reveals_nothing_and_is_audited(backoffice, audit_rows):
    other = backoffice.open_ticket("complaint", player_id="P1002", subject="Elif'in şikâyeti")
    text = texts(ask_status(f"{other.reference} numaralı talebim ne oldu"))
    assert "bulamadım" in text and "Elif" not in text and "açık" not in text
    assert audit_rows("cross_player_lookup_denied")[0][3] == other.reference


def test_a_guest_is_asked_to_sign_in_and_gets_no_data(backoffice):
    ticket = backoffice.open_ticket("email", contact_email="misafir@example.com", subject="Kayıt")
    text = texts(ask_status(f"{ticket.reference} talebim ne oldu", player=None))
    assert "oturum aç" in text and "açık" not in text.replace("açmış", "") and "En geç" not in text


def test_a_late_ticket_says_sorry_and_offers_a_person(backoffice, db_path):
    ticket = backoffice.open_ticket("email", player_id="P1003", subject="Bonus")
    with sqlite3.connect(db_path) as conn:
        conn.execute("UPDATE tickets SET due_at = '2020-01-01 00:00:00' WHERE reference = ?", (ticket.reference,))
    assert "geçti" in texts(ask_status("talebim ne oldu", player="P1003"))
