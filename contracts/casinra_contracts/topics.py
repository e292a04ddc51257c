"""Topics, intents, priorities, hand-off reasons and safety risks, with their Turkish labels.

A *topic* is the area of the site a conversation is about. The same topic ids name the data
files (``data/nlu/<topic>.yml``), the agents' canned replies (``handoff/canned/<topic>.yml``),
the queue items and the analytics; the widget and the console show only the Turkish label.
"""
from __future__ import annotations

from typing import Optional

TOPICS: dict[str, str] = {
    "account": "Üyelik ve giriş",
    "kyc": "Kimlik doğrulama",
    "payments": "Para yatırma ve çekme",
    "bonus": "Bonus ve promosyon",
    "security": "Hesap güvenliği",
    "privacy": "Kişisel veriler (KVKK)",
    "responsible_gaming": "Sorumlu oyun",
    "support": "Genel destek",
}
DEFAULT_TOPIC = "support"

# intent → (topic, what the player needs, in Turkish, for the agent)
INTENTS: dict[str, tuple[str, str]] = {
    "account_registration": ("account", "Üyelik ve kayıt"),
    "login_problem": ("account", "Hesaba giriş sorunu"),
    "kyc_info": ("kyc", "Doğrulama süreci hakkında bilgi"),
    "kyc_status": ("kyc", "Doğrulama durumu"),
    "deposit_info": ("payments", "Para yatırma hakkında bilgi"),
    "deposit_missing": ("payments", "Hesaba geçmeyen yatırım"),
    "withdrawal_info": ("payments", "Para çekme hakkında bilgi"),
    "withdrawal_status": ("payments", "Çekim talebinin durumu"),
    "transaction_lookup": ("payments", "Bir işlem hakkında soru"),
    "bonus_info": ("bonus", "Bonus kuralları hakkında bilgi"),
    "bonus_status": ("bonus", "Bonus durumu"),
    "bonus_dispute": ("bonus", "Bonus ya da kazanç itirazı"),
    "password_reset": ("security", "Şifre sıfırlama"),
    "two_factor": ("security", "İki adımlı doğrulama"),
    "report_fraud": ("security", "Dolandırıcılık ya da yetkisiz işlem bildirimi"),
    "privacy_request": ("privacy", "KVKK talebi"),
    "deposit_limit": ("responsible_gaming", "Yatırım ya da kayıp limiti"),
    "responsible_gaming": ("responsible_gaming", "Sorumlu oyun desteği"),
    "human_handoff": ("support", "Temsilciyle görüşme isteği"),
    "contact_info": ("support", "İletişim bilgileri"),
    "callback_request": ("support", "Geri arama talebi"),
    "email_ticket": ("support", "E-posta ile destek talebi"),
    "complaint": ("support", "Hizmetle ilgili şikâyet"),
    "ticket_status": ("support", "Açık talebinin durumu"),
}
# Intents that say nothing about what the player needs (small talk, answers, the gateway's events).
NEUTRAL_INTENTS = frozenset({
    "greet", "goodbye", "thank", "affirm", "deny", "inform", "cancel", "rate", "bot_challenge",
    "out_of_scope", "nlu_fallback", "human_handoff", "language_request",
})

PRIORITIES: dict[str, str] = {"urgent": "Acil", "high": "Yüksek", "normal": "Normal"}
PRIORITY_ORDER = ("urgent", "high", "normal")

# Why a conversation was handed to a person.
REASONS: dict[str, str] = {
    "player_request": "Oyuncu temsilci istedi",
    "safety": "Güvenlik uyarısı",
    "fraud": "Dolandırıcılık bildirimi",
    "responsible_gaming": "Sorumlu oyun",
    "dispute": "İtiraz",
    "complaint": "Şikâyet",
    "repeated_fallback": "Bot iki kez anlayamadı",
    "language": "Başka dilde destek",
    "bot_escalation": "Botun yönlendirmesi",
}
DEFAULT_REASON = "bot_escalation"

# Safety risks the bot detects; every one is escalated as urgent. `self_harm` also gets 112 and
# Yeşilay 115 first, and is flagged to the agent at the top of the queue.
RISKS: dict[str, tuple[str, str]] = {  # risk → (topic, Turkish label for the agent)
    "account_takeover": ("security", "Hesap ele geçirilmiş olabilir"),
    "unauthorised_activity": ("security", "Oyuncunun yapmadığı işlem ya da bahis"),
    "phishing": ("security", "Oltalama (phishing) girişimi"),
    "loss_of_control": ("responsible_gaming", "Kumar üzerinde kontrol kaybı"),
    "gambling_debt": ("responsible_gaming", "Kumar borcu"),
    "family_harm": ("responsible_gaming", "Ailesine zarar / aile sorunu"),
    "hopelessness": ("responsible_gaming", "Umutsuzluk"),
    "self_harm": ("responsible_gaming", "Kendine zarar verme riski"),
}
FRAUD_RISKS = frozenset({"account_takeover", "unauthorised_activity", "phishing"})

LANGUAGES: dict[str, str] = {"tr": "Türkçe", "en": "İngilizce", "de": "Almanca"}


def topic_of(intent: Optional[str]) -> Optional[str]:
    """The topic of an intent (``kyc_info/documents`` counts as ``kyc_info``); None if neutral."""
    if not intent:
        return None
    entry = INTENTS.get(intent.split("/")[0])
    return entry[0] if entry else None


def topic_label(topic: Optional[str]) -> str:
    return TOPICS.get(topic or DEFAULT_TOPIC, TOPICS[DEFAULT_TOPIC])


def intent_label(intent: Optional[str]) -> Optional[str]:
    entry = INTENTS.get((intent or "").split("/")[0])
    return entry[1] if entry else None


def priority_label(priority: Optional[str]) -> str:
    return PRIORITIES.get(priority or "normal", PRIORITIES["normal"])


def reason_label(reason: Optional[str]) -> str:
    return REASONS.get(reason or DEFAULT_REASON, REASONS[DEFAULT_REASON])


def risk_label(risk: Optional[str]) -> Optional[str]:
    return RISKS[risk][1] if risk in RISKS else None


def priority_band(priority: Optional[str]) -> int:
    """0 for urgent, 1 for high, 2 for normal (the queue sorts by band, then waiting time)."""
    return PRIORITY_ORDER.index(priority) if priority in PRIORITY_ORDER else len(PRIORITY_ORDER) - 1
