"""action_bonus_status: the player's own bonuses — wagering done vs required, expiry, max cash-out."""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.backoffice.repository import BonusInfo
from actions.backoffice.service import ask
from actions.common import HUMAN_BUTTON, AccountAction
from casinra_contracts.dates import format_date
from casinra_contracts.money import format_money, format_percent


def describe_active_bonus(bonus: BonusInfo) -> str:
    done, required = bonus.wagering_done_minor, bonus.wagering_required_minor
    remaining = max(required - done, 0)
    parts = [
        f"Aktif bonusunuz: {bonus.name} ({format_money(bonus.amount_minor)}).",
        f"Çevrim şartı {format_money(required)}; bugüne kadar {format_money(done)} çevrim yaptınız "
        f"({format_percent(done, required)}).",
    ]
    if remaining:
        parts.append(f"Bonusun çekilebilir bakiyeye dönüşmesi için {format_money(remaining)} daha çevrim "
                     "yapmanız gerekiyor.")
    else:
        parts.append("Çevrim şartını tamamladınız; bonus kısa süre içinde çekilebilir bakiyenize geçer.")
    if bonus.expires_at:
        parts.append(f"Son geçerlilik tarihi: {format_date(bonus.expires_at)}.")
    if bonus.max_cashout_minor:
        parts.append(f"Bu bonusla kazançlarınızdan en fazla {format_money(bonus.max_cashout_minor)} çekebilirsiniz.")
    return " ".join(parts)


def describe_past_bonus(bonus: BonusInfo) -> str:
    if bonus.status == "completed":
        return f"{bonus.name} bonusunuzun çevrim şartı tamamlandı ve bonus bakiyenize geçti."
    if bonus.status == "expired":
        when = f" {format_date(bonus.expires_at)} tarihinde" if bonus.expires_at else ""
        return (f"{bonus.name} bonusunuzun süresi{when} doldu; çevrim tamamlanmadığı için "
                "bonus ve bonusla elde edilen kazançlar hesabınızdan düşüldü.")
    reason = f" Sebep: {bonus.reason.strip()}" if bonus.reason else ""
    return (f"{bonus.name} bonusunuz iptal edildi.{reason} Bu karara itiraz etmek isterseniz ekran "
            "görüntüsü ve işlem numarasıyla birlikte bir temsilcimize iletebilirsiniz.")


class ActionBonusStatus(AccountAction):
    def name(self) -> Text:
        return "action_bonus_status"

    async def act(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: Dict[Text, Any], player_id: Optional[str]) -> List[EventType]:
        bonuses = await ask(lambda bo: bo.bonuses_of(player_id, limit=5))
        active = [b for b in bonuses if b.status == "active"]
        if active:
            for bonus in active:
                dispatcher.utter_message(text=describe_active_bonus(bonus))
            return []
        if bonuses:
            latest = bonuses[0]
            text = "Şu anda aktif bir bonusunuz bulunmuyor. " + describe_past_bonus(latest)
            buttons = [HUMAN_BUTTON] if latest.status == "cancelled" else []
            dispatcher.utter_message(text=text, buttons=buttons)
            return []
        dispatcher.utter_message(
            text=("Şu anda hesabınızda aktif bir bonus bulunmuyor. Yatırımınıza tanımlanması gereken "
                  "bir bonus görünmüyorsa, yatırım işleminizin numarasıyla birlikte bir temsilcimizden "
                  "kontrol isteyebilirsiniz."),
            buttons=[HUMAN_BUTTON],
        )
        return []
