"""Deposit (and loss) limits: deposit_limit_form. Lowering applies at once; raising or removing
waits 24 hours, as responsible-gaming practice requires."""
from __future__ import annotations

from decimal import Decimal
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict

from actions.backoffice.labels import LIMIT_TYPE_LABELS, PERIOD_LABELS
from actions.backoffice.repository import BackOfficeUnavailable, LimitChange
from actions.backoffice.service import ask
from actions.common import AccountAction, latest_text
from actions.forms_common import is_activation_turn
from actions.identity import player_id_of
from actions.parsing import parse_limit_period, parse_limit_type, wants_removal
from casinra_contracts.dates import format_datetime
from casinra_contracts.money import AmountError, format_money, parse_amount, to_minor

INTENT = "deposit_limit"
REMOVE = "remove"
MAX_LIMIT = Decimal("1000000.00")
FORM_SLOTS = ("limit_period", "limit_amount", "limit_type")


def _label(limit_type: Optional[str], period: Optional[str]) -> str:
    """'günlük para yatırma limitiniz'."""
    return f"{PERIOD_LABELS.get(period or '', '')} {LIMIT_TYPE_LABELS.get(limit_type or 'deposit')} limitiniz".strip()


class ValidateDepositLimitForm(FormValidationAction):
    def name(self) -> Text:
        return "validate_deposit_limit_form"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: DomainDict) -> List[EventType]:
        activation = is_activation_turn(tracker, [INTENT])
        events = await super().run(dispatcher, tracker, domain)
        if activation and tracker.get_slot("limit_type") is None:
            # deposit limit unless the player spoke of losses ("kayıp limiti")
            events.append(SlotSet("limit_type", parse_limit_type(latest_text(tracker))))
        return events

    async def extract_limit_period(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                   domain: DomainDict) -> Dict[Text, Any]:
        """On activation, read the limit type and any period/amount already in the request
        ("günlük limitimi 500 TL'ye düşür")."""
        if not is_activation_turn(tracker, [INTENT]):
            return {}
        if tracker.get_slot("limit_period") is None:
            period = parse_limit_period(latest_text(tracker))
            if period:
                return {"limit_period": period}
        return {}

    async def extract_limit_amount(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                   domain: DomainDict) -> Dict[Text, Any]:
        if tracker.get_slot("limit_amount") is None and is_activation_turn(tracker, [INTENT]):
            amounts = list(tracker.get_latest_entity_values("amount"))
            if amounts:
                return {"limit_amount": str(amounts[0])}
            if wants_removal(latest_text(tracker)):
                return {"limit_amount": REMOVE}
        return {}

    def validate_limit_period(self, value: Any, dispatcher: CollectingDispatcher,
                              tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        period = value if value in PERIOD_LABELS else parse_limit_period(value)
        if period is None:
            dispatcher.utter_message(
                text="Bunu bir limit dönemi olarak anlayamadım. Lütfen günlük, haftalık ya da aylık yazın.")
        return {"limit_period": period}

    def validate_limit_amount(self, value: Any, dispatcher: CollectingDispatcher,
                              tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        if value == REMOVE or wants_removal(value):
            return {"limit_amount": REMOVE}
        try:
            amount = parse_amount(value)
        except AmountError as exc:
            messages = {
                "negative": "Limit tutarı eksi olamaz. Lütfen 0'dan büyük bir tutar yazın (ör. 500 TL).",
                "zero": ("0 TL'lik bir limit yerine oyuna ara vermek isterseniz bunu da "
                         "ayarlayabilirim. Limit için lütfen 0'dan büyük bir tutar yazın (ör. 500 TL)."),
                "unreadable": ("Tutarı anlayamadım. Lütfen 500 ya da 1.500,00 TL gibi bir tutar yazın; "
                               "limiti kaldırmak için “kaldır” yazabilirsiniz."),
            }
            dispatcher.utter_message(text=messages[exc.reason])
            return {"limit_amount": None}
        if amount < Decimal("1.00"):
            dispatcher.utter_message(text="Limit en az 1,00 TL olabilir. Lütfen daha yüksek bir tutar yazın.")
            return {"limit_amount": None}
        if amount > MAX_LIMIT:
            dispatcher.utter_message(
                text=(f"{format_money(to_minor(amount))} bir limit için gerçekçi görünmüyor. Lütfen en fazla "
                      f"{format_money(to_minor(MAX_LIMIT))} olacak şekilde bir tutar yazın."))
            return {"limit_amount": None}
        return {"limit_amount": f"{amount:.2f}"}


class ActionAskLimitAmount(Action):
    """Asks for the amount and shows the limit currently in force for that period."""

    def name(self) -> Text:
        return "action_ask_limit_amount"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any]) -> List[EventType]:
        period = tracker.get_slot("limit_period") or "daily"
        limit_type = tracker.get_slot("limit_type") or "deposit"
        period_text = PERIOD_LABELS[period]
        current_text = ""
        player_id = player_id_of(tracker)
        if player_id:
            try:
                current = await ask(lambda bo: bo.limit_of(player_id, period, limit_type))
            except BackOfficeUnavailable:
                current = None
            if current is not None and current.amount_minor is not None:
                current_text = f"Şu anda {_label(limit_type, period)} {format_money(current.amount_minor)}. "
            else:
                current_text = f"Şu anda {period_text} bir {LIMIT_TYPE_LABELS[limit_type]} limitiniz yok. "
        dispatcher.utter_message(
            text=(f"{current_text}Yeni {period_text} limitiniz ne kadar olsun? Tutarı yazmanız yeterli "
                  "(ör. 500 TL); limiti kaldırmak için “kaldır” yazabilirsiniz."))
        return []


