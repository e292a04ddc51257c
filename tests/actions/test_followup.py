"""Follow-ups read in the conversation's topic (actions/followup.py)."""
from conftest import entity, make_tracker, run_action

from actions.followup import ActionFollowUp, aspect_of


def user(text, intent):
    return {"event": "user", "text": text, "parse_data": {"intent": {"name": intent}, "entities": []}}


def answer(domain, player, previous, intent, text, entities=()):
    tracker = make_tracker(player, intent="follow_up", text=text, entities=entities,
                           history=[user(previous, intent)])
    _, messages = run_action(ActionFollowUp(), tracker, domain)
    return messages


def test_aspects():
    assert aspect_of("niye bu kadar uzadı ki") == "why"
    assert aspect_of("peki kaç günde biter") == "duration"
    assert aspect_of("tekrar denesem mi") == "retry"
    assert aspect_of("ehliyet olur mu") == "accepted"
    assert aspect_of("bunun ücreti var mı") == "cost"
    assert aspect_of("hmm") == "general"


def test_why_a_pending_withdrawal_takes_long(domain, backoffice):
    [message] = answer(domain, "P1001", "çekimim ne durumda", "withdrawal_status", "niye bu kadar uzadı ki")
    assert message["response"] == "utter_followup_withdrawal_status_why_pending"
    assert message["tx_id"] == "TX-10000001" and message["method_label"]


def test_retry_after_a_failed_card_deposit(domain, backoffice):
    [message] = answer(domain, "P1003", "yatırdığım para geçmedi", "deposit_missing", "bilgiler doğru, tekrar denesem mi")
    assert message["response"] == "utter_followup_deposit_missing_retry_failed"


def test_a_kvkk_request_then_how_long(domain, backoffice):
    [message] = answer(domain, "P1002", "verilerimi silin", "privacy_request", "peki bu kaç günde biter")
    assert message["response"] == "utter_followup_privacy_request_duration"


def test_a_document_question_gets_a_yes(domain, backoffice):
    [message] = answer(domain, None, "hangi belgeler lazım", "kyc_info", "ehliyet olur mu",
                       entities=[entity("document_type", "ehliyet")])
    assert message["response"] == "utter_followup_kyc_document_yes" and message["document"] == "ehliyet"


def test_a_faq_topic_reuses_its_own_answer(domain, backoffice):
    [message] = answer(domain, None, "para yatırma yöntemleri", "deposit_info", "bunlarda komisyon var mı")
    assert message["response"] == "utter_deposit_info/fees"


def test_without_a_topic_the_bot_asks(domain, backoffice):
    tracker = make_tracker("P1001", intent="follow_up", text="neden")
    _, [message] = run_action(ActionFollowUp(), tracker, domain)
    assert message["response"] == "utter_followup_no_topic"


def test_every_followup_response_is_in_the_domain(domain):
    responses = domain["responses"]
    for name in ("utter_followup_unknown", "utter_followup_no_topic", "utter_followup_kyc_document_no"):
        assert name in responses
