// <console-chats>: the live-chat page — the queue on the left, the agent's chats in tabs (unread counts,
// arrow keys) in the middle, the active chat's context and the canned replies on the right. It routes
// the agent socket's frames to those parts and keeps the title bar and sound signal up to date.
import { Attention } from "./attention.js";
import "./canned.js";
import "./chat.js";
import "./context.js";
import { h } from "./dom.js";
import "./queue.js";

class ConsoleChats extends HTMLElement {
  /** Called by the shell once `session` and `agent` are set. */
  start() {
    this.chats = new Map();
    this.active = null;
    this.attention = new Attention(this.closest("casinra-console") || this);
    this.build();
    this.listen("frame", (e) => this.onFrame(e.detail), this.session);
    this.listen("focus", () => this.attention.stop(), window);
    this.listen("visibilitychange", () => { if (!document.hidden) this.markRead(this.active); }, document);
    this.canned.load(this.session);
  }

  /** addEventListener that is undone when the page leaves the document (logout). */
  listen(type, fn, target) {
    target.addEventListener(type, fn);
    (this.unlisten ||= []).push(() => target.removeEventListener(type, fn));
  }

  disconnectedCallback() {
    for (const off of this.unlisten || []) off();
    this.unlisten = [];
    if (this.attention) this.attention.dispose();
  }

  build() {
    this.queue = h("console-queue", { class: "queue" });
    this.queue.setAttribute("aria-label", "Sıra");
    this.tablist = h("div", { class: "tabs", role: "tablist", "aria-label": "Açık sohbetler", onkeydown: (e) => this.tabKeys(e) });
    this.panels = h("div", { class: "panels" });
    this.noChat = h("div", { class: "no-chat" },
      h("p", { class: "big" }, "Açık sohbetiniz yok"),
      h("p", { class: "muted" }, "Soldaki sıradan bir sohbeti üstlenin. Hazır yanıtlar için yazarken kısayolu (ör. /merhaba) yazıp boşluk veya Tab'a basın."));
    this.context = h("console-context", { class: "context-body" });
    this.canned = h("console-canned", { class: "canned" });
    this.className = "layout";
    this.replaceChildren(
      this.queue,
      h("section", { class: "work", "aria-label": "Sohbetler" }, this.tablist, this.panels, this.noChat),
      h("aside", { class: "context", "aria-labelledby": "ctx-title" },
        h("h2", { id: "ctx-title" }, "Bağlam"), this.context,
        h("h2", null, "Hazır yanıtlar"), this.canned));
    this.queue.addEventListener("claim", (e) => this.send({ type: "claim", conversation_id: e.detail }));
    this.queue.addEventListener("queue-arrivals", (e) => this.attention.signal(e.detail.urgent));
    this.canned.addEventListener("canned-pick", (e) => { const c = this.chats.get(this.active); if (c) c.composer.insert(e.detail); });
    this.panels.addEventListener("close-chat", (e) => this.closeChat(e.detail));
    this.attention.urgentWaiting = () => this.queue.urgentWaiting();
    this.renderContext();
    this.renderTabs();
  }

  send(frame) {
    if (this.session.send(frame)) return true;
    this.dispatchEvent(new CustomEvent("console-flash", { bubbles: true, detail: "Bağlantı yok; yeniden bağlanınca tekrar deneyin." }));
    return false;
  }

  // ---------------------------------------------------------------- frames
  onFrame(f) {
    const chat = f.conversation_id ? this.chats.get(f.conversation_id) : null;
    switch (f.type) {
      case "hello": this.agent = { ...this.agent, ...f.agent }; break;
      case "queue": this.queue.update(f); this.updateCounts(); break;
      case "conversation": this.onConversation(f); break;
      case "message": if (chat) this.onMessage(chat, f); break;
      case "typing": if (chat && f.sender === "player") chat.typing(!!f.state); break;
      case "state": if (chat) { chat.state(f); this.refresh(chat); } break;
      case "released": if (chat) this.onReleased(chat, f.reason); break;
      default: break;
    }
  }

