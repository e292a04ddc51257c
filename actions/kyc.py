"""action_kyc_status: the player's own verification — approved, pending (what is missing), rejected (why)."""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.backoffice.repository import KycInfo
from actions.backoffice.service import ask
from actions.common import AccountAction
from casinra_contracts.dates import format_date

DOCUMENT_LABELS = {
    "kimlik": "kimlik kartı",
    "pasaport": "pasaport",
    "ehliyet": "ehliyet",
    "adres belgesi": "adres belgesi",
}
PHOTO_TIPS = (
    "Fotoğrafı iyi ışıkta, belgenin dört köşesi görünecek şekilde, parlama ve bulanıklık "
    "olmadan çekin; kimliğin ön ve arka yüzünü ayrı ayrı yükleyin."
)
ADDRESS_HELP = (
    "son üç ay içinde düzenlenmiş bir fatura, banka ekstresi ya da e-Devlet'ten alınmış "
    "yerleşim yeri belgesi"
)
REVIEW_TIME = "inceleme genellikle birkaç saat ile birkaç iş günü arasında sürer"


def _lower_first(text: str) -> str:
    if not text:
        return text
    first = {"I": "ı", "İ": "i"}.get(text[0], text[0].lower())
    return first + text[1:]


def _documents(kyc: KycInfo, status: str) -> List[str]:
    return [DOCUMENT_LABELS.get(d.document_type, d.document_type)
            for d in kyc.documents if d.status == status]


def _join(items: List[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " ve " + items[-1]


def kyc_summary(kyc: Optional[KycInfo]) -> str:
    """One sentence, used where another answer needs to point at the verification."""
    if kyc is None or kyc.status == "not_started":
        return "Kimlik doğrulamanızı henüz başlatmadınız."
    if kyc.status == "approved":
        return "Kimlik doğrulamanız onaylı."
    if kyc.status == "pending":
        missing = _documents(kyc, "missing")
        if missing:
            return f"Kimlik doğrulamanız beklemede; eksik belge: {_join(missing)}."
        return "Kimlik doğrulamanız beklemede; belgeleriniz inceleniyor."
    rejected = _documents(kyc, "rejected")
    what = f" ({_join(rejected)} yeniden istenmektedir)" if rejected else ""
    return f"Kimlik doğrulamanız reddedildi{what}."


def describe_kyc(kyc: Optional[KycInfo]) -> str:
    if kyc is None or kyc.status == "not_started":
        return (
            "Henüz bir kimlik doğrulama başvurunuz bulunmuyor. Doğrulama için bir kimlik belgesi "
            "(kimlik kartı, pasaport ya da ehliyet) ve " + ADDRESS_HELP + " yüklemeniz yeterli; "
            + REVIEW_TIME + ". Tamamlanmış bir doğrulama, çekimlerinizin hızlı işlenmesi için gereklidir."
        )
    if kyc.status == "approved":
        return (
            f"Kimlik doğrulamanız tamamlandı ve {format_date(kyc.updated_at)} tarihinde onaylandı. "
            "Hesabınızda doğrulama kaynaklı bir kısıtlama yok; çekimleriniz normal sürelerde işlenir."
        )
    if kyc.status == "pending":
        parts = ["Kimlik doğrulamanız henüz tamamlanmadı, şu anda beklemede."]
        missing = _documents(kyc, "missing")
        if kyc.reason:
            parts.append(kyc.reason.strip())
        elif missing:
            parts.append(f"Eksik belge: {_join(missing)}.")
        accepted = _documents(kyc, "accepted")
        received = _documents(kyc, "received")
        if accepted:
            parts.append(f"Onaylanan belge: {_join(accepted)}.")
        if received:
            parts.append(f"İncelenmekte olan belge: {_join(received)}.")
        if missing:
            if "adres belgesi" in missing and "adres belgesi" not in (kyc.reason or "").lower():
                parts.append(f"Adres belgesi olarak {ADDRESS_HELP} yükleyebilirsiniz.")
            parts.append(
                f"Eksik belgeyi yükledikten sonra {REVIEW_TIME}; onaylandığında çekim yapabilirsiniz."
            )
        else:
            parts.append(f"Ek bir şey yapmanıza gerek yok; {REVIEW_TIME}.")
        return " ".join(parts)
    # rejected
    parts = ["Kimlik doğrulamanız reddedildi."]
    if kyc.reason:
        parts.append(f"Sebep: {kyc.reason.strip()}")
    rejected = [d for d in kyc.documents if d.status == "rejected"]
    if rejected:
        for doc in rejected:
            label = DOCUMENT_LABELS.get(doc.document_type, doc.document_type)
            note = f" ({_lower_first(doc.note.strip().rstrip('.'))})" if doc.note else ""
            parts.append(f"Yeniden göndermeniz gereken belge: {label}{note}.")
        if any(d.document_type in {"kimlik", "pasaport", "ehliyet"} for d in rejected):
            parts.append(PHOTO_TIPS)
        if any(d.document_type == "adres belgesi" for d in rejected):
            parts.append(f"Adres belgesi olarak {ADDRESS_HELP} gönderin.")
    else:
        parts.append("Belgelerinizi okunaklı ve güncel hâliyle yeniden yükleyebilirsiniz.")
    accepted = _documents(kyc, "accepted")
    if accepted:
        parts.append(f"{_join(accepted).capitalize()} onaylandı; yeniden göndermenize gerek yok.")
    parts.append(f"Yeni belgeniz geldikten sonra {REVIEW_TIME}.")
    return " ".join(parts)


class ActionKycStatus(AccountAction):
    def name(self) -> Text:
        return "action_kyc_status"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any], player_id: Optional[str]) -> List[EventType]:
        kyc = await ask(lambda bo: bo.kyc_of(player_id))
        dispatcher.utter_message(text=describe_kyc(kyc))
        return []
