// <console-queue>: the live queue — urgency first (the gateway orders it), waiting time that changes
// colour, the safety risk on top of the row, topic/intent/reason labels, language, references, summary,
// and a claim button. Events: "claim" (detail: conversation id), "queue-arrivals" (detail: { urgent }).
import { duration, emit, h } from "./dom.js";
import { languageBadge, priorityBadge, riskFlag } from "./badges.js";
import { label } from "./labels.js";

function waitLevel(seconds, priority) {
  const f = priority === "urgent" ? 0.5 : priority === "high" ? 0.75 : 1;
  if (seconds < 60 * f) return "fresh";
  if (seconds < 180 * f) return "warm";
  return "late";
}

class ConsoleQueue extends HTMLElement {
  connectedCallback() {
    if (this.list) return;
    this.items = [];
    this.seen = new Set();
    this.first = true;
    this.count = h("span", { class: "count" }, "0");
    this.online = h("p", { class: "muted small" });
    this.list = h("ul", { class: "queue-list", "aria-label": "Bekleyen sohbetler" });
    this.empty = h("p", { class: "empty" }, "Sırada bekleyen sohbet yok. Yeni sohbetler burada görünür.");
    this.setAttribute("aria-labelledby", "queue-title");
    this.replaceChildren(h("h2", { id: "queue-title" }, "Sıra ", this.count), this.online,
      h("div", { class: "queue-scroll" }, this.list, this.empty));
    this.ticker = setInterval(() => this.tick(), 1000);
  }

  disconnectedCallback() { clearInterval(this.ticker); }

  get size() { return this.items.length; }

  urgentWaiting() { return this.items.some((it) => it.priority === "urgent"); }

  /** A `queue` frame from the gateway. */
  update(f) {
    const now = Date.now() / 1000;
    this.items = (f.items || []).map((it) => ({ ...it, _since: now - (it.waiting_seconds || 0) }));
    this.online.textContent = `Çevrim içi temsilci: ${f.agents_online}`;
    const fresh = this.items.filter((it) => !this.seen.has(it.conversation_id));
    for (const it of this.items) this.seen.add(it.conversation_id);
    if (this.first ? this.urgentWaiting() : fresh.length) {
      emit(this, "queue-arrivals", { urgent: this.first || fresh.some((it) => it.priority === "urgent") });
    }
    this.first = false;
    this.render();
  }

  render() {
    this.count.textContent = String(this.items.length);
    this.empty.hidden = this.items.length > 0;
    this.list.replaceChildren(...this.items.map((it) => this.row(it)));
  }

  row(it) {
    const name = it.player ? it.player.name : "Misafir";
    const waited = Date.now() / 1000 - it._since;
    const wait = h("span", {
      class: "wait " + waitLevel(waited, it.priority), "data-since": String(it._since), "data-priority": it.priority,
      title: "Bekleme süresi",
    }, duration(waited));
    const claim = h("button", {
      type: "button", class: "primary claim", "aria-label": `${name} sohbetini üstlen`,
      onclick: () => {
        claim.disabled = true;
        emit(this, "claim", it.conversation_id);
        setTimeout(() => { claim.disabled = false; }, 3000);
      },
    }, "Üstlen");
    const intent = label(it, "intent");
    const refs = Array.isArray(it.references) ? it.references : [];
    return h("li", { class: "queue-item p-" + it.priority + (it.risk ? " has-risk" : ""), "data-conversation-id": it.conversation_id },
      riskFlag(it),
      h("div", { class: "qi-top" },
        priorityBadge(it),
        h("strong", { class: "qi-name" }, name),
        languageBadge(it),
        wait),
      h("div", { class: "qi-topic" },
        it.topic ? h("span", { class: "qi-topic-label" }, label(it, "topic")) : null,
        it.guest ? h("span", { class: "chip" }, "misafir") : h("span", { class: "muted small" }, it.player ? it.player.id : ""),
        it.team ? h("span", { class: "chip team" }, `ekip: ${it.team}`) : null,
        it.requeued ? h("span", { class: "chip" }, "sıranın başında") : null),
      intent || it.reason ? h("p", { class: "qi-why muted small" },
        intent ? h("span", { class: "qi-intent" }, intent) : null,
        intent && it.reason ? " · " : null,
        it.reason ? h("span", { class: "qi-reason" }, label(it, "reason")) : null) : null,
      it.summary ? h("p", { class: "qi-summary" }, it.summary) : null,
      refs.length ? h("p", { class: "qi-refs" }, ...refs.map((r) => h("code", { class: "ref" }, r))) : null,
      h("div", { class: "qi-actions" }, h("span", { class: "muted small" }, `#${it.position}`), claim));
  }

  tick() {
    const now = Date.now() / 1000;
    for (const el of this.list.querySelectorAll(".wait")) {
      const s = now - Number(el.dataset.since);
      el.textContent = duration(s);
      el.className = "wait " + waitLevel(s, el.dataset.priority);
    }
  }
}

if (!customElements.get("console-queue")) customElements.define("console-queue", ConsoleQueue);
