// What the console shows for ids. Topic, intent, reason, priority and risk labels (`casinra_contracts.topics`)
// and back-office labels (`casinra_contracts.backoffice.labels`) come from the server in `<key>_label` fields
// next to the ids; the console keeps no copy of them. A missing label falls back to the raw id: agents may
// see an id, players never.

/** label(item, "topic") → item.topic_label, else item.topic, else `fallback`. */
export function label(obj, key, fallback = "") {
  if (!obj) return fallback;
  const text = obj[key + "_label"];
  if (typeof text === "string" && text) return text;
  const raw = obj[key];
  return typeof raw === "string" && raw ? raw : fallback;
}

/** "onaylandı" → "Onaylandı", "inceleniyor" → "İnceleniyor" (the server's labels are lower case, for sentences). */
export function capitalise(text) {
  return text ? text.charAt(0).toLocaleUpperCase("tr-TR") + text.slice(1) : "";
}

/** A back-office code in the context panel (KYC status, transaction kind, method, status): the server's
 * `<key>_label` (`casinra_contracts.backoffice.labels`), capitalised for a table cell; else the raw code. */
export function backofficeLabel(obj, key) {
  const text = obj && obj[key + "_label"];
  if (typeof text === "string" && text) return capitalise(text);
  return (obj && obj[key]) || "";
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
