"""Rasa policy: the conversation rules that hold in every state of the dialogue.

1. **Safety first.** A message the NLU marked with `safety` (bot/safety_detector.py) is answered by
   `action_safety_escalation`, whatever the intent, in the middle of a form too.
2. **One question before an urgent hand-off.** While `safety_pending` is set (the escalation asked
   "shall I lock your account now?"), the next message — whatever it is — goes to
   `action_safety_followup`, which acts on the answer and hands off.
3. **Forms never trap.** In a form, a thank-you, a goodbye, a request for a person, or a confident
   new question (for a slot that is not free text) leaves the form: `action_leave_form` (the form's
   half-filled slots are cleared), then the answer the rules give to that intent outside a form.
   Rules written for a form and an intent (`condition: active_loop`) win over this.
4. **Two questions in one message.** When the NLU found a second question (`secondary_intent`, or a
   second FAQ answer `secondary_response`), its answer follows the first one's.
5. **No paragraph twice.** The same question again right after its answer (the same intent and FAQ
   answer) is a follow-up: `action_follow_up` answers what is new in it, or offers a person.

The answers are learned from the unconditional rules (`intent → actions`), so nothing is written
twice. The policy abstains everywhere else (all other predictions come from the usual policies).
"""
from __future__ import annotations

import json
import logging
from typing import Any, Dict, List, Optional, Text

from rasa.core.policies.policy import Policy, PolicyPrediction, SupportedData
from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.core.constants import ACTION_LISTEN_NAME, RULE_SNIPPET_ACTION_NAME
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, ActiveLoop, SlotSet, UserUttered
from rasa.shared.core.generator import TrackerWithCachedStates
from rasa.shared.core.trackers import DialogueStateTracker

from bot.escalation import escalates

logger = logging.getLogger(__name__)

# Intents a player may well send twice in a row without asking the same thing again.
NOT_REPEATABLE = frozenset({
    "greet", "goodbye", "thank", "affirm", "deny", "inform", "cancel", "rate", "nlu_fallback",
    "out_of_scope", "human_handoff", "follow_up", "bot_challenge", "ticket_status", "language_request",
})

ANSWERS_FILE = "answers.json"
LEAVE_FORM = "action_leave_form"
FOLLOW_UP_ACTION = "action_follow_up"
SECOND_ANSWER_ACTION = "action_second_answer"
NEXT_QUESTION_ACTION = "action_next_question"
HANDOFF_ACTION = "action_handoff_request"
SAFETY_ACTION = "action_safety_escalation"
SAFETY_FOLLOWUP_ACTION = "action_safety_followup"
SAFETY_PENDING_SLOT = "safety_pending"


