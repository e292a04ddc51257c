"""Safety escalations: careful first words, a record, at most one yes/no question, an urgent agent.

`bot.policy.ConversationPolicy` runs `action_safety_escalation` for every message the NLU marked
with a safety risk, in any state of the dialogue (a form in progress is left).
- Fraud risks (takeover, money or bets the player did not make, phishing): the report is recorded
  at once with the player's own words and any transaction ids (reference shown). A signed-in
  player whose account is not locked is asked one question — lock it now? — and whatever the
  answer, `action_safety_followup` acts on it and hands off as urgent. Guests go straight to a person.
- Responsible-gaming risks (loss of control, debt, harm to family, hopelessness, self-harm): the
  first words come from `utter_safety_<risk>` (self-harm: 112 and Yeşilay 115 before anything
  else) and the hand-off follows at once, flagged with the risk.
The texts are responses in domain.yml, so the content team can refine them.
"""
from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActiveLoop, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.backoffice.repository import BackOfficeUnavailable
from actions.backoffice.service import ask
from actions.common import latest_text
from actions.handoff import request_handoff
from actions.identity import player_id_of
from actions.parsing import parse_yes_no
from casinra_contracts.ids import transaction_ids_in
from casinra_contracts.pii import mask_text
from casinra_contracts.topics import FRAUD_RISKS, RISKS, risk_label

logger = logging.getLogger(__name__)

PENDING_SLOT = "safety_pending"      # the risk whose lock question awaits an answer
REFERENCE_SLOT = "safety_reference"  # the report recorded for it
RISK_SLOT = "safety_risk"
LOCK_BUTTONS = [
    {"title": "Evet, hesabımı kilitle", "payload": "evet, hesabımı kilitleyin"},
    {"title": "Hayır, kilitleme", "payload": "hayır, kilitlemeyin"},
]


def risk_of(tracker: Tracker) -> str:
    safety = (tracker.latest_message or {}).get("safety") or {}
    return safety.get("risk") if safety.get("risk") in RISKS else "unauthorised_activity"


def leave_form(tracker: Tracker) -> List[EventType]:
    """Events that end a form in progress (a safety message always wins over it)."""
    if tracker.active_loop.get("name"):
        return [ActiveLoop(None), SlotSet("requested_slot", None)]
    return []


async def record_report(tracker: Tracker, risk: str) -> Optional[str]:
    """The fraud report with the player's own words (masked) and ids; its reference or None."""
    text = mask_text(latest_text(tracker))[:2000]
    tx_ids = transaction_ids_in(text)
    try:
        ticket = await ask(lambda bo: bo.open_ticket(
            "fraud", priority="urgent", player_id=player_id_of(tracker), conversation_id=tracker.sender_id,
            subject=risk_label(risk) or "Dolandırıcılık bildirimi", description=text,
            transaction_id=tx_ids[0] if tx_ids else None, details={"source": "chat", "risk": risk}))
    except BackOfficeUnavailable:
        logger.warning("fraud report not recorded: back-office unavailable")
        return None
    return ticket.reference


class ActionSafetyEscalation(Action):
    def name(self) -> Text:
        return "action_safety_escalation"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[EventType]:
        risk = risk_of(tracker)
        events = leave_form(tracker) + [SlotSet(RISK_SLOT, risk)]
        if risk not in FRAUD_RISKS:
            dispatcher.utter_message(response=f"utter_safety_{risk}")
            return events + request_handoff(dispatcher, tracker, risk=risk)
        reference = await record_report(tracker, risk)
        dispatcher.utter_message(response=f"utter_safety_{risk}")
        if reference:
            dispatcher.utter_message(response="utter_safety_recorded", reference=reference)
        else:
            dispatcher.utter_message(response="utter_safety_not_recorded")
        player_id = player_id_of(tracker)
        locked = False
        if player_id:
            try:
                player = await ask(lambda bo: bo.player(player_id))
                locked = bool(player and player.locked)
            except BackOfficeUnavailable:
                locked = True  # cannot lock now either: the agent will
        if player_id and not locked:
            dispatcher.utter_message(response="utter_safety_ask_lock", buttons=LOCK_BUTTONS)
            return events + [SlotSet(PENDING_SLOT, risk), SlotSet(REFERENCE_SLOT, reference)]
        return events + [SlotSet(REFERENCE_SLOT, reference)] + request_handoff(
            dispatcher, tracker, risk=risk, references=[reference] if reference else [])


class ActionSafetyFollowup(Action):
    """The answer to the lock question — or anything else the player wrote — then the agent."""

    def name(self) -> Text:
        return "action_safety_followup"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[EventType]:
        risk = tracker.get_slot(PENDING_SLOT) or risk_of(tracker)
        reference = tracker.get_slot(REFERENCE_SLOT)
        intent = ((tracker.latest_message or {}).get("intent") or {}).get("name")
        answer = parse_yes_no(latest_text(tracker))
        if answer is None and intent in ("affirm", "deny"):
            answer = intent == "affirm"
        player_id = player_id_of(tracker)
        if answer is True and player_id:
            try:
                await ask(lambda bo: bo.lock_account(player_id, reason="fraud_report",
                                                     conversation_id=tracker.sender_id))
                dispatcher.utter_message(response="utter_safety_locked", reference=reference or "")
            except BackOfficeUnavailable:
                dispatcher.utter_message(response="utter_safety_lock_failed")
        elif answer is False:
            dispatcher.utter_message(response="utter_safety_not_locked")
        else:
            dispatcher.utter_message(response="utter_safety_lock_later")
        events: List[EventType] = [SlotSet(PENDING_SLOT, None)]
        return events + request_handoff(dispatcher, tracker, risk=risk, references=[reference] if reference else [])

