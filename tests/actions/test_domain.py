"""The action server and domain.yml agree: actions, forms, questions, slots, flows."""
from __future__ import annotations

import importlib
import inspect
import pkgutil
from pathlib import Path

import yaml
from rasa_sdk import Action

import actions
from casinra_contracts import handoff

REPO = Path(__file__).resolve().parents[2]
RASA_ACTIONS = {"action_deactivate_loop"}


def implemented_actions() -> dict:
    """Every Action of every module of the actions package, by name (what rasa_sdk registers)."""
    found = {}
    for info in pkgutil.walk_packages(actions.__path__, "actions."):
        module = importlib.import_module(info.name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, Action) and cls.__module__ == module.__name__ and not inspect.isabstract(cls):
                found[cls().name()] = cls
    return found


def load(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def dialogue_files():
    """(path, items) of every rule and story file: training data and test stories."""
    for path in sorted((REPO / "data" / "rules").glob("*.yml")):
        yield path, load(path)["rules"]
    for path in [*sorted((REPO / "data" / "stories").glob("*.yml")), *sorted((REPO / "tests").glob("test_*.yml"))]:
        yield path, load(path)["stories"]


def test_every_action_is_declared_and_every_declaration_implemented(domain):
    declared = {a for a in domain["actions"] if not a.startswith("utter_")}
    assert set(implemented_actions()) == declared


def test_the_gateways_intents_are_the_contracts(domain):
    external = {i for i in domain["intents"] if i.startswith("EXTERNAL_")}
    assert external == {handoff.EXTERNAL_HANDOFF_RESOLVED, handoff.EXTERNAL_AGENTS_UNAVAILABLE}


def test_every_required_slot_is_asked(domain):
    actions_ = set(domain["actions"])
    for form, spec in domain["forms"].items():
        assert f"validate_{form}" in actions_
        for slot in spec["required_slots"]:
            assert slot in domain["slots"], slot
            assert f"utter_ask_{slot}" in domain["responses"] or f"action_ask_{slot}" in actions_, slot


def test_form_slots_only_fill_inside_their_form(domain):
    for name, slot in domain["slots"].items():
        for mapping in slot["mappings"]:
            if mapping["type"] in ("from_text", "from_entity", "from_intent"):
                assert mapping.get("conditions") or name in ("rating", "agent_name", "unavailable_reason",
                                                             "fallback_once", "document_type"), f"{name} would be filled outside its form"
            if mapping["type"] == "from_text":
                assert "cancel" in mapping.get("not_intent", []), f"{name}: 'vazgeçtim' would fill the slot"


def test_identity_is_not_a_fillable_slot(domain):
    assert "player_id" not in domain["slots"]
    assert domain["slots"]["signed_in"]["mappings"] == [{"type": "custom"}]
    assert domain["slots"]["handoff_intent"] == {"type": "text", "influence_conversation": False,
                                                 "mappings": [{"type": "custom"}]}


def test_rules_and_stories_use_known_names(domain):
    responses = {name.split("/")[0] for name in domain["responses"]}  # utter_kyc_info: the response selector
    known_actions = set(domain["actions"]) | responses | set(domain["forms"]) | RASA_ACTIONS
    known_intents = set(domain["intents"]) | {"nlu_fallback"}
    for path, items in dialogue_files():
        for item in items:
            for step in item["steps"]:
                if "action" in step:
                    assert step["action"] in known_actions, (path.name, step)
                if "intent" in step:
                    assert step["intent"] in known_intents, (path.name, step)


def test_every_form_is_cancellable_and_escalatable(domain):
    rules = [rule for path, items in dialogue_files() if path.parent.name == "rules" for rule in items]
    for form in domain["forms"]:
        conditioned = [r for r in rules if {"active_loop": form} in r.get("condition", [])]
        intents = {s.get("intent") for r in conditioned for s in r["steps"]}
        assert {"cancel", "human_handoff"} <= intents, form
