"""The training data passes Rasa's validation and ours (see bot/content.py)."""
from bot import content


def test_training_data_is_valid():
    assert content.validate() == []


def test_every_taxonomy_intent_has_enough_examples():
    taxonomy = """greet goodbye thank affirm deny bot_challenge human_handoff contact_info callback_request
    account_registration kyc_info kyc_status deposit_info deposit_missing withdrawal_info withdrawal_status
    transaction_lookup bonus_info bonus_status bonus_dispute password_reset two_factor login_problem
    report_fraud privacy_request deposit_limit responsible_gaming complaint out_of_scope""".split()
    examples = content.training_examples()
    counts = {i: sum(1 for _, intent in examples if intent == i) for i in taxonomy}
    assert all(n >= content.MIN_EXAMPLES for n in counts.values()), counts
