// <console-content>: the content team's page (role `editor`). Four parts, each its own module:
// the review inbox (content-inbox.js), the answers (content-answers.js), the pending changes and
// their commit (content-changes.js), and the model — validate, train, evaluate, report, promote,
// replicas, history, rollback (content-model.js). They share the REST calls below; a change in one
// (an example added, an answer edited, a commit) tells the others through a "content-changed" event.
// API: handoff/casinra_handoff/routes_content.py and routes_models.py.
import { h } from "./dom.js";
import "./content-answers.js";
import "./content-changes.js";
import "./content-inbox.js";
import "./content-model.js";
import { ContentApi } from "./content-common.js";

const STYLE_ID = "content-css";
const TABS = [
  { id: "inbox", title: "Gelen kutusu", tag: "content-inbox" },
  { id: "answers", title: "Cevaplar", tag: "content-answers" },
  { id: "changes", title: "Değişiklikler", tag: "content-changes" },
  { id: "model", title: "Model", tag: "content-model" },
];

class ConsoleContent extends HTMLElement {
  /** Called by the shell once `session` and `agent` are set. */
  start() {
    if (!document.getElementById(STYLE_ID)) {
      document.head.append(h("link", { id: STYLE_ID, rel: "stylesheet", href: "/widget/console/content.css" }));
    }
    this.api = new ContentApi(this.session);
    this.className = "content-page";
    this.tabbar = h("div", { class: "content-tabs", role: "tablist", "aria-label": "İçerik bölümleri",
      onkeydown: (e) => this.tabKeys(e) });
    this.panes = new Map();
    const host = h("div", { class: "content-body" });
    for (const tab of TABS) {
      const pane = document.createElement(tab.tag);
      pane.id = "content-" + tab.id;
      pane.setAttribute("role", "tabpanel");
      pane.setAttribute("aria-labelledby", "content-tab-" + tab.id);
      pane.api = this.api;
      pane.agent = this.agent;
      pane.hidden = true;
      this.panes.set(tab.id, pane);
      host.append(pane);
    }
    this.replaceChildren(h("header", { class: "content-head" },
      h("div", null, h("h1", null, "İçerik"),
        h("p", { class: "muted" }, "Oyuncuların botun anlamadığı mesajları, cevaplar, eğitim ve canlı model.")),
      this.tabbar), host);
    this.addEventListener("content-changed", () => this.refreshBadges());
    this.addEventListener("content-goto", (e) => this.select(e.detail));
    this.select("inbox");
    this.refreshBadges();
  }

  renderTabs() {
    this.tabbar.replaceChildren(...TABS.map((tab) => {
      const selected = tab.id === this.current;
      const badge = this.badges && this.badges[tab.id];
      return h("button", {
        type: "button", role: "tab", id: "content-tab-" + tab.id, class: "content-tab", "data-tab": tab.id,
        "aria-selected": String(selected), "aria-controls": "content-" + tab.id, tabindex: selected ? "0" : "-1",
        onclick: () => this.select(tab.id),
      }, tab.title, badge ? h("span", { class: "count", "aria-label": `${badge} bekleyen` }, String(badge)) : null);
    }));
  }

  select(id) {
    if (!this.panes.has(id)) return;
    this.current = id;
    for (const [tid, pane] of this.panes) {
      pane.hidden = tid !== id;
      if (typeof pane.shown === "function") pane.shown(tid === id && !this.hidden);
    }
    this.renderTabs();
  }

  tabKeys(e) {
    if (!["ArrowLeft", "ArrowRight"].includes(e.key)) return;
    const i = TABS.findIndex((t) => t.id === this.current);
    const next = TABS[(i + (e.key === "ArrowRight" ? 1 : TABS.length - 1)) % TABS.length];
    e.preventDefault();
    this.select(next.id);
    this.tabbar.querySelector(`[data-tab="${next.id}"]`).focus();
  }

  /** The pending-changes count on the "Değişiklikler" tab. */
  async refreshBadges() {
    try {
      const ws = await this.api.get("/api/content/workspace");
      this.badges = { changes: ws.changed.length };
    } catch (_) { this.badges = {}; }
    this.renderTabs();
  }

  /** The shell: the page is on screen or not (timers run only while it is). */
  shown(on) {
    const pane = this.panes && this.panes.get(this.current);
    if (pane && typeof pane.shown === "function") pane.shown(on);
  }
}

if (!customElements.get("console-content")) customElements.define("console-content", ConsoleContent);
