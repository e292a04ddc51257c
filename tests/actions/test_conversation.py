"""Leaving a form, a second answer, complaints and languages (actions/conversation.py,
complaint.py, language.py)."""
import sqlite3

from conftest import make_tracker, run_action, slot_events

from actions.complaint import ActionComplaintRecord
from actions.conversation import ActionLeaveForm, ActionSecondAnswer
from actions.language import ActionLanguageSupport, turkish_list


def test_leaving_a_form_clears_what_it_collected(domain):
    tracker = make_tracker("P1001", intent="thank", text="sağ olun", active_loop="callback_form",
                           requested_slot="callback_time", slots={"callback_phone": "+905321234567"})
    events, messages = run_action(ActionLeaveForm(), tracker, domain)
    slots = slot_events(events)
    assert slots["callback_phone"] is None and slots["requested_slot"] is None and not messages


def test_the_second_faq_answer(domain):
    tracker = make_tracker(None, intent="contact_info", text="e-posta adresiniz ne, telefonla da arayabilir miyim")
    tracker.latest_message["secondary_response"] = {"name": "contact_info/phone", "confidence": 0.3}
    _, [message] = run_action(ActionSecondAnswer(), tracker, domain)
    assert message["response"] == "utter_contact_info/phone"


def test_a_complaint_is_a_record_with_a_reference(domain, db_path):
    tracker = make_tracker("P1001", intent="complaint", text="iki gündür kimse dönmedi, şikayetçiyim")
    _, [message] = run_action(ActionComplaintRecord(), tracker, domain)
    assert message["response"] == "utter_complaint_recorded" and message["reference"].startswith("SKY-")
    with sqlite3.connect(db_path) as conn:
        assert conn.execute("SELECT kind FROM tickets WHERE reference = ?", (message["reference"],)).fetchone() == ("complaint",)


def test_english_agents_are_offered_when_an_agent_speaks_english(domain, db_path):
    with sqlite3.connect(db_path) as conn:
        conn.execute("INSERT INTO agents (username, display_name, password_hash, team, active, role, languages) "
                     "VALUES ('ayse', 'Ayşe', 'x', 'genel', 1, 'agent', 'tr,en')")
    tracker = make_tracker("P1001", intent="language_request", text="do you have agents who speak English?")
    tracker.latest_message["language"] = "en"
    events, [message] = run_action(ActionLanguageSupport(), tracker, domain)
    assert message["response"] == "utter_language_support_en"
    assert slot_events(events)["language"] == "en"


def test_no_german_agent_is_said_honestly(domain, db_path):
    tracker = make_tracker(None, intent="language_request", text="sprechen Sie Deutsch?")
    tracker.latest_message["language"] = "de"
    events, [message] = run_action(ActionLanguageSupport(), tracker, domain)
    assert message["response"] == "utter_language_support_none" and message["language_name"] == "Almanca"
    assert "language" not in slot_events(events)


def test_turkish_list():
    assert turkish_list(["Türkçe"]) == "Türkçe"
    assert turkish_list(["Türkçe", "İngilizce", "Almanca"]) == "Türkçe, İngilizce ve Almanca"
