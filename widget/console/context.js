// <console-context>: what the bot knew about the active chat — the safety risk first, the hand-off
// (priority, topic, what the player needed, why, summary, language, references the bot created), the
// player's profile, KYC, recent transactions, the intents the bot recognised and the filled slots.
import { h } from "./dom.js";
import { backofficeLabel, label, languageLabel } from "./labels.js";
import { priorityBadge, riskFlag } from "./badges.js";

const HIDDEN_SLOTS = new Set(["session_started_metadata", "requested_slot"]);
const EMPTY = "Bir sohbet seçildiğinde asistanın anladıkları, oyuncu profili, KYC durumu ve son işlemler burada görünür.";

const section = (cls, title, ...body) => h("section", { class: "ctx" + (cls ? " " + cls : "") }, h("h3", null, title), ...body);
const pairs = (rows) => rows.filter(Boolean).flatMap(([k, v]) => [h("dt", null, k), h("dd", null, v)]);

function handoffSection(ho) {
  const refs = Array.isArray(ho.references) ? ho.references : [];
  const intent = label(ho, "intent");
  return section("handoff", "Devir nedeni",
    h("p", null, priorityBadge(ho), " ",
      ho.topic ? h("strong", { class: "ho-topic" }, label(ho, "topic")) : null),
    h("dl", null, ...pairs([
      intent && ["İhtiyaç", intent],
      ho.reason && ["Neden", label(ho, "reason")],
      ho.language && ho.language !== "tr" && ["Dil", languageLabel(ho)],
      refs.length && ["Kayıtlar", h("span", { class: "refs" }, ...refs.map((r) => h("code", { class: "ref" }, r)))],
    ])),
    ho.summary ? h("p", { class: "summary" }, ho.summary) : null);
}

function playerSection(d, p) {
  if (!p) {
    return section("", "Oyuncu",
      h("p", { class: "muted" }, d.guest ? "Misafir: oturum açılmamış, hesap bilgisi yok." : "Back-office bilgisine ulaşılamadı."));
  }
  return section("", "Oyuncu", h("dl", null, ...pairs([
    ["No", p.id],
    ["Ad", p.name],
    p.email && ["E-posta", p.email],
    p.phone && ["Telefon", p.phone],
    ["Hesap", p.locked ? h("span", { class: "badge bad" }, "Kilitli") : h("span", { class: "badge ok" }, "Aktif")],
  ])));
}

function kycSection(kyc) {
  const st = kyc.status;
  const cls = st === "approved" ? "ok" : st === "rejected" ? "bad" : "warn";
  return section("kyc", "KYC",
    h("p", null, h("span", { class: "badge " + cls }, backofficeLabel(kyc, "status")),
      kyc.reason ? h("span", { class: "muted" }, " — " + kyc.reason) : null));
}

function transactionsSection(txs) {
  if (!txs.length) return section("", "Son işlemler", h("p", { class: "muted" }, "İşlem yok."));
  return section("", "Son işlemler", h("table", { class: "tx" },
    h("thead", null, h("tr", null, h("th", { scope: "col" }, "İşlem"), h("th", { scope: "col" }, "Tutar"), h("th", { scope: "col" }, "Durum"))),
    h("tbody", null, ...txs.slice(0, 8).map((t) => h("tr", null,
      h("td", null, h("code", null, t.id), h("br"),
        h("small", { class: "muted" }, [backofficeLabel(t, "kind"), backofficeLabel(t, "method")].filter(Boolean).join(" · "))),
      h("td", { class: "num" }, t.amount || ""),
      h("td", null, h("span", { class: "st " + t.status }, backofficeLabel(t, "status")),
        t.reason ? h("small", { class: "muted block" }, t.reason) : null))))));
}

function intentsSection(intents) {
  if (!intents.length) return section("", "Asistanın anladıkları", h("p", { class: "muted" }, "Kayıt yok."));
  return section("", "Asistanın anladıkları", h("ol", { class: "intents" }, ...intents.slice(-8).map((it) => {
    const pct = Math.round((it.confidence || 0) * 100);
    const bar = h("span", { class: "bar" });
    bar.style.width = `${pct}%`;
    return h("li", null,
      h("q", null, it.text || ""),
      it.intent_label ? h("span", { class: "intent-label" }, it.intent_label) : null,
      h("div", { class: "intent-row" }, h("code", null, it.intent || "?"),
        h("span", { class: "conf" + (pct < 60 ? " low" : ""), role: "img", "aria-label": `güven %${pct}` },
          bar), h("span", { class: "pct" }, `%${pct}`)));
  })));
}

function slotsSection(slots) {
  const filled = Object.entries(slots).filter(([k, v]) => v !== null && v !== undefined && v !== "" && !HIDDEN_SLOTS.has(k));
  return section("", "Slotlar", filled.length
    ? h("dl", { class: "slots" }, ...filled.flatMap(([k, v]) => [h("dt", null, k), h("dd", null, typeof v === "object" ? JSON.stringify(v) : String(v))]))
    : h("p", { class: "muted" }, "Dolu slot yok."));
}

class ConsoleContext extends HTMLElement {
  /** Show one conversation's data (a `conversation` frame, kept up to date by the chat), or nothing. */
  show(d) {
    if (!d) { this.replaceChildren(h("p", { class: "muted" }, EMPTY)); return; }
    const c = d.context || {};
    const ho = d.handoff;
    this.replaceChildren(...[
      ho && ho.risk ? riskFlag(ho, "section") : null,
      ho ? handoffSection(ho) : null,
      playerSection(d, c.profile),
      c.kyc ? kycSection(c.kyc) : null,
      d.guest ? null : transactionsSection(c.transactions || []),
      intentsSection(c.intents || []),
      slotsSection(c.slots || {}),
    ].filter(Boolean));
  }
}

if (!customElements.get("console-context")) customElements.define("console-context", ConsoleContext);
