// <console-composer>: what an agent does in one chat — a reply or an internal note (Enter sends,
// Shift+Enter a new line), canned replies by shortcut ("/kısayol" + space or Tab), typing signals,
// transfer to an agent or a team (with a note only agents see) and resolve.
// The chat places `actions` (the Aktar / Çözüldü buttons) and `transferBox` in its header.
import { emit, h, uuid } from "./dom.js";

const PLACEHOLDER = {
  reply: "Yanıtınızı yazın… (Enter: gönder, Shift+Enter: yeni satır, /kısayol + boşluk: hazır yanıt)",
  note: "İç not yazın — yalnızca temsilciler görür",
};
const TYPING_IDLE_MS = 2500;

class ConsoleComposer extends HTMLElement {
  /** Wire up before connecting: `cid`, `session`, `agent`, `canned` (a <console-canned>). */
  setup({ cid, session, agent, canned }) {
    Object.assign(this, { cid, session, agent, canned });
    this.mode = "reply";
    this.released = false;
    this.typingSent = false;
    this.build();
  }

  build() {
    const name = "mode-" + this.cid;
    const modeReply = h("input", { type: "radio", name, value: "reply", checked: true, onchange: () => this.setMode("reply") });
    const modeNote = h("input", { type: "radio", name, value: "note", onchange: () => this.setMode("note") });
    this.input = h("textarea", {
      rows: "3", "aria-label": "Oyuncuya yanıt", placeholder: PLACEHOLDER.reply, maxlength: "2000",
      onkeydown: (e) => this.keys(e), oninput: () => this.typing(),
    });
    this.sendBtn = h("button", { type: "submit", class: "primary" }, "Gönder");
    this.form = h("form", { class: "composer", onsubmit: (e) => { e.preventDefault(); this.submit(); } },
      h("div", { class: "modes", role: "radiogroup", "aria-label": "Mesaj türü" },
        h("label", null, modeReply, " Oyuncuya yanıt"),
        h("label", null, modeNote, " İç not (oyuncu görmez)")),
      h("div", { class: "composer-row" }, this.input, this.sendBtn));
    this.replaceChildren(this.form);

    this.transferBtn = h("button", { type: "button", class: "ghost", "aria-expanded": "false", onclick: () => this.toggleTransfer() }, "Aktar");
    this.resolveBtn = h("button", { type: "button", class: "primary resolve", onclick: () => this.resolve() }, "Çözüldü olarak kapat");
    this.actions = [this.transferBtn, this.resolveBtn];
    this.transferBox = h("div", { class: "transfer", hidden: true });
  }

  send(frame) {
    if (this.session.send(frame)) return true;
    emit(this, "console-flash", "Bağlantı yok; yeniden bağlanınca tekrar deneyin.");
    return false;
  }

  // ---------------------------------------------------------------- writing
  setMode(mode) {
    this.mode = mode;
    this.form.classList.toggle("note-mode", mode === "note");
    this.input.setAttribute("aria-label", mode === "note" ? "İç not" : "Oyuncuya yanıt");
    this.input.placeholder = PLACEHOLDER[mode];
    this.sendBtn.textContent = mode === "note" ? "Notu kaydet" : "Gönder";
    if (mode === "note") this.stopTyping();
    this.input.focus();
  }

  /** Put a canned reply at the end of what is written. */
  insert(text) {
    if (this.released) return;
    const ta = this.input;
    ta.value = (ta.value && !/\s$/.test(ta.value) ? ta.value + " " : ta.value) + text;
    ta.focus();
    ta.setSelectionRange(ta.value.length, ta.value.length);
  }

  /** "/shortcut" right before the caret → its canned text; true if expanded. */
  expandShortcut() {
    const ta = this.input;
    const upto = ta.value.slice(0, ta.selectionStart);
    const m = /(^|\s)(\/[\w\u00c0-\u024f]+)$/.exec(upto);
    const text = m && this.canned && this.canned.lookup(m[2]);
    if (!text) return false;
    const start = upto.length - m[2].length;
    ta.value = ta.value.slice(0, start) + text + ta.value.slice(ta.selectionStart);
    ta.setSelectionRange(start + text.length, start + text.length);
    return true;
  }