def describe_change(change: LimitChange) -> str:
    label = _label(change.limit_type, change.period)
    capital = label[0].upper() + label[1:]
    if change.outcome == "set":
        return (f"Tamam, {label.replace('limitiniz', 'limitinizi')} {format_money(change.new_minor)} olarak "
                "belirledim. Limit hemen yürürlüğe girdi.")
    if change.outcome == "lowered":
        return (f"{capital.replace('limitiniz', 'limitinizi')} {format_money(change.previous_minor)}'den "
                f"{format_money(change.new_minor)}'ye düşürdüm. Limit düşürme hemen geçerli olur; yeni "
                "limitiniz şu andan itibaren uygulanıyor.")
    if change.outcome == "raised":
        return (f"{capital.replace('limitiniz', 'limitinizi')} {format_money(change.previous_minor)}'den "
                f"{format_money(change.new_minor)}'ye yükseltme talebinizi aldım. Sorumlu oyun kuralları gereği "
                f"limit artışları 24 saat sonra geçerli olur: yeni limitiniz "
                f"{format_datetime(change.effective_at)} itibarıyla uygulanacak. O zamana kadar mevcut "
                f"{format_money(change.previous_minor)} limitiniz geçerli.")
    if change.outcome == "removed":
        return (f"{capital.replace('limitiniz', 'limitinizi')} kaldırma talebinizi aldım. Sorumlu oyun "
                "kuralları gereği limitin kaldırılması 24 saat sonra geçerli olur: "
                f"{format_datetime(change.effective_at)} itibarıyla limit kaldırılacak. O zamana kadar mevcut "
                f"{format_money(change.previous_minor)} limitiniz geçerli.")
    if change.outcome == "unchanged":
        return f"{capital} zaten {format_money(change.new_minor)}; bir değişiklik yapmadım."
    return (f"Şu anda {PERIOD_LABELS[change.period]} bir {LIMIT_TYPE_LABELS[change.limit_type]} "
            "limitiniz yok; kaldırılacak bir limit bulunmuyor.")


class ActionDepositLimitSubmit(AccountAction):
    form_slots = FORM_SLOTS

    def name(self) -> Text:
        return "action_deposit_limit_submit"

    def on_guest(self, dispatcher, tracker, domain) -> List[EventType]:
        dispatcher.utter_message(response="utter_deposit_limit_sign_in_needed")
        return self.cleared()

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any], player_id: Optional[str]) -> List[EventType]:
        period = tracker.get_slot("limit_period")
        raw_amount = tracker.get_slot("limit_amount")
        limit_type = tracker.get_slot("limit_type") or "deposit"
        amount_minor = None if raw_amount == REMOVE else to_minor(raw_amount)
        change = await ask(lambda bo: bo.set_limit(player_id, period, amount_minor,
                                                   limit_type=limit_type,
                                                   conversation_id=tracker.sender_id))
        dispatcher.utter_message(text=describe_change(change))
        return self.cleared()
