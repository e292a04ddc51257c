// Small badges shared by the queue, the chat header and the context panel.
import { h } from "./dom.js";
import { label, languageLabel } from "./labels.js";

/** The priority ("Acil", "Yüksek", "Normal" from the server). */
export function priorityBadge(item) {
  return h("span", { class: "prio " + (item.priority || "normal") }, label(item, "priority"));
}

/** The safety risk of a hand-off ("Kendine zarar verme riski"), or null. */
export function riskFlag(item, tag = "div") {
  if (!item || !item.risk) return null;
  return h(tag, { class: "risk", role: "note", "data-risk": item.risk },
    h("span", { class: "risk-mark", "aria-hidden": "true" }, "⚠"), " ", label(item, "risk"));
}

/** A small badge for a player who does not write Turkish, or null. */
export function languageBadge(item) {
  if (!item || !item.language || item.language === "tr") return null;
  const name = languageLabel(item);
  return h("span", { class: "lang", title: `Oyuncunun dili: ${name}`, "aria-label": `Dil: ${name}` }, item.language.toUpperCase());
}
