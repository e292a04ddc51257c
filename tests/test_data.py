"""The training data passes Rasa's validation and ours (see bot/content.py), and every layer is
grouped by the contract's topics."""
import re
from pathlib import Path

import yaml

from bot import content
from casinra_contracts import topics

ROOT = Path(__file__).resolve().parent.parent
# Besides the contract's topics: small talk, the follow-ups and the entity definitions every topic shares.
OTHER_FILES = {"smalltalk", "session", "entities"}


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


def test_data_files_are_named_after_topics():
    for layer in ("nlu", "rules", "stories"):
        names = {path.stem for path in (ROOT / "data" / layer).glob("*.yml")}
        assert names <= set(topics.TOPICS) | OTHER_FILES, (layer, names - set(topics.TOPICS) - OTHER_FILES)


def test_every_intent_is_trained_in_its_topics_file():
    for path in (ROOT / "data" / "nlu").glob("*.yml"):
        for block in yaml.safe_load(path.read_text(encoding="utf-8"))["nlu"]:
            if "intent" in block:
                topic = topics.topic_of(block["intent"])
                assert path.stem == (topic or path.stem), (path.name, block["intent"], topic)


def test_every_form_lives_in_the_file_of_the_topic_that_starts_it():
    for layer, key in (("rules", "rules"), ("stories", "stories")):
        for path in (ROOT / "data" / layer).glob("*.yml"):
            for item in yaml.safe_load(path.read_text(encoding="utf-8"))[key]:
                loops = {c["active_loop"] for c in item.get("condition", []) if c.get("active_loop")}
                loops |= {s["active_loop"] for s in item["steps"] if s.get("active_loop")}
                for loop in loops:
                    assert path.stem == form_topic(loop), (path.name, item.get("rule") or item.get("story"), loop)


def form_topic(form: str) -> str:
    """The contract topic of the intent whose rule activates `form`."""
    for path in (ROOT / "data" / "rules").glob("*.yml"):
        for rule in yaml.safe_load(path.read_text(encoding="utf-8"))["rules"]:
            steps = rule["steps"]
            if {"action": form} in steps and "intent" in steps[0] and not rule.get("condition"):
                return topics.topic_of(steps[0]["intent"])
    raise AssertionError(f"no rule activates {form}")


def test_rule_and_story_names_are_english():
    files = [*(ROOT / "data" / "rules").glob("*.yml"), *(ROOT / "data" / "stories").glob("*.yml"),
             *ROOT.glob("tests/test_*.yml")]
    for path in files:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for item in [*(data.get("rules") or []), *(data.get("stories") or [])]:
            name = item.get("rule") or item.get("story")
            assert not re.search(r"[çğıöşüÇĞİÖŞÜâ]", name), (path.name, name)