def learn_answers(trackers: List[TrackerWithCachedStates]) -> Dict[str, Any]:
    """From rule trackers: what each intent is answered with outside a form, and which
    (form, intent) pairs have rules of their own."""
    answers: Dict[str, List[str]] = {}
    form_rules: set = set()
    for tracker in trackers:
        if not tracker.is_rule_tracker:
            continue
        events = list(tracker.events)
        marker = next((i for i, e in enumerate(events)
                       if isinstance(e, ActionExecuted) and e.action_name == RULE_SNIPPET_ACTION_NAME), None)
        if marker is None:
            continue
        conditions = events[:marker]
        loops = [e.name for e in conditions if isinstance(e, ActiveLoop) and e.name and e.name != "should_not_be_set"]
        slots = [e for e in conditions if isinstance(e, SlotSet)]
        rest = events[marker + 1:]
        if len(rest) < 3 or not (isinstance(rest[0], ActionExecuted) and rest[0].action_name == ACTION_LISTEN_NAME):
            continue
        if not isinstance(rest[1], UserUttered) or not rest[1].intent_name:
            continue
        intent = rest[1].intent_name
        actions = []
        for event in rest[2:]:
            if isinstance(event, ActionExecuted):
                if event.action_name == ACTION_LISTEN_NAME:
                    break
                actions.append(event.action_name)
        if loops:
            form_rules.update((loop, intent) for loop in loops)
        elif not slots and actions and intent not in answers:
            answers[intent] = actions
    return {"answers": answers, "form_rules": sorted(list(pair) for pair in form_rules)}


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.POLICY_WITHOUT_END_TO_END_SUPPORT, is_trainable=True)
class ConversationPolicy(Policy):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {
            "priority": 7,  # above RulePolicy (6): these rules hold in every state
            "exit_intents": ["thank", "goodbye", "human_handoff"],
            "exit_confidence": 0.6,
            "new_question_confidence": 0.75,
            "keep_form_intents": ["inform", "affirm", "deny", "cancel", "nlu_fallback", "out_of_scope"],
            # slots that take any text (a description): a message is their answer, never a new question
            "free_text_slots": [],
        }

    @staticmethod
    def supported_data() -> SupportedData:
        return SupportedData.ML_AND_RULE_DATA

    def __init__(self, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
                 execution_context: ExecutionContext, learned: Optional[Dict[str, Any]] = None, **kwargs: Any) -> None:
        super().__init__({**self.get_default_config(), **config}, model_storage, resource, execution_context)
        learned = learned or {}
        self.answers: Dict[str, List[str]] = learned.get("answers", {})
        self.form_rules = {tuple(pair) for pair in learned.get("form_rules", [])}

    def train(self, training_trackers: List[TrackerWithCachedStates], domain: Domain, **kwargs: Any) -> Resource:
        learned = learn_answers(training_trackers)
        self.answers, self.form_rules = learned["answers"], {tuple(p) for p in learned["form_rules"]}
        with self._model_storage.write_to(self._resource) as directory:
            (directory / ANSWERS_FILE).write_text(json.dumps(learned, ensure_ascii=False, indent=1))
        return self._resource

    @classmethod
    def load(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> "ConversationPolicy":
        try:
            with model_storage.read_from(resource) as directory:
                learned = json.loads((directory / ANSWERS_FILE).read_text())
        except (ValueError, FileNotFoundError):
            learned = {}
        return cls(config, model_storage, resource, execution_context, learned=learned)

    # ------------------------------------------------------------------ prediction
    def predict_action_probabilities(self, tracker: DialogueStateTracker, domain: Domain,
                                     rule_only_data: Optional[Dict[Text, Any]] = None,
                                     **kwargs: Any) -> PolicyPrediction:
        action = self._next_action(tracker, domain)
        if action is None or action not in domain.action_names_or_texts:
            return self._prediction(self._default_predictions(domain))
        logger.debug("ConversationPolicy predicts %s", action)
        probabilities = self._default_predictions(domain)
        probabilities[domain.index_for_action(action)] = 1.0
        # A form's happy path is a "no user" prediction, which outranks every other kind:
        # to leave a form this prediction must be of that kind too.
        return self._prediction(probabilities, is_no_user_prediction=bool(tracker.active_loop_name))

    def _next_action(self, tracker: DialogueStateTracker, domain: Domain) -> Optional[str]:
        message = tracker.latest_message
        if message is None or not message.intent_name:
            return None
        done = _actions_since_user(tracker)
        if done is None:
            return None
        intent = message.intent_name
        confidence = float((message.intent or {}).get("confidence") or 0.0)
        safety = escalates(message.parse_data or {})

        if not done:
            if tracker.get_slot(SAFETY_PENDING_SLOT) and SAFETY_FOLLOWUP_ACTION in domain.action_names_or_texts:
                return SAFETY_FOLLOWUP_ACTION
            if safety:
                return SAFETY_ACTION
            if tracker.active_loop_name and self._leaves_form(tracker, domain, intent, confidence):
                return LEAVE_FORM
            if not tracker.active_loop_name and _asked_again(tracker) and intent in self.answers:
                return FOLLOW_UP_ACTION
            return None
        if done[0] in (SAFETY_ACTION, SAFETY_FOLLOWUP_ACTION):
            return ACTION_LISTEN_NAME if done[-1] in (SAFETY_ACTION, SAFETY_FOLLOWUP_ACTION) else None
        if done[0] == LEAVE_FORM:
            return self._replay(done[1:], self.answers.get(intent, []))
        if done == [FOLLOW_UP_ACTION] and _asked_again(tracker):
            return ACTION_LISTEN_NAME
        first = self.answers.get(intent, [])
        if not first or done[:len(first)] != first or tracker.active_loop_name or HANDOFF_ACTION in done:
            return None
        parse = message.parse_data or {}
        second = self.answers.get((parse.get("secondary_intent") or {}).get("name") or "", [])
        if second:  # the answer actions are told which question they answer now
            return self._replay(done[len(first):], [NEXT_QUESTION_ACTION, *second])
        if parse.get("secondary_response"):
            return self._replay(done[len(first):], [SECOND_ANSWER_ACTION])
        return None

    @staticmethod
    def _replay(done: List[str], answer: List[str]) -> Optional[str]:
        """The next action of `answer` after the ones already `done`, then listen."""
        if done[:len(answer)] != answer[:len(done)]:
            return None
        if len(done) < len(answer):
            return answer[len(done)]
        return ACTION_LISTEN_NAME if len(done) == len(answer) else None

    def _leaves_form(self, tracker: DialogueStateTracker, domain: Domain, intent: str, confidence: float) -> bool:
        form = tracker.active_loop_name
        if (form, intent) in self.form_rules or intent not in self.answers:
            return False  # the form's own rules decide
        if form in self.answers[intent]:
            return False  # the question that opened this form
        if intent in self.config["exit_intents"]:
            return confidence >= self.config["exit_confidence"]
        if intent in self.config["keep_form_intents"] or confidence < self.config["new_question_confidence"]:
            return False
        return tracker.get_slot("requested_slot") not in self.config["free_text_slots"]


def _asked_again(tracker: DialogueStateTracker) -> bool:
    """The latest message asks what the previous one asked (same intent and FAQ answer), and the
    previous one was answered."""
    users = [e for e in tracker.applied_events() if isinstance(e, UserUttered)]
    if len(users) < 2:
        return False
    previous, latest = users[-2], users[-1]
    if (previous.intent_name != latest.intent_name or previous.intent_name in NOT_REPEATABLE
            or (previous.intent_name or "").startswith("EXTERNAL_")):
        return False
    return _faq_answer(previous) == _faq_answer(latest)


def _faq_answer(event: UserUttered) -> Optional[str]:
    selectors = (event.parse_data or {}).get("response_selector") or {}
    for selector in selectors.values():
        if not isinstance(selector, dict):
            continue  # `all_retrieval_intents` is a list
        key = (selector.get("response") or {}).get("intent_response_key")
        if key and key.split("/")[0] == event.intent_name:
            return key
    return None


def _actions_since_user(tracker: DialogueStateTracker) -> Optional[List[str]]:
    """The actions run since the latest user message (None when there is none)."""
    actions: List[str] = []
    for event in reversed(tracker.applied_events()):
        if isinstance(event, UserUttered):
            return list(reversed(actions))
        if isinstance(event, ActionExecuted) and event.action_name and event.action_name != ACTION_LISTEN_NAME:
            actions.append(event.action_name)
    return None
