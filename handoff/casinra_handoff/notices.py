"""Every notice the gateway itself shows the player (system messages), in one place."""
from __future__ import annotations

# the one notice a queued player gets, in the language they asked to be served in
QUEUED = {
    "tr": "Sizi canlı destek sırasına aldım. Bir temsilci kısa süre içinde sizinle olacak.",
    "en": "You are now in the queue for a live agent. Someone will be with you shortly.",
    "de": "Sie sind jetzt in der Warteschlange für einen Live-Mitarbeiter. Gleich ist jemand für Sie da.",
}
JOINED = "{name} sohbete katıldı."
TRANSFERRED_TO_AGENT = "Sohbetiniz {name} adlı temsilcimize aktarıldı."
TRANSFERRED_TO_TEAM = "Sohbetiniz ilgili ekibe aktarıldı; sıranın başına alındınız."
REQUEUED = "Temsilcimizin bağlantısı koptu; sohbetiniz sıranın başına alındı."
RESOLVED = "Canlı destek görüşmesi sona erdi."
BOT_DOWN = ("Üzgünüm, asistanımız şu anda yanıt veremiyor. Sizi hemen canlı destek temsilcimize bağlayabilirim; "
            "dilerseniz destek@casinra.com adresine e-posta gönderebilirsiniz (24–72 saat içinde yanıtlanır).")
# the one button of BOT_DOWN: the gateway queues the chat itself, without the bot (service.py)
HUMAN_BUTTON = ("Canlı destek temsilcisine bağlan", "/gateway_handoff")
BOT_DOWN_SUMMARY = "Asistan yanıt veremedi (sistem arızası); oyuncu canlı desteğe bağlanmak istedi."
# when the bot cannot be told that no agent is available (keys: casinra_contracts.handoff.UNAVAILABLE_REASONS)
UNAVAILABLE = {
    "offline": "Şu anda çevrim içi temsilcimiz yok. Bize e-posta ile ulaşabilir veya geri arama isteyebilirsiniz.",
    "out_of_hours": "Canlı destek şu anda mesai saatleri dışında. Bize e-posta ile ulaşabilir veya geri arama isteyebilirsiniz.",
}
