"""E-mail tickets (offered when no agent is free): email_ticket_form → ticket with a reference, its
SLA due time and a confirmation mail; and the player's question about their own requests
(`ticket_status`: status, reference and expected time)."""
from __future__ import annotations

import re
from datetime import datetime
from typing import Any, Dict, List, Optional, Text, Tuple

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict

from actions.backoffice.repository import TicketStatusInfo
from actions.backoffice.service import ask
from actions.common import HUMAN_BUTTON, AccountAction, latest_text
from actions.forms_common import (
    CONTACT_EMAIL,
    GuestContactSlot,
    is_activation_turn,
    open_ticket_with_contact,
    optional,
    reply_address,
    transaction_id_from_trigger,
    validate_optional_transaction_id,
)
from casinra_contracts.backoffice import mails
from casinra_contracts.backoffice.sla import TICKET_KIND_LABELS, TICKET_STATUS_LABELS
from casinra_contracts.dates import format_date, format_datetime
from casinra_contracts.text import fold_words
from casinra_contracts.timezone import utcnow

INTENT = "email_ticket"
FORM_SLOTS = ("ticket_subject", "ticket_description", "ticket_transaction_id", CONTACT_EMAIL)


class ValidateEmailTicketForm(GuestContactSlot, FormValidationAction):
    def name(self) -> Text:
        return "validate_email_ticket_form"

    async def extract_ticket_transaction_id(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                            domain: DomainDict) -> Dict[Text, Any]:
        if tracker.get_slot("ticket_transaction_id") is None and is_activation_turn(tracker, [INTENT]):
            tx_id = transaction_id_from_trigger(tracker)
            if tx_id:
                return {"ticket_transaction_id": tx_id}
        return {}

    def validate_ticket_subject(self, value: Any, dispatcher: CollectingDispatcher,
                                tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        text = " ".join(str(value or "").split())
        if len(text) < 3:
            dispatcher.utter_message(text="Konu biraz kısa oldu; birkaç kelimeyle yazar mısınız? (ör. “Çekim talebim gecikti”)")
            return {"ticket_subject": None}
        return {"ticket_subject": text[:120]}

    def validate_ticket_description(self, value: Any, dispatcher: CollectingDispatcher,
                                    tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        text = str(value or "").strip()
        if len(text) < 10 or len(text.split()) < 3:
            dispatcher.utter_message(
                text="Ekibimizin hızlı yardımcı olabilmesi için sorunu birkaç cümleyle anlatır mısınız?")
            return {"ticket_description": None}
        return {"ticket_description": text[:4000]}

    def validate_ticket_transaction_id(self, value: Any, dispatcher: CollectingDispatcher,
                                       tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        return validate_optional_transaction_id("ticket_transaction_id", value, dispatcher)


class ActionEmailTicketSubmit(AccountAction):
    requires_player = False

    form_slots = FORM_SLOTS

    def name(self) -> Text:
        return "action_email_ticket_submit"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any], player_id: Optional[str]) -> List[EventType]:
        subject = tracker.get_slot("ticket_subject")
        description = tracker.get_slot("ticket_description")
        tx_id = optional(tracker.get_slot("ticket_transaction_id"))
        guest_email = tracker.get_slot(CONTACT_EMAIL) if player_id is None else None
        full_subject = f"[{tx_id}] {subject}" if tx_id else subject
        ticket, contact = await ask(lambda bo: open_ticket_with_contact(
            bo, player_id, guest_email, "email", priority="normal", conversation_id=tracker.sender_id,
            subject=full_subject, description=description, transaction_id=tx_id))
        text = (f"Destek talebinizi oluşturdum. Referans numaranız: {ticket.reference}. E-posta ile gelen "
                f"taleplere 24–72 saat içinde yanıt veriyoruz; yanıtımız {reply_address(player_id, contact)} "
                f"en geç {format_datetime(ticket.due_at)} tarihine kadar gelecek." if ticket.due_at else
                f"Destek talebinizi oluşturdum. Referans numaranız: {ticket.reference}. E-posta ile gelen "
                f"taleplere 24–72 saat içinde yanıt veriyoruz; yanıtımız {reply_address(player_id, contact)} gelecek.")
        if ticket.mailed:
            text += " Referans numarasını konu satırında taşıyan bir onay e-postası da gönderiyorum."
        if tx_id:
            text += f" {tx_id} numaralı işlemi konu satırına ekledim; bu, incelemeyi hızlandırır."
        dispatcher.utter_message(text=text)
        return self.cleared()


# ------------------------------------------------------------------ "talebim ne oldu?"
# folded words that narrow the question to one kind of request
KIND_WORDS = (
    ("callback", ("geri ara", "geri donus arama", "aranma", "arayacak", "aramadi", "arayin", "arama talebi",
                  "telefon")),
    ("complaint", ("sikayet", "sikayet")),
    ("privacy", ("kvkk", "kisisel veri", "verilerim", "gdpr")),
    ("fraud", ("dolandir", "yetkisiz", "fraud", "guvenlik bildirim")),
    ("bonus_dispute", ("itiraz",)),
    ("email", ("e posta", "eposta", "mail", "ticket")),
)
SHOWN = 3
GUEST_STATUS_TEXT = (
    "Talebinizin durumunu paylaşabilmem için sitede oturum açmış olmanız gerekiyor; kimliğinizi "
    "doğrulamadan kimsenin talep bilgisini gösteremem. Oturum açmadan talep oluşturduysanız, size "
    "gönderdiğimiz onay e-postasını yanıtlamanız yeterli: yanıtınız aynı talebe eklenir ve ekibimiz "
    "size o adresten döner."
)


def kinds_asked(text: str) -> Optional[Tuple[str, ...]]:
    """The kinds of request the question names ("geri arama ne zaman" → callbacks); None: any."""
    folded = f" {re.sub(r'[^a-z0-9]+', ' ', fold_words(text))} "
    kinds = tuple(kind for kind, words in KIND_WORDS if any(w in folded for w in words))
    return kinds or None


def describe(ticket: TicketStatusInfo, now: datetime) -> str:
    """One Turkish sentence or two about one of the player's own requests."""
    label = TICKET_KIND_LABELS.get(ticket.kind, "Talep")
    head = f"{label} — {ticket.reference} ({format_date(ticket.created_at)})"
    if ticket.status == "closed":
        return f"{head}: kapatıldı ({format_datetime(ticket.closed_at or ticket.updated_at or ticket.created_at)})."
    if ticket.status == "answered":
        when = format_datetime(ticket.first_response_at) if ticket.first_response_at else None
        how = "sizi aradık" if ticket.kind == "callback" else "yanıtımızı e-posta adresinize gönderdik"
        tail = (" Eklemek istediğiniz bir şey varsa e-postamızı yanıtlamanız yeterli; talep yeniden açılır."
                if ticket.kind != "callback" else "")
        return f"{head}: yanıtlandı{f', {when}' if when else ''}; {how}.{tail}"
    status = TICKET_STATUS_LABELS.get(ticket.status, ticket.status)
    if ticket.due_at is not None and ticket.due_at <= now:
        return (f"{head}: {status}. Size söz verdiğimiz süre ({format_datetime(ticket.due_at)}) geçti; bunun için "
                "özür dilerim. İsterseniz sizi hemen bir temsilcimize bağlayayım.")
    if ticket.kind == "callback":
        window = f" {ticket.preferred_window} aralığında" if ticket.preferred_window else ""
        due = f", en geç {format_datetime(ticket.due_at)}" if ticket.due_at else ""
        return f"{head}: {status}. Temsilcimiz sizi{window} arayacak{due}."
    due = f" En geç {format_datetime(ticket.due_at)} tarihine kadar yanıt vereceğiz." if ticket.due_at else ""
    return f"{head}: {status}.{due}"


class ActionTicketStatus(AccountAction):
    """The status, reference and expected time of the player's own requests (never anyone else's:
    a guest is asked to sign in, a reference of another player is treated as unknown and audited)."""

    def name(self) -> Text:
        return "action_ticket_status"

    def on_guest(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                 domain: Dict[Text, Any]) -> List[EventType]:
        dispatcher.utter_message(text=GUEST_STATUS_TEXT, buttons=[HUMAN_BUTTON])
        return []

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any], player_id: Optional[str]) -> List[EventType]:
        assert player_id is not None
        text = latest_text(tracker)
        now = utcnow()
        reference = mails.reference_in(text)
        if reference:
            ticket = await ask(lambda bo: bo.ticket_for(player_id, reference, conversation_id=tracker.sender_id))
            if ticket is None:
                dispatcher.utter_message(
                    text=(f"{reference} numarasıyla adınıza kayıtlı bir talep bulamadım. Numarayı onay "
                          "e-postasındaki gibi yazdığınızdan emin olur musunuz?"),
                    buttons=[HUMAN_BUTTON])
                return []
            dispatcher.utter_message(text=describe(ticket, now))
            return []
        kinds = kinds_asked(text)
        tickets = await ask(lambda bo: bo.tickets_of(player_id, kinds=kinds, limit=SHOWN + 1))
        if not tickets:
            what = ("bu türde bir talep" if kinds is None or len(kinds) > 1
                    else f"{TICKET_KIND_LABELS[kinds[0]].lower()} kaydı")
            dispatcher.utter_message(
                text=(f"Adınıza kayıtlı {what} bulamadım. Yeni bir talep oluşturmamı ya da sizi bir "
                      "temsilcimize bağlamamı ister misiniz?"),
                buttons=[{"title": "E-posta ile destek kaydı", "payload": "/email_ticket"},
                         {"title": "Beni geri arayın", "payload": "/callback_request"}, HUMAN_BUTTON])
            return []
        lines = [describe(t, now) for t in tickets[:SHOWN]]
        intro = "Talebinizin durumu:" if len(lines) == 1 else "Son taleplerinizin durumu:"
        more = " Daha eski talepleriniz için referans numarasını yazabilirsiniz." if len(tickets) > SHOWN else ""
        dispatcher.utter_message(text=intro + "\n" + "\n".join(f"• {line}" for line in lines) + more)
        return []
