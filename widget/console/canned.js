// <console-canned>: the canned Turkish replies (GET /api/canned), grouped by topic, and the shortcut
// table the composers expand ("/merhaba" + space or Tab). Event: "canned-pick" (detail: the text).
import { emit, h } from "./dom.js";

class ConsoleCanned extends HTMLElement {
  constructor() {
    super();
    this.byShortcut = new Map();
  }

  /** Load the replies with the page's session. */
  async load(session) {
    let topics = [];
    try { topics = await session.api("/api/canned"); } catch (_) { topics = []; }
    this.byShortcut.clear();
    const groups = topics.map((topic) => {
      const items = (topic.replies || []).map((r) => {
        this.byShortcut.set(r.shortcut, r.text);
        return h("li", null, h("button", {
          type: "button", class: "canned-item", title: r.text, onclick: () => emit(this, "canned-pick", r.text),
        }, h("code", null, r.shortcut), " ", r.title));
      });
      return h("details", { class: "canned-group" }, h("summary", null, topic.title || topic.topic), h("ul", null, items));
    });
    if (groups[0]) groups[0].open = true;
    this.replaceChildren(...groups);
  }

  /** "/merhaba" → its text, or undefined. */
  lookup(shortcut) { return this.byShortcut.get(shortcut); }
}

if (!customElements.get("console-canned")) customElements.define("console-canned", ConsoleCanned);