  keys(e) {
    if ((e.key === " " || e.key === "Tab") && !e.shiftKey && this.expandShortcut()) {
      e.preventDefault();
      if (e.key === " ") {  // the space still goes in after the expanded text
        const ta = this.input;
        const p = ta.selectionStart;
        ta.value = ta.value.slice(0, p) + " " + ta.value.slice(p);
        ta.setSelectionRange(p + 1, p + 1);
      }
      return;
    }
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      this.submit();
    }
  }

  typing() {
    if (this.mode !== "reply" || this.released) return;
    if (!this.typingSent) this.typingSent = this.session.send({ type: "typing", conversation_id: this.cid, state: true });
    clearTimeout(this.typingTimer);
    this.typingTimer = setTimeout(() => this.stopTyping(), TYPING_IDLE_MS);
  }

  stopTyping() {
    clearTimeout(this.typingTimer);
    if (this.typingSent) this.session.send({ type: "typing", conversation_id: this.cid, state: false });
    this.typingSent = false;
  }

  submit() {
    if (this.released) return;
    const text = this.input.value.trim();
    if (!text) return;
    const type = this.mode === "note" ? "note" : "message";
    if (this.send({ type, id: uuid(), conversation_id: this.cid, text })) {
      this.input.value = "";
      this.stopTyping();
    }
  }

  // ---------------------------------------------------------------- transfer, resolve
  closeTransfer(focus) {
    this.transferBox.hidden = true;
    this.transferBtn.setAttribute("aria-expanded", "false");
    if (focus) this.transferBtn.focus();
  }

  async toggleTransfer() {
    if (!this.transferBox.hidden) { this.closeTransfer(false); return; }
    let agents = [];
    try { agents = await this.session.api("/api/agents"); } catch (_) { agents = []; }
    const me = this.agent && this.agent.username;
    const others = agents.filter((a) => a.username !== me);
    const teams = [...new Set(["genel", ...agents.map((a) => a.team).filter(Boolean)])];
    const select = h("select", { id: "transfer-" + this.cid },
      h("optgroup", { label: "Temsilciye" }, ...others.map((a) => h("option", { value: "agent:" + a.username, disabled: !a.online },
        `${a.display_name} (${a.team || "genel"})${a.online ? "" : " — çevrim dışı"}`))),
      h("optgroup", { label: "Ekibe (sıraya, en öne)" }, ...teams.map((t) => h("option", { value: "team:" + t }, `Ekip: ${t}`))));
    const firstOnline = others.find((a) => a.online);
    select.value = firstOnline ? "agent:" + firstOnline.username : "team:" + teams[0];
    const note = h("input", { id: "transfer-note-" + this.cid, placeholder: "Aktarım notu (yalnızca temsilciler görür)", maxlength: "2000" });
    this.transferBox.replaceChildren(h("form", {
      class: "transfer-form",
      onsubmit: (e) => {
        e.preventDefault();
        const [kind, target] = select.value.split(/:(.*)/s);
        const frame = { type: "transfer", conversation_id: this.cid };
        if (kind === "agent") frame.to_agent = target; else frame.to_team = target;
        if (note.value.trim()) frame.note = note.value.trim();
        if (this.send(frame)) this.closeTransfer(false);
      },
    }, h("label", { for: select.id }, "Aktar:"), select, h("label", { class: "sr-only", for: note.id }, "Aktarım notu"), note,
    h("button", { type: "submit", class: "primary" }, "Aktar"),
    h("button", { type: "button", class: "ghost", onclick: () => this.closeTransfer(true) }, "Vazgeç")));
    this.transferBox.hidden = false;
    this.transferBtn.setAttribute("aria-expanded", "true");
    select.focus();
  }

  resolve() {
    this.stopTyping();
    this.send({ type: "resolve", conversation_id: this.cid });
  }

  /** The chat is no longer this agent's (resolved, transferred, requeued) — or is again. */
  setReleased(released) {
    this.released = released;
    this.input.disabled = released;
    this.sendBtn.disabled = released;
    this.transferBtn.hidden = released;
    this.resolveBtn.hidden = released;
    if (released) { this.closeTransfer(false); this.stopTypingLocal(); }
  }

  stopTypingLocal() {
    clearTimeout(this.typingTimer);
    this.typingSent = false;
  }

  disconnectedCallback() { clearTimeout(this.typingTimer); }
}

if (!customElements.get("console-composer")) customElements.define("console-composer", ConsoleComposer);