  onConversation(f) {
    let chat = this.chats.get(f.conversation_id);
    const isNew = !chat;
    if (isNew) {
      chat = document.createElement("console-chat");
      chat.setup({ cid: f.conversation_id, session: this.session, agent: this.agent, canned: this.canned });
      chat.unread = 0;
      this.chats.set(f.conversation_id, chat);
      this.panels.append(chat);
    }
    chat.load(f);
    if (isNew) this.activate(chat.cid); else this.refresh(chat);
  }

  onMessage(chat, f) {
    const sender = chat.append(f, true);
    if (!sender || sender === "agent") return;
    if (chat.cid !== this.active || document.hidden) {
      chat.unread += 1;
      this.renderTabs();
      if (chat.cid !== this.active) this.attention.beep(false);
    }
  }

  onReleased(chat, reason) {
    chat.release(reason);
    this.renderTabs();
    if (this.active === chat.cid) chat.closeBtn.focus();
  }

  /** Re-render what shows a chat's data (its tab; the context if it is the active one). */
  refresh(chat) {
    if (chat.cid === this.active) this.renderContext();
    this.renderTabs();
  }

  // ---------------------------------------------------------------- tabs
  activate(cid) {
    this.active = cid;
    for (const chat of this.chats.values()) chat.hidden = chat.cid !== cid;
    const chat = this.chats.get(cid);
    if (chat) { chat.unread = 0; chat.scrollToEnd(); }
    this.renderTabs();
    this.renderContext();
  }

  markRead(cid) {
    const chat = this.chats.get(cid);
    if (chat && chat.unread) { chat.unread = 0; this.renderTabs(); }
  }

  closeChat(cid) {
    const chat = this.chats.get(cid);
    if (!chat) return;
    chat.remove();
    this.chats.delete(cid);
    if (this.active !== cid) { this.renderTabs(); return; }
    const next = [...this.chats.keys()][0] || null;
    if (next) this.activate(next); else { this.active = null; this.renderTabs(); this.renderContext(); }
  }

  renderTabs() {
    const tabs = [...this.chats.values()].map((chat) => {
      const selected = chat.cid === this.active;
      const prio = chat.priority;
      return h("button", {
        type: "button", role: "tab", id: "tab-" + chat.cid,
        class: "tab" + (chat.released ? " released" : "") + (prio ? " p-" + prio : ""),
        "aria-selected": String(selected), "aria-controls": "panel-" + chat.cid, tabindex: selected ? "0" : "-1",
        "data-conversation-id": chat.cid, onclick: () => this.activate(chat.cid),
      }, h("span", { class: "tab-name" }, chat.name),
      chat.unread ? h("span", { class: "unread", "aria-label": `${chat.unread} okunmamış` }, String(chat.unread)) : null);
    });
    this.tablist.replaceChildren(...tabs);
    const none = this.chats.size === 0;
    this.noChat.hidden = !none;
    this.panels.hidden = none;
    this.tablist.hidden = none;
    this.updateCounts();
  }

  tabKeys(e) {
    if (!["ArrowLeft", "ArrowRight", "Home", "End"].includes(e.key)) return;
    const ids = [...this.chats.keys()];
    if (!ids.length) return;
    let i = ids.indexOf(this.active);
    if (e.key === "ArrowRight") i = (i + 1) % ids.length;
    else if (e.key === "ArrowLeft") i = (i - 1 + ids.length) % ids.length;
    else if (e.key === "Home") i = 0;
    else i = ids.length - 1;
    e.preventDefault();
    this.activate(ids[i]);
    const tab = this.tablist.querySelector(`[data-conversation-id="${CSS.escape(ids[i])}"]`);
    if (tab) tab.focus();
  }

  renderContext() {
    const chat = this.chats.get(this.active);
    this.context.show(chat ? chat.data : null);
  }

  updateCounts() {
    const unread = [...this.chats.values()].reduce((n, c) => n + c.unread, 0);
    this.attention.counts(this.queue.size, unread);
  }
}

if (!customElements.get("console-chats")) customElements.define("console-chats", ConsoleChats);
