// <console-chat>: one conversation in its tab panel — the header (player, topic, priority, risk), the
// transcript (player, bot, agents, internal notes, attachments, the buttons the bot offered), the
// player's typing indicator, the "no longer yours" banner, and a <console-composer>.
import "./composer.js";
import { emit, h, timeOf } from "./dom.js";
import { label } from "./labels.js";
import { languageBadge, riskFlag } from "./badges.js";

const RELEASED = {
  resolved: "Görüşme çözüldü olarak kapatıldı; asistan devraldı.",
  transferred: "Sohbet aktarıldı; artık sizde değil.",
  requeued: "Bağlantınız uzun süre koptuğu için sohbet sıraya geri döndü.",
};
const SENDERS = ["player", "bot", "agent", "system"];
const TYPING_SHOWN_MS = 15000;

class ConsoleChat extends HTMLElement {
  /** Wire up before connecting: `cid`, `session`, `agent`, `canned`. */
  setup({ cid, session, agent, canned }) {
    Object.assign(this, { cid, session, agent });
    this.data = {};
    this.maxSeq = 0;
    this.released = false;
    this.className = "chat-panel";
    this.id = "panel-" + cid;
    this.hidden = true;
    this.dataset.conversationId = cid;
    this.setAttribute("role", "tabpanel");
    this.setAttribute("aria-labelledby", "tab-" + cid);

    this.composer = document.createElement("console-composer");
    this.composer.setup({ cid, session, agent, canned });
    this.heading = h("h2", { class: "conv-title" });
    this.sub = h("p", { class: "conv-sub muted" });
    this.risk = h("div", { class: "conv-risk" });
    this.closeBtn = h("button", { type: "button", class: "ghost", hidden: true, onclick: () => emit(this, "close-chat", cid) }, "Sekmeyi kapat");
    this.banner = h("p", { class: "released-banner", role: "status", hidden: true });
    this.log = h("div", { class: "transcript", role: "log", "aria-live": "polite", "aria-label": "Sohbet dökümü", tabindex: "0" });
    this.typingNote = h("p", { class: "typing", hidden: true, "aria-live": "polite" },
      h("span", { class: "dots", "aria-hidden": "true" }, h("i"), h("i"), h("i")), " Oyuncu yazıyor…");
    this.replaceChildren(
      h("div", { class: "conv-head" }, h("div", { class: "conv-who" }, this.heading, this.sub, this.risk),
        h("div", { class: "conv-actions" }, ...this.composer.actions, this.closeBtn)),
      this.composer.transferBox, this.banner, this.log, this.typingNote, this.composer);
  }

  get name() { return this.data.player ? this.data.player.name : "Misafir"; }
  get priority() { return (this.data.handoff && this.data.handoff.priority) || null; }

  /** A `conversation` frame: the whole transcript and context (on claim, transfer and reconnect). */
  load(f) {
    this.data = f;
    this.setReleased(false);
    this.maxSeq = 0;
    this.log.replaceChildren();
    for (const m of f.transcript || []) this.append(m, false);
    this.renderHead();
  }

  renderHead() {
    const d = this.data;
    const ho = d.handoff || {};
    this.heading.textContent = d.player ? d.player.name : "Misafir oyuncu";
    const bits = [d.player ? d.player.id : "misafir"];
    if (ho.topic) bits.push(label(ho, "topic"));
    if (ho.priority) bits.push("öncelik: " + label(ho, "priority"));
    const lang = languageBadge(ho);
    this.sub.replaceChildren(...[bits.join(" · "), lang && " ", lang].filter(Boolean));
    this.risk.replaceChildren(...[riskFlag(ho)].filter(Boolean));
  }

  /** A `state` frame: topic and priority may have changed. */
  state(f) {
    const ho = { ...(this.data.handoff || {}) };
    for (const key of ["topic", "topic_label", "priority", "priority_label"]) if (f[key]) ho[key] = f[key];
    this.data = { ...this.data, state: f.state, handoff: ho };
    this.renderHead();
  }

  /** Add one message; live ones scroll into view when the agent is near the end. → the sender. */
  append(m, live) {
    if (typeof m.seq === "number") {
      if (m.seq <= this.maxSeq) return null;
      this.maxSeq = m.seq;
    }
    const sender = SENDERS.includes(m.sender) ? m.sender : "system";
    let who;
    if (sender === "player") who = this.name;
    else if (sender === "bot") who = "Asistan";
    else if (sender === "agent") who = (m.agent && m.agent.display_name) || "Temsilci";
    const mine = sender === "agent" && !!this.agent && !!m.agent && m.agent.display_name === this.agent.display_name;
    const el = h("div", {
      class: `msg ${sender}${m.internal ? " internal" : ""}${mine ? " mine" : ""}`, "data-seq": m.seq != null ? String(m.seq) : null,
    },
    h("div", { class: "msg-meta" }, who ? h("span", { class: "msg-who" }, who) : null,
      m.internal ? h("span", { class: "note-tag" }, "İç not") : null,
      h("time", null, timeOf(m.ts))),
    this.body(m));
    if (Array.isArray(m.buttons) && m.buttons.length) {
      el.append(h("div", { class: "offered", "aria-label": "Asistanın sunduğu seçenekler" },
        ...m.buttons.map((b) => h("span", { class: "chip" }, b.title))));
    }
    this.log.append(el);
    if (sender === "player") this.typingNote.hidden = true;
    if (live) {
      const nearEnd = this.log.scrollHeight - this.log.scrollTop - this.log.clientHeight < 160;
      if (nearEnd || mine) this.scrollToEnd();
    }
    return sender;
  }

  body(m) {
    const body = h("div", { class: "msg-body" });
    if (m.text) body.append(document.createTextNode(m.text));
    if (m.attachment) {
      const a = m.attachment;
      const href = `${this.session.gateway}/api/attachments/${encodeURIComponent(a.id)}?token=${encodeURIComponent(this.session.token)}`;
      body.append(h("a", { class: "attachment", href, target: "_blank", rel: "noopener noreferrer" },
        h("span", { class: "att-tag" }, "Ek"), a.name, ` (${Math.max(1, Math.round((a.size || 0) / 1024))} KB, ${a.content_type})`));
    }
    if (m.image && /^https?:\/\//i.test(m.image)) {
      body.append(h("a", { class: "attachment", href: m.image, target: "_blank", rel: "noopener noreferrer" },
        h("span", { class: "att-tag" }, "Görsel"), "Asistanın gönderdiği görsel"));
    }
    return body;
  }

  scrollToEnd() {
    requestAnimationFrame(() => { this.log.scrollTop = this.log.scrollHeight; });
  }

  /** A `typing` frame from the player. */
  typing(on) {
    this.typingNote.hidden = !on;
    clearTimeout(this.typingHide);
    if (on) this.typingHide = setTimeout(() => { this.typingNote.hidden = true; }, TYPING_SHOWN_MS);
  }

  /** A `released` frame: the chat stays readable but is no longer this agent's. */
  release(reason) {
    this.setReleased(true);
    this.banner.textContent = RELEASED[reason] || "Sohbet artık sizde değil.";
    this.typing(false);
  }

  setReleased(released) {
    this.released = released;
    this.classList.toggle("released", released);
    this.banner.hidden = !released;
    this.closeBtn.hidden = !released;
    this.composer.setReleased(released);
  }

  /** Where the keyboard goes when this chat becomes active. */
  focusDefault() {
    (this.released ? this.closeBtn : this.composer.input).focus();
  }

  disconnectedCallback() { clearTimeout(this.typingHide); }
}

if (!customElements.get("console-chat")) customElements.define("console-chat", ConsoleChat);
