"""action_transaction_lookup: one transaction by id, or the player's recent ones for what they asked.

Routed from the intents ``deposit_missing``, ``withdrawal_status`` and ``transaction_lookup``;
the latest intent decides which transactions matter.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any, Dict, List, Optional, Sequence, Text, Tuple

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.backoffice.labels import METHOD_FROM_ENTITY
from actions.backoffice.repository import KycInfo, TransactionInfo
from actions.backoffice.service import ask
from actions.common import HUMAN_BUTTON, KYC_STATUS_BUTTON, AccountAction, latest_intent, latest_text
from actions.kyc import kyc_summary
from casinra_contracts.backoffice.labels import TX_KIND_LABELS, TX_METHOD_LABELS, TX_STATUS_LABELS, label
from casinra_contracts.dates import add_business_days, format_date, format_datetime
from casinra_contracts.ids import transaction_id_in
from casinra_contracts.money import format_money
from casinra_contracts.text import fold_words

OPEN = ("pending", "processing")
PROBLEM = ("pending", "processing", "rejected", "failed", "cancelled")
EWALLETS = ("papara", "ewallet")
SLOW_DEPOSIT = timedelta(minutes=30)

Message = Tuple[str, List[Dict[str, str]]]


def requested_transaction_id(tracker: Tracker) -> Optional[str]:
    """The transaction id in the latest message: the NLU entity first, then the text itself."""
    for value in tracker.get_latest_entity_values("transaction_id"):
        normalised = transaction_id_in(value)
        if normalised:
            return normalised
    return transaction_id_in(latest_text(tracker))


def requested_methods(tracker: Tracker) -> Optional[List[str]]:
    methods = []
    for value in tracker.get_latest_entity_values("payment_method"):
        code = METHOD_FROM_ENTITY.get(fold_words(value))
        if code and code not in methods:
            methods.append(code)
    return methods or None


def _subject(tx: TransactionInfo) -> str:
    noun = {"withdrawal": "çekim talebiniz", "deposit": "yatırımınız", "bonus": "bonus işleminiz"}
    return (f"{tx.id} numaralı, {format_money(tx.amount_minor, tx.currency)} tutarındaki "
            f"{label(TX_METHOD_LABELS, tx.method)} {noun.get(tx.kind, 'işleminiz')}")


def _opening(tx: TransactionInfo) -> str:
    if tx.status in OPEN:
        verb = "oluşturuldu" if tx.kind == "withdrawal" else "başlatıldı"
        return (f"{_subject(tx)} {format_date(tx.created_at)} tarihinde {verb} ve şu anda "
                f"{label(TX_STATUS_LABELS, tx.status)}.")
    return f"{_subject(tx)} {format_date(tx.updated_at)} tarihinde {label(TX_STATUS_LABELS, tx.status)}."


def _reason(tx: TransactionInfo) -> str:
    return f"Sebep: {tx.reason.strip()}" if tx.reason else ""


def explain_withdrawal(tx: TransactionInfo, now: datetime, kyc: Optional[KycInfo]) -> Message:
    parts, buttons = [_opening(tx)], []
    kyc_blocks = kyc is None or kyc.status != "approved"
    if tx.status in OPEN:
        if tx.method == "bank_transfer":
            deadline = add_business_days(tx.created_at, 5)
            if now <= deadline:
                parts.append("Havale/EFT ile yapılan çekimler, talep tarihinden itibaren 2–5 iş günü "
                             f"içinde hesabınıza geçer; talebiniz en geç {format_date(deadline)} tarihine "
                             "kadar sonuçlanmış olacak. Şu an için bir sorun görünmüyor; ek bir işlem yapmanıza gerek yok.")
            else:
                parts.append("Havale/EFT çekimleri talep tarihinden itibaren 2–5 iş günü içinde "
                             f"sonuçlanır ve bu süre {format_date(deadline)} tarihinde doldu. Talebinizi "
                             "hemen bir temsilcimize iletmenizi öneririm.")
                buttons.append(HUMAN_BUTTON)
        elif tx.method in EWALLETS:
            deadline = tx.created_at + timedelta(hours=24)
            if now <= deadline:
                parts.append("Papara ve e-cüzdan çekimleri en geç 24 saat içinde tamamlanır; talebiniz "
                             f"en geç {format_datetime(deadline)} itibarıyla sonuçlanmış olacak.")
            else:
                parts.append("E-cüzdan çekimleri 24 saat içinde tamamlanır ve bu süre aşıldı. "
                             "Talebinizi hemen bir temsilcimize iletmenizi öneririm.")
                buttons.append(HUMAN_BUTTON)
        else:
            parts.append("Talebiniz işlem sırasında; sonuçlandığında size bildirim göndereceğiz.")
        if tx.reason:
            parts.append(f"Not: {tx.reason.strip()}")
        if kyc_blocks:
            parts.append("Çekimlerin hızlı işlenmesi için kimlik doğrulamanızın tamamlanmış olması "
                         "gerekir. " + kyc_summary(kyc))
            buttons.append(KYC_STATUS_BUTTON)
    elif tx.status == "completed":
        parts.append(f"Tutar {label(TX_METHOD_LABELS, tx.method)} hesabınıza gönderildi.")
        if tx.method == "bank_transfer":
            parts.append("Paranın hesabınızda görünmesi bankanıza göre birkaç saat sürebilir; "
                         "hâlâ görünmüyorsa dekontla birlikte bir temsilcimize yazabilirsiniz.")
    elif tx.status == "rejected":
        if tx.reason:
            parts.append(_reason(tx))
        parts.append("Çekim gerçekleşmediği için tutar oyun bakiyenize geri yüklendi.")
        if kyc_blocks:
            parts.append("Çekim yapabilmek için kimlik doğrulamanızın tamamlanması gerekiyor. "
                         + kyc_summary(kyc)
                         + " Doğrulamanız onaylandıktan sonra yeni bir çekim talebi oluşturabilirsiniz.")
            buttons.append(KYC_STATUS_BUTTON)
        else:
            parts.append("Sorunu giderdikten sonra yeni bir çekim talebi oluşturabilirsiniz; "
                         "dilerseniz bir temsilcimiz ayrıntıları sizinle birlikte inceleyebilir.")
            buttons.append(HUMAN_BUTTON)
    elif tx.status == "failed":
        if tx.reason:
            parts.append(_reason(tx))
        parts.append("Tutar oyun bakiyenize geri yüklendi; ödeme bilgilerinizi kontrol edip yeni bir "
                     "talep oluşturabilir ya da bir temsilcimizden yardım alabilirsiniz.")
        buttons.append(HUMAN_BUTTON)
    elif tx.status == "cancelled":
        if tx.reason:
            parts.append(_reason(tx))
        parts.append("Tutar oyun bakiyenize geri yüklendi; dilediğiniz zaman yeni bir çekim talebi "
                     "oluşturabilirsiniz.")
    return " ".join(parts), buttons


def explain_deposit(tx: TransactionInfo, now: datetime) -> Message:
    parts, buttons = [_opening(tx)], []
    card = tx.method in ("credit_card", "debit_card")
    if tx.status == "completed":
        parts.append("Tutar bakiyenize eklendi; para yatırma işlemleri anında hesabınıza yansır.")
    elif tx.status in OPEN:
        parts.append("Yatırımlar normalde anında hesabınıza geçer; bu işlem hâlâ ödeme "
                     "sağlayıcısının onayını bekliyor.")
        if now - tx.created_at > SLOW_DEPOSIT:
            parts.append("Beklenenden uzun sürdüğü için bir temsilcimizin kontrol etmesini öneririm.")
            buttons.append(HUMAN_BUTTON)
        else:
            parts.append("Birkaç dakika içinde sonuçlanmazsa tekrar yazın; sizi bir temsilcimize bağlarım.")
    elif tx.status in ("failed", "rejected"):
        if tx.reason:
            parts.append(_reason(tx))
        parts.append("Bu yüzden tutar bakiyenize eklenmedi.")
        if card:
            parts.append("Kartınızdan para çekilmez; ekstrenizde geçici bir bloke görürseniz bankanız "
                         "bunu genellikle birkaç iş günü içinde kaldırır. Kartınızın internet "
                         "alışverişine açık ve limitinin yeterli olduğundan emin olun ya da bankanızla "
                         "görüşün; dilerseniz Papara veya havale/EFT gibi başka bir yöntemle de anında "
                         "yatırım yapabilirsiniz.")
        else:
            parts.append("Hesabınızdan para çekilmediyse yeniden deneyebilirsiniz. Tutar hesabınızdan "
                         "düştüyse dekontunuzla birlikte bir temsilcimize iletin; kontrol edip çözelim.")
        buttons.append(HUMAN_BUTTON)
    elif tx.status == "cancelled":
        if tx.reason:
            parts.append(_reason(tx))
        parts.append("Tutar bakiyenize eklenmedi. Hesabınızdan para çekildiyse dekontunuzla birlikte "
                     "bir temsilcimize iletin.")
        buttons.append(HUMAN_BUTTON)
    return " ".join(parts), buttons


def explain_other(tx: TransactionInfo) -> Message:
    text = _opening(tx)
    if tx.reason:
        text += " " + _reason(tx)
    return text, []


def summary_line(tx: TransactionInfo) -> str:
    return (f"• {tx.id} — {label(TX_KIND_LABELS, tx.kind)}, {format_money(tx.amount_minor, tx.currency)}, "
            f"{label(TX_METHOD_LABELS, tx.method)}, {label(TX_STATUS_LABELS, tx.status)} ({format_date(tx.created_at)})")


def _merge_buttons(messages: Sequence[Message]) -> List[Dict[str, str]]:
    seen, merged = set(), []
    for _, buttons in messages:
        for button in buttons:
            if button["payload"] not in seen:
                seen.add(button["payload"])
                merged.append(button)
    return merged


class ActionTransactionLookup(AccountAction):
    def name(self) -> Text:
        return "action_transaction_lookup"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any], player_id: Optional[str]) -> List[EventType]:
        intent = latest_intent(tracker)
        tx_id = requested_transaction_id(tracker)
        now = datetime.now(timezone.utc)

        if tx_id:
            tx = await ask(lambda bo: bo.transaction_for(player_id, tx_id,
                                                         conversation_id=tracker.sender_id))
            if tx is None:
                dispatcher.utter_message(
                    text=(f"Hesabınızda {tx_id} numaralı bir işlem bulamadım. Numarayı kontrol edip "
                          "tekrar yazabilir misiniz? İşlem numaraları TX-12345678 biçimindedir. "
                          "Dilerseniz sizi bir temsilcimize de bağlayabilirim."),
                    buttons=[HUMAN_BUTTON])
                return []
            await self._explain(dispatcher, [tx], player_id, now)
            return []

        methods = requested_methods(tracker)
        if intent == "withdrawal_status":
            txs = await ask(lambda bo: bo.transactions_of(player_id, kinds=["withdrawal"],
                                                          methods=methods, limit=10))
            if not txs:
                dispatcher.utter_message(text="Hesabınızda bir çekim talebi görünmüyor. Çekim talebini "
                                              "yeni oluşturduysanız birkaç dakika sonra tekrar sorabilirsiniz.")
                return []
            wanted = [t for t in txs if t.status in PROBLEM][:3] or txs[:1]
            await self._explain(dispatcher, wanted, player_id, now)
            return []

        if intent == "deposit_missing":
            txs = await ask(lambda bo: bo.transactions_of(player_id, kinds=["deposit"],
                                                          methods=methods, limit=10))
            if not txs:
                dispatcher.utter_message(
                    text=("Hesabınızda kayıtlı bir yatırım görünmüyor. Yatırımı az önce yaptıysanız birkaç "
                          "dakika bekleyin; tutar hesabınızdan düştüyse dekontunuzla birlikte bir "
                          "temsilcimiz hemen kontrol edebilir."),
                    buttons=[HUMAN_BUTTON])
                return []
            unfinished = [t for t in txs if t.status != "completed"][:3]
            if unfinished:
                await self._explain(dispatcher, unfinished, player_id, now)
                return []
            lines = "\n".join(summary_line(t) for t in txs[:3])
            dispatcher.utter_message(
                text=("Son yatırımlarınızın hepsi tamamlanmış ve bakiyenize eklenmiş görünüyor:\n"
                      f"{lines}\nBahsettiğiniz yatırım burada yoksa işlem numarasını yazın ya da "
                      "dekontunuzla birlikte bir temsilcimize iletin."),
                buttons=[HUMAN_BUTTON])
            return []

        txs = await ask(lambda bo: bo.transactions_of(player_id, methods=methods, limit=5))
        if not txs:
            dispatcher.utter_message(text="Hesabınızda henüz bir işlem görünmüyor.")
            return []
        if len(txs) == 1:
            await self._explain(dispatcher, txs, player_id, now)
            return []
        lines = "\n".join(summary_line(t) for t in txs)
        dispatcher.utter_message(
            text=(f"Son işlemleriniz:\n{lines}\nBir işlemin ayrıntısı için numarasını yazmanız yeterli "
                  f"(ör. {txs[0].id})."))
        return []

    async def _explain(self, dispatcher: CollectingDispatcher, txs: Sequence[TransactionInfo],
                       player_id: str, now: datetime) -> None:
        kyc = None
        if any(t.kind == "withdrawal" and t.status != "completed" for t in txs):
            kyc = await ask(lambda bo: bo.kyc_of(player_id))
        messages: List[Message] = []
        for tx in txs:
            if tx.kind == "withdrawal":
                messages.append(explain_withdrawal(tx, now, kyc))
            elif tx.kind == "deposit":
                messages.append(explain_deposit(tx, now))
            else:
                messages.append(explain_other(tx))
        buttons = _merge_buttons(messages)
        for index, (text, _) in enumerate(messages):
            last = index == len(messages) - 1
            dispatcher.utter_message(text=text, buttons=buttons if last else [])
