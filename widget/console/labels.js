// What the console shows for ids. Topic, intent, reason, priority and risk labels come from the server
// (the shared contract, `casinra_contracts.topics`), in `<key>_label` fields next to the ids; the console
// keeps no copy of them. A missing label falls back to the raw id: agents may see an id, players never.

/** label(item, "topic") → item.topic_label, else item.topic, else `fallback`. */
export function label(obj, key, fallback = "") {
  if (!obj) return fallback;
  const text = obj[key + "_label"];
  if (typeof text === "string" && text) return text;
  const raw = obj[key];
  return typeof raw === "string" && raw ? raw : fallback;
}

// Back-office values of the context panel, used only when the server sends no `<key>_label`.
const BACKOFFICE = {
  kyc: { approved: "Onaylandı", pending: "Beklemede", rejected: "Reddedildi", not_started: "Başlatılmadı", none: "Başlatılmadı" },
  kind: { deposit: "Yatırım", withdrawal: "Çekim", bonus: "Bonus", adjustment: "Düzeltme" },
  status: {
    pending: "Beklemede", processing: "İşleniyor", completed: "Tamamlandı", failed: "Başarısız", rejected: "Reddedildi",
    cancelled: "İptal edildi", reversed: "İade edildi",
  },
  method: {
    bank_transfer: "Havale/EFT", papara: "Papara", credit_card: "Kredi kartı", debit_card: "Banka kartı",
    ewallet: "E-cüzdan", e_wallet: "E-cüzdan", crypto: "Kripto",
  },
};

/** backofficeLabel(tx, "status") → tx.status_label, else the small table above, else the raw value. */
export function backofficeLabel(obj, key, table = key) {
  const text = obj && obj[key + "_label"];
  if (typeof text === "string" && text) return text;
  const raw = obj && obj[key];
  return (raw && BACKOFFICE[table] && BACKOFFICE[table][raw]) || raw || "";
}

const languageNames = (() => {
  try { return new Intl.DisplayNames(["tr"], { type: "language" }); } catch (_) { return null; }
})();

/** The player's language: the server's `language_label`, else the browser's Turkish name ("en" → "İngilizce"). */
export function languageLabel(obj) {
  const code = obj && obj.language;
  if (obj && typeof obj.language_label === "string" && obj.language_label) return obj.language_label;
  if (!code) return "";
  try { return (languageNames && languageNames.of(code)) || code; } catch (_) { return code; }
}
