"""The action server and the domain/rules agree: names, forms, questions, flows."""
from __future__ import annotations

import inspect
from pathlib import Path

import yaml
from rasa_sdk import Action

REPO = Path(__file__).resolve().parents[2]
MY_MODULES = ("transactions", "kyc", "bonus", "fraud", "limits", "self_exclusion", "privacy", "callback",
              "tickets", "signin")
LEAD_ACTIONS = {"action_handoff_request", "action_deactivate_loop"}
LEAD_INTENTS = {"report_fraud", "deposit_limit", "responsible_gaming", "privacy_request", "callback_request",
                "affirm", "deny", "inform", "cancel", "human_handoff", "withdrawal_status"}


def my_actions() -> dict:
    import importlib

    found = {}
    for module_name in MY_MODULES:
        module = importlib.import_module(f"actions.{module_name}")
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, Action) and cls.__module__ == module.__name__ and not inspect.isabstract(cls):
                found[cls().name()] = cls
    return found


def load(path: str) -> dict:
    return yaml.safe_load((REPO / path).read_text(encoding="utf-8"))


def test_every_action_is_declared_and_every_declaration_implemented(domain):
    implemented = set(my_actions())
    declared = {a for a in domain["actions"] if not a.startswith("utter_")}
    assert implemented == declared


def test_every_required_slot_is_asked(domain):
    actions = set(domain["actions"])
    for form, spec in domain["forms"].items():
        assert f"validate_{form}" in actions
        for slot in [*spec["required_slots"], "contact_email"]:
            assert slot in domain["slots"], slot
            if slot == "contact_email" and form not in ("privacy_request_form", "email_ticket_form"):
                continue
            assert f"utter_ask_{slot}" in domain["responses"] or f"action_ask_{slot}" in actions, slot


def test_form_slots_only_fill_inside_their_form(domain):
    for name, slot in domain["slots"].items():
        for mapping in slot["mappings"]:
            if mapping["type"] in ("from_text", "from_entity", "from_intent"):
                assert mapping.get("conditions"), f"{name} would be filled outside its form"
            if mapping["type"] == "from_text":
                assert "cancel" in mapping.get("not_intent", []), f"{name}: 'vazgeçtim' would fill the slot"


def test_identity_is_not_a_fillable_slot(domain):
    assert "player_id" not in domain["slots"]
    assert domain["slots"]["signed_in"]["mappings"] == [{"type": "custom"}]
    assert domain["slots"]["handoff_topic"] == {"type": "text", "influence_conversation": False,
                                                "mappings": [{"type": "custom"}]}


def test_rules_and_stories_use_known_names(domain):
    known_actions = set(domain["actions"]) | set(domain["responses"]) | set(domain["forms"]) | LEAD_ACTIONS
    known_intents = LEAD_INTENTS | set(domain["intents"])
    for path, key in (("data/rules/forms.yml", "rules"), ("data/stories/forms.yml", "stories"),
                      ("tests/test_stories_forms.yml", "stories")):
        for item in load(path)[key]:
            for step in item["steps"]:
                if "action" in step:
                    assert step["action"] in known_actions, (path, step)
                if "intent" in step:
                    assert step["intent"] in known_intents, (path, step)


def test_every_form_is_cancellable_and_escalatable():
    rules = load("data/rules/forms.yml")["rules"]
    forms = load("domain/forms.yml")["forms"]
    for form in forms:
        conditioned = [r for r in rules if {"active_loop": form} in r.get("condition", [])]
        intents = {s.get("intent") for r in conditioned for s in r["steps"]}
        assert {"cancel", "human_handoff"} <= intents, form


def test_email_ticket_nlu_has_enough_varied_examples():
    data = load("data/nlu/forms.yml")["nlu"]
    (email,) = [d for d in data if d["intent"] == "email_ticket"]
    examples = [line[2:] for line in email["examples"].splitlines() if line.startswith("- ")]
    assert len(examples) >= 30 and len(set(examples)) == len(examples)
    assert any(ch in "".join(examples) for ch in "çğışöü")
    assert any(all(ch not in e for ch in "çğışöüÇĞİŞÖÜ") for e in examples)
