/*!
 * Casinra Destek — player chat widget.
 *
 * One dependency-free custom element, <casinra-chat>, with an open shadow root. Embed it with one tag:
 *
 *   <script src="https://destek.example.com/widget/widget.js" data-token="<player JWT>"></script>
 *
 * (no data-token → guest). Attributes of the element: token, gateway (base URL; defaults to the origin
 * of widget.js), open (panel open). The script tag accepts data-token, data-gateway, data-open and
 * data-mount="manual" (define the element only; the page creates <casinra-chat> itself).
 *
 * Protocol: docs/protocol.md (player socket). All text is rendered with textContent, never as HTML.
 */
(() => {
  "use strict";

  const SCRIPT = document.currentScript;
  const SCRIPT_ORIGIN = (() => {
    try { return new URL(SCRIPT && SCRIPT.src ? SCRIPT.src : location.href).origin; } catch (_) { return location.origin; }
  })();

  const MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024;
  const ATTACHMENT_TYPES = ["image/png", "image/jpeg", "application/pdf"];

  const T = {
    title: "Casinra Destek",
    subtitleBot: "Dijital asistan · 7/24",
    subtitleQueued: "Canlı destek sırasındasınız",
    subtitleAgent: "Canlı temsilci",
    open: "Canlı destek sohbetini aç",
    close: "Sohbeti küçült",
    input: "Mesajınızı yazın",
    placeholder: "Mesajınızı yazın…",
    send: "Gönder",
    attach: "Dosya ekle (PNG, JPEG veya PDF, en fazla 5 MB)",
    log: "Sohbet mesajları",
    connecting: "Bağlanıyor…",
    reconnecting: "Bağlantı koptu, yeniden bağlanıyor…",
    invalidToken: "Oturumunuz geçersiz veya süresi dolmuş. Lütfen sayfayı yenileyip tekrar giriş yapın.",
    botName: "Asistan",
    you: "Siz",
    sending: "Gönderiliyor…",
    failed: "Gönderilemedi.",
    retry: "Tekrar dene",
    typingBot: "Asistan yazıyor…",
    typingAgent: (n) => `${n} yazıyor…`,
    queued: (p) => (p ? `Sıradaki yeriniz: ${p}.` : "Sıradasınız."),
    eta: (s) => (s < 60 ? "Tahmini bekleme: 1 dakikadan az" : `Tahmini bekleme: yaklaşık ${Math.ceil(s / 60)} dakika`),
    assigned: (n) => `${n} size yardımcı oluyor.`,
    guest: "Misafir",
    unread: (n) => `${n} okunmamış mesaj`,
    ratingLabel: (n) => `${n} puan ver (5 üzerinden)`,
    fileTooBig: "Dosya çok büyük (en fazla 5 MB).",
    fileType: "Yalnızca PNG, JPEG veya PDF yükleyebilirsiniz.",
    uploading: (n) => `${n} yükleniyor…`,
    uploadFailed: "Dosya yüklenemedi.",
    attachment: "Ek",
    removeAttachment: "Eki kaldır",
    image: "Asistanın gönderdiği görsel",
    agentTag: "Temsilci",
  };

  // ------------------------------------------------------------------ tiny DOM helpers (no HTML strings)
  function h(tag, props, ...children) {
    const el = document.createElement(tag);
    if (props) {
      for (const [k, v] of Object.entries(props)) {
        if (v === null || v === undefined || v === false) continue;
        if (k === "class") el.className = v;
        else if (k === "text") el.textContent = v;
        else if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
        else if (k in el && typeof v !== "string") el[k] = v;
        else el.setAttribute(k, v === true ? "" : String(v));
      }
    }
    for (const c of children.flat()) {
      if (c === null || c === undefined || c === false) continue;
      el.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return el;
  }

  function uuid() {
    if (crypto && crypto.randomUUID) return crypto.randomUUID();
    return "m" + Date.now().toString(36) + Math.random().toString(36).slice(2, 10);
  }

  function jwtSubject(token) {
    try {
      const part = token.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
      const json = decodeURIComponent(Array.from(atob(part), (c) => "%" + c.charCodeAt(0).toString(16).padStart(2, "0")).join(""));
      return JSON.parse(json).sub || null;
    } catch (_) {
      return null;
    }
  }

  function timeOf(ts) {
    const d = ts ? new Date(ts * 1000) : new Date();
    return d.toLocaleTimeString("tr-TR", { hour: "2-digit", minute: "2-digit" });
  }

  function humanSize(n) {
    if (n < 1024) return `${n} B`;
    if (n < 1024 * 1024) return `${Math.round(n / 1024)} KB`;
    return `${(n / 1024 / 1024).toFixed(1).replace(".", ",")} MB`;
  }

  const STYLE = `
:host { all: initial; position: fixed; z-index: 2147483000; right: 20px; bottom: 20px;
  font-family: "Segoe UI", system-ui, -apple-system, Roboto, "Helvetica Neue", Arial, sans-serif;
  font-size: 15px; line-height: 1.45; color: #1c1f2a;
  --brand: #5b2bd6; --brand-dark: #3f1aa3; --brand-soft: #efe9ff; --agent: #0f7b5f; --agent-soft: #e3f6ef;
  --bg: #f6f7fb; --line: #e2e4ee; --muted: #5f6477; --danger: #b42318; --warn: #8a5a00; --focus: #ffbf47; }
*, *::before, *::after { box-sizing: border-box; }
button, textarea, input { font: inherit; color: inherit; }
button { cursor: pointer; }
:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
.sr-only { position: absolute; width: 1px; height: 1px; padding: 0; margin: -1px; overflow: hidden;
  clip: rect(0 0 0 0); white-space: nowrap; border: 0; }
.launcher { position: relative; width: 62px; height: 62px; border-radius: 50%; border: 0;
  background: linear-gradient(135deg, var(--brand), #8a3ffc); color: #fff; display: grid; place-items: center;
  box-shadow: 0 10px 28px rgba(63, 26, 163, .35); transition: transform .15s ease; margin-left: auto; }
.launcher:hover { transform: translateY(-2px); }
.launcher svg { width: 30px; height: 30px; }
.badge { position: absolute; top: -4px; right: -4px; min-width: 24px; height: 24px; padding: 0 7px; border-radius: 12px;
  background: #e5484d; color: #fff; font-size: 13px; font-weight: 700; display: grid; place-items: center;
  border: 2px solid #fff; }
.badge[hidden] { display: none; }
.panel { position: absolute; right: 0; bottom: 78px; width: 380px; height: min(640px, calc(100vh - 120px));
  background: #fff; border-radius: 18px; box-shadow: 0 18px 50px rgba(20, 16, 60, .28); display: flex;
  flex-direction: column; overflow: hidden; border: 1px solid var(--line); }
.panel[hidden] { display: none; }
header { background: linear-gradient(135deg, var(--brand-dark), var(--brand)); color: #fff; padding: 14px 14px 14px 16px;
  display: flex; align-items: center; gap: 12px; }
header.agent { background: linear-gradient(135deg, #0b5c47, var(--agent)); }
.avatar { width: 40px; height: 40px; border-radius: 50%; background: rgba(255,255,255,.18); display: grid;
  place-items: center; font-weight: 700; flex: none; font-size: 16px; }
.heading { flex: 1; min-width: 0; }
.heading h2 { margin: 0; font-size: 16px; font-weight: 700; }
.heading p { margin: 0; font-size: 13px; opacity: .9; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.icon-btn { background: transparent; border: 0; color: inherit; width: 38px; height: 38px; border-radius: 10px;
  display: grid; place-items: center; flex: none; }
.icon-btn:hover { background: rgba(255,255,255,.16); }
.icon-btn svg { width: 22px; height: 22px; }
.status { font-size: 13px; padding: 8px 14px; border-bottom: 1px solid var(--line); display: flex; gap: 8px;
  align-items: center; }
.status[hidden] { display: none; }
.status.conn { background: #fff4e5; color: var(--warn); }
.status.conn::before { content: ""; width: 10px; height: 10px; border-radius: 50%; border: 2px solid currentColor;
  border-right-color: transparent; animation: spin 1s linear infinite; flex: none; }
.status.fatal { background: #fdecec; color: var(--danger); }
.status.queue { background: var(--brand-soft); color: var(--brand-dark); flex-direction: column; align-items: flex-start; gap: 2px; }
.status.queue strong { font-weight: 700; }
.status.agent { background: var(--agent-soft); color: #075443; }
@keyframes spin { to { transform: rotate(360deg); } }
.log { flex: 1; overflow-y: auto; padding: 16px 12px 8px; background: var(--bg); display: flex; flex-direction: column;
  gap: 10px; overscroll-behavior: contain; }
.msg { display: flex; flex-direction: column; max-width: 86%; }
.msg .who { font-size: 12px; color: var(--muted); margin: 0 4px 3px; font-weight: 600; }
.msg .bubble { padding: 9px 13px; border-radius: 16px; white-space: pre-wrap; overflow-wrap: anywhere; word-break: break-word; }
.msg .meta { font-size: 11px; color: var(--muted); margin: 3px 6px 0; }
.msg.bot { align-self: flex-start; }
.msg.bot .bubble { background: #fff; border: 1px solid var(--line); border-top-left-radius: 5px; }
.msg.agent { align-self: flex-start; }
.msg.agent .who { color: var(--agent); }
.msg.agent .bubble { background: var(--agent-soft); border: 1px solid #b8e6d6; border-top-left-radius: 5px; }
.tag { display: inline-block; font-size: 10px; text-transform: uppercase; letter-spacing: .04em; background: var(--agent);
  color: #fff; border-radius: 6px; padding: 1px 6px; margin-left: 6px; vertical-align: 1px; }
.msg.player { align-self: flex-end; align-items: flex-end; }
.msg.player .bubble { background: var(--brand); color: #fff; border-top-right-radius: 5px; }
.msg.player.pending .bubble { opacity: .65; }
.msg.player.failed .bubble { background: #fff; color: var(--danger); border: 1px solid #f3b8b4; }
.msg.system { align-self: center; max-width: 92%; }
.msg.system .bubble { background: #e9eaf2; color: #3b3f51; font-size: 13px; border-radius: 12px; padding: 6px 12px; text-align: center; }
.msg img.shot { max-width: 100%; border-radius: 12px; margin-top: 6px; display: block; }
.file { display: inline-flex; gap: 6px; align-items: center; margin-top: 4px; font-size: 13px; background: rgba(255,255,255,.18);
  border-radius: 8px; padding: 3px 8px; }
.msg.bot .file, .msg.agent .file { background: #eef0f6; }
.file svg { width: 14px; height: 14px; flex: none; }
.chip button svg { width: 16px; height: 16px; }
.retry { margin-top: 4px; background: none; border: 0; color: var(--danger); text-decoration: underline; font-size: 12px; padding: 2px 4px; }
.quick { display: flex; flex-wrap: wrap; gap: 6px; margin-top: 8px; }
.quick button { border: 1.5px solid var(--brand); color: var(--brand-dark); background: #fff; border-radius: 999px;
  padding: 6px 13px; font-size: 14px; font-weight: 600; min-height: 36px; }
.quick button:hover:not(:disabled) { background: var(--brand-soft); }
.quick button:disabled { border-color: var(--line); color: #8d91a3; cursor: default; }
.quick.rating button { min-width: 44px; padding: 6px 10px; }
.quick.rating button::before { content: "★ "; color: #f5a524; }
.quick button.chosen { background: var(--brand); color: #fff; border-color: var(--brand); }
.typing { align-self: flex-start; display: flex; align-items: center; gap: 8px; font-size: 12px; color: var(--muted); padding: 0 4px; }
.typing[hidden] { display: none; }
.dots { display: inline-flex; gap: 3px; background: #fff; border: 1px solid var(--line); border-radius: 12px; padding: 8px 10px; }
.dots i { width: 6px; height: 6px; border-radius: 50%; background: #9aa0b4; animation: blink 1.2s infinite; }
.dots i:nth-child(2) { animation-delay: .2s; } .dots i:nth-child(3) { animation-delay: .4s; }
@keyframes blink { 0%, 80%, 100% { opacity: .3; transform: translateY(0); } 40% { opacity: 1; transform: translateY(-2px); } }
.alert { margin: 0 12px 8px; font-size: 13px; color: var(--danger); background: #fdecec; border-radius: 8px; padding: 6px 10px; }
.alert:empty { display: none; }
.chip { margin: 0 12px 6px; display: flex; align-items: center; gap: 8px; font-size: 13px; background: var(--brand-soft);
  border-radius: 8px; padding: 4px 4px 4px 10px; color: var(--brand-dark); }
.chip[hidden] { display: none; }
.chip span { flex: 1; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.chip button { border: 0; background: transparent; width: 28px; height: 28px; border-radius: 6px; color: inherit; display: grid; place-items: center; }
form { display: flex; align-items: flex-end; gap: 6px; padding: 10px; border-top: 1px solid var(--line); background: #fff; }
textarea { flex: 1; resize: none; border: 1.5px solid var(--line); border-radius: 14px; padding: 9px 12px; max-height: 120px;
  min-height: 42px; line-height: 1.35; background: #fbfbfe; }
textarea:focus { border-color: var(--brand); outline: none; box-shadow: 0 0 0 3px rgba(91, 43, 214, .18); }
form .icon-btn { color: var(--muted); width: 42px; height: 42px; }
form .icon-btn:hover { background: var(--bg); color: var(--brand); }
form .send { background: var(--brand); color: #fff; }
form .send:hover { background: var(--brand-dark); color: #fff; }
form .send:disabled { background: #c9cbd8; cursor: default; }
.foot { text-align: center; font-size: 11px; color: var(--muted); padding: 0 0 8px; background: #fff; }
@media (max-width: 480px) {
  :host { right: 12px; bottom: 12px; }
  :host([open]) { inset: 0; right: 0; bottom: 0; }
  :host([open]) .launcher { display: none; }
  .panel { position: fixed; inset: 0; width: 100vw; height: 100dvh; max-height: none; border-radius: 0; border: 0; bottom: 0; }
  .msg { max-width: 92%; }
}
@media (prefers-reduced-motion: reduce) { * { animation: none !important; transition: none !important; } }
`;

  const SVG_NS = "http://www.w3.org/2000/svg";
  function icon(paths) {
    const svg = document.createElementNS(SVG_NS, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("fill", "none");
    svg.setAttribute("stroke", "currentColor");
    svg.setAttribute("stroke-width", "2");
    svg.setAttribute("stroke-linecap", "round");
    svg.setAttribute("stroke-linejoin", "round");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    for (const d of paths) {
      const p = document.createElementNS(SVG_NS, "path");
      p.setAttribute("d", d);
      svg.append(p);
    }
    return svg;
  }
  const ICONS = {
    chat: ["M21 12a8 8 0 0 1-11.6 7.1L4 20l1-4.6A8 8 0 1 1 21 12z", "M8 11h.01M12 11h.01M16 11h.01"],
    close: ["M6 6l12 12M18 6L6 18"],
    minimize: ["M6 9l6 6 6-6"],
    send: ["M4 12l16-8-6 16-2.5-6.5z", "M11.5 13.5L20 4"],
    clip: ["M21 11.5l-8.6 8.6a5 5 0 0 1-7.1-7.1l9-9a3.5 3.5 0 0 1 5 5l-9 9a2 2 0 0 1-2.8-2.8l8.3-8.3"],
  };

  // ------------------------------------------------------------------ the element
  class CasinraChat extends HTMLElement {
    static get observedAttributes() { return ["token", "gateway", "open"]; }

    constructor() {
      super();
      this._root = this.attachShadow({ mode: "open" });
      this._ws = null;
      this._seq = 0;               // highest seq rendered
      this._bySeq = new Map();     // seq → element
      this._pending = new Map();   // client id → {frame, el}
      this._state = { state: "bot" };
      this._attempt = 0;
      this._unread = 0;
      this._live = false;          // replay finished (welcome..state)
      this._connected = false;
      this._stopped = true;
      this._typingTimer = null;
      this._sentTyping = false;
      this._attachment = null;
      this._build();
    }

    // ---------------------------------------------------------------- lifecycle
    connectedCallback() {
      this._stopped = false;
      this._syncOpen();
      this._connect();
      this._onOnline = () => { if (!this._connected) this._reconnectNow(); };
      window.addEventListener("online", this._onOnline);
    }

    disconnectedCallback() {
      this._stopped = true;
      window.removeEventListener("online", this._onOnline);
      this._teardown();
    }

    attributeChangedCallback(name, oldValue, value) {
      if (oldValue === value) return;
      if (name === "open") { this._syncOpen(); return; }
      if (this._stopped) return;
      // a new identity or gateway: start over with that player's conversation
      this._teardown();
      this._reset();
      this._connect();
    }

    get gateway() { return (this.getAttribute("gateway") || SCRIPT_ORIGIN).replace(/\/+$/, ""); }
    get token() { return this.getAttribute("token") || ""; }
    get conversationId() { return this._cid || null; }
    get storageKey() { return "casinra-chat:" + (jwtSubject(this.token) || "guest") + ":" + this.gateway; }

    open() { this.setAttribute("open", ""); }
    close() { this.removeAttribute("open"); }
    toggle() { this.hasAttribute("open") ? this.close() : this.open(); }

    // ---------------------------------------------------------------- DOM
    _build() {
      const r = this._root;
      const style = document.createElement("style");
      style.textContent = STYLE;

      this._badge = h("span", { class: "badge", hidden: true, "aria-hidden": "true" });
      this._launcherLabel = h("span", { class: "sr-only" }, T.open);
      this._launcher = h("button", {
        class: "launcher", type: "button", part: "launcher", "aria-expanded": "false",
        "aria-controls": "casinra-panel", onclick: () => this.toggle(),
      }, icon(ICONS.chat), this._launcherLabel, this._badge);

      this._avatar = h("div", { class: "avatar", "aria-hidden": "true" }, "C");
      this._title = h("h2", { id: "casinra-title" }, T.title);
      this._subtitle = h("p", null, T.subtitleBot);
      this._header = h("header", null, this._avatar, h("div", { class: "heading" }, this._title, this._subtitle),
        h("button", { class: "icon-btn", type: "button", "aria-label": T.close, title: T.close, onclick: () => this._closeAndFocus() },
          icon(ICONS.minimize)));

      this._conn = h("div", { class: "status conn", role: "status", hidden: true });
      this._queue = h("div", { class: "status queue", role: "status", hidden: true });
      this._log = h("div", {
        class: "log", role: "log", "aria-live": "polite", "aria-relevant": "additions", "aria-label": T.log, tabindex: "0",
      });
      this._typing = h("div", { class: "typing", hidden: true, "aria-live": "polite" },
        h("span", { class: "dots", "aria-hidden": "true" }, h("i"), h("i"), h("i")), h("span", { class: "typing-label" }));
      this._alert = h("div", { class: "alert", role: "alert" });
      this._chipName = h("span");
      this._chip = h("div", { class: "chip", hidden: true }, this._chipName,
        h("button", { type: "button", "aria-label": T.removeAttachment, title: T.removeAttachment, onclick: () => this._clearAttachment() }, icon(ICONS.close)));

      this._file = h("input", {
        type: "file", accept: ATTACHMENT_TYPES.join(","), hidden: true, tabindex: "-1",
        onchange: () => this._pickFile(),
      });
      this._input = h("textarea", {
        rows: "1", "aria-label": T.input, placeholder: T.placeholder, maxlength: "2000", enterkeyhint: "send",
        onkeydown: (e) => this._onKey(e), oninput: () => this._onInput(),
      });
      this._sendBtn = h("button", { class: "icon-btn send", type: "submit", "aria-label": T.send, title: T.send }, icon(ICONS.send));
      this._attachBtn = h("button", {
        class: "icon-btn", type: "button", "aria-label": T.attach, title: T.attach, onclick: () => this._file.click(),
      }, icon(ICONS.clip));
      this._form = h("form", { onsubmit: (e) => { e.preventDefault(); this._send(); } },
        this._attachBtn, this._file, this._input, this._sendBtn);

      this._panel = h("section", {
        class: "panel", id: "casinra-panel", part: "panel", role: "dialog", "aria-modal": "false",
        "aria-labelledby": "casinra-title", hidden: true,
        onkeydown: (e) => { if (e.key === "Escape") { e.stopPropagation(); this._closeAndFocus(); } },
      }, this._header, this._conn, this._queue, this._log, this._typing, this._alert, this._chip, this._form,
        h("div", { class: "foot" }, "Casinra Destek · mesajlarınız kayıt altına alınır"));

      r.append(style, this._panel, this._launcher);
    }

    _syncOpen() {
      const open = this.hasAttribute("open");
      this._panel.hidden = !open;
      this._launcher.setAttribute("aria-expanded", String(open));
      this._launcherLabel.textContent = open ? T.close : T.open;
      if (open) {
        this._unread = 0;
        this._renderBadge();
        this._scrollToEnd();
        if (this.isConnected) requestAnimationFrame(() => this._input.focus());
      }
    }

    _closeAndFocus() {
      this.close();
      this._launcher.focus();
    }

    _renderBadge() {
      this._badge.hidden = this._unread === 0;
      this._badge.textContent = this._unread > 9 ? "9+" : String(this._unread);
      const label = this._unread ? `${T.open} (${T.unread(this._unread)})` : (this.hasAttribute("open") ? T.close : T.open);
      this._launcherLabel.textContent = label;
    }

    _reset() {
      this._seq = 0;
      this._bySeq.clear();
      this._pending.clear();
      this._cid = null;
      this._unread = 0;
      this._state = { state: "bot" };
      this._log.replaceChildren();
      this._renderBadge();
      this._renderState();
      this._setTyping(null, false);
    }

    // ---------------------------------------------------------------- connection
    _storedCid() {
      try { return localStorage.getItem(this.storageKey); } catch (_) { return null; }
    }

    _storeCid(cid) {
      try { localStorage.setItem(this.storageKey, cid); } catch (_) { /* private mode */ }
    }

    _connect() {
      if (this._stopped || this._ws) return;
      const url = new URL(this.gateway.replace(/^http/, "ws") + "/ws/player");
      if (this.token) url.searchParams.set("token", this.token);
      const cid = this._cid || this._storedCid();
      if (cid) url.searchParams.set("conversation_id", cid);
      if (this._seq) url.searchParams.set("after_seq", String(this._seq));
      this._live = false;
      if (!this._everConnected) this._showConn(T.connecting, "conn");
      let ws;
      try { ws = new WebSocket(url.toString()); } catch (_) { this._scheduleReconnect(); return; }
      this._ws = ws;
      ws.onmessage = (ev) => {
        let frame;
        try { frame = JSON.parse(ev.data); } catch (_) { return; }
        if (frame && typeof frame.type === "string") this._onFrame(frame);
      };
      ws.onclose = (ev) => {
        if (this._ws !== ws) return;
        this._ws = null;
        this._connected = false;
        clearInterval(this._pinger);
        this._setTyping(null, false);
        if (this._stopped) return;
        if (ev.code === 4401) { this._fatal(T.invalidToken); return; }
        if (ev.code === 4403) {  // not ours (e.g. another player on this browser): start a new conversation
          try { localStorage.removeItem(this.storageKey); } catch (_) { /* ignore */ }
          this._cid = null;
          this._seq = 0;
          this._log.replaceChildren();
          this._bySeq.clear();
        }
        this._scheduleReconnect();
      };
    }

    _teardown() {
      clearTimeout(this._retryTimer);
      clearInterval(this._pinger);
      const ws = this._ws;
      this._ws = null;
      this._connected = false;
      if (ws) { try { ws.close(1000); } catch (_) { /* ignore */ } }
    }

    _scheduleReconnect() {
      clearTimeout(this._retryTimer);
      const base = Math.min(15000, 500 * 2 ** Math.min(this._attempt, 5));
      const delay = Math.round(base * (0.8 + Math.random() * 0.4));
      this._attempt += 1;
      this._showConn(T.reconnecting, "conn");
      this._retryTimer = setTimeout(() => this._connect(), delay);
    }

    _reconnectNow() {
      clearTimeout(this._retryTimer);
      this._connect();
    }

    _fatal(text) {
      this._showConn(text, "fatal");
      this._input.disabled = true;
      this._sendBtn.disabled = true;
      this._attachBtn.disabled = true;
    }

    _showConn(text, kind) {
      if (!text) { this._conn.hidden = true; this._conn.textContent = ""; return; }
      this._conn.className = "status " + kind;
      this._conn.textContent = text;
      this._conn.hidden = false;
    }

    _sendFrame(frame) {
      if (this._ws && this._connected && this._ws.readyState === WebSocket.OPEN) {
        this._ws.send(JSON.stringify(frame));
        return true;
      }
      return false;
    }

    // ---------------------------------------------------------------- frames
    _onFrame(f) {
      switch (f.type) {
        case "welcome": return this._onWelcome(f);
        case "message": return this._onMessage(f);
        case "state": return this._onState(f);
        case "typing": return this._setTyping(f.sender, !!f.state);
        case "error": return this._onError(f);
        default: return undefined;  // pong and frames we do not know
      }
    }

    _onWelcome(f) {
      if (this._cid && this._cid !== f.conversation_id) {  // the old one expired: a fresh conversation
        this._seq = 0;
        this._bySeq.clear();
        this._log.replaceChildren();
      }
      this._cid = f.conversation_id;
      this.dataset.conversationId = f.conversation_id;
      this._storeCid(f.conversation_id);
      this._player = f.player || null;
      this._connected = true;
      this._everConnected = true;
      this._attempt = 0;
      this._showConn(null);
      this._input.disabled = false;
      this._sendBtn.disabled = false;
      this._attachBtn.disabled = false;
      clearInterval(this._pinger);
      this._pinger = setInterval(() => this._sendFrame({ type: "ping" }), 25000);
      this.dispatchEvent(new CustomEvent("casinra:connected", { detail: { conversationId: f.conversation_id, resumed: f.resumed } }));
    }

    _onMessage(f) {
      if (typeof f.seq === "number") {
        if (f.seq <= this._seq || this._bySeq.has(f.seq)) return;  // replayed twice: drop
      }
      if (f.sender === "player" && f.client_id && this._pending.has(f.client_id)) {
        const p = this._pending.get(f.client_id);
        this._pending.delete(f.client_id);
        p.el.remove();
      }
      if (f.sender !== "player") this._setTyping(f.sender, false);
      const el = this._renderMessage(f);
      if (typeof f.seq === "number") {
        this._seq = Math.max(this._seq, f.seq);
        this._bySeq.set(f.seq, el);
        el.dataset.seq = String(f.seq);
      }
      // pending (optimistic) bubbles stay at the bottom
      for (const p of this._pending.values()) this._log.append(p.el);
      if (f.sender === "player") this._retireQuickReplies();
      if (this._live && f.sender !== "player" && !this.hasAttribute("open")) {
        this._unread += 1;
        this._renderBadge();
      }
      this._scrollToEnd();
    }

    _onState(f) {
      this._state = f;
      this._renderState();
      if (!this._live) {
        this._live = true;  // welcome, history, state: the replay is over
        for (const p of this._pending.values()) this._resend(p);
      }
    }

    _onError(f) {
      if (f.ref && this._pending.has(f.ref)) {
        this._markFailed(this._pending.get(f.ref), f.message);
        return;
      }
      if (f.code === "invalid_token") return;  // the close (4401) follows
      this._flash(f.message || T.failed);
    }

    _flash(text) {
      this._alert.textContent = text;
      clearTimeout(this._alertTimer);
      this._alertTimer = setTimeout(() => { this._alert.textContent = ""; }, 8000);
    }

    // ---------------------------------------------------------------- rendering
    _renderMessage(f) {
      const sender = ["player", "bot", "agent", "system"].includes(f.sender) ? f.sender : "system";
      const el = h("div", { class: "msg " + sender });
      if (sender === "bot") el.append(h("div", { class: "who" }, T.botName));
      if (sender === "agent") {
        const name = (f.agent && f.agent.display_name) || T.agentTag;
        el.append(h("div", { class: "who" }, name, h("span", { class: "tag" }, T.agentTag)));
      }
      const bubble = h("div", { class: "bubble" });
      if (sender === "player") bubble.append(h("span", { class: "sr-only" }, T.you + ": "));
      if (f.text) bubble.append(document.createTextNode(f.text));
      if (f.attachment) {
        bubble.append(h("div", { class: "file" }, icon(ICONS.clip), `${f.attachment.name} (${humanSize(f.attachment.size || 0)})`));
      }
      if (f.image && /^https?:\/\//i.test(f.image)) {
        bubble.append(h("img", { class: "shot", src: f.image, alt: T.image, loading: "lazy" }));
      }
      el.append(bubble);
      if (sender !== "system") el.append(h("div", { class: "meta" }, timeOf(f.ts)));
      if (Array.isArray(f.buttons) && f.buttons.length) el.append(this._renderButtons(f.buttons));
      this._log.append(el);
      return el;
    }

    _renderButtons(buttons) {
      const rating = buttons.every((b) => /^\/rate\{/.test(b.payload || ""));
      const group = h("div", { class: "quick" + (rating ? " rating" : ""), role: "group", "aria-label": rating ? "Puanlama" : "Hızlı yanıtlar" });
      for (const b of buttons) {
        const btn = h("button", {
          type: "button", "data-payload": b.payload,
          "aria-label": rating ? T.ratingLabel(b.title) : null,
          onclick: () => this._clickButton(b, btn, group),
        }, b.title);
        group.append(btn);
      }
      if (this._state && this._state.state !== "bot" && this._state.state !== "resolved") this._setGroupDisabled(group, true);
      return group;
    }

    _setGroupDisabled(group, disabled) {
      for (const b of group.querySelectorAll("button")) b.disabled = disabled;
    }

    _retireQuickReplies() {
      for (const g of this._log.querySelectorAll(".quick:not(.done)")) {
        g.classList.add("done");
        this._setGroupDisabled(g, true);
      }
    }

    _renderState() {
      const s = this._state || { state: "bot" };
      const agentName = s.agent && s.agent.display_name;
      this._header.classList.toggle("agent", s.state === "assigned");
      if (s.state === "assigned" && agentName) {
        this._avatar.textContent = agentName.slice(0, 1).toLocaleUpperCase("tr-TR");
        this._title.textContent = agentName;
        this._subtitle.textContent = T.subtitleAgent;
        this._queue.className = "status agent";
        this._queue.replaceChildren(h("span", null, T.assigned(agentName)));
        this._queue.hidden = false;
      } else if (s.state === "queued") {
        this._avatar.textContent = "C";
        this._title.textContent = T.title;
        this._subtitle.textContent = T.subtitleQueued;
        this._queue.className = "status queue";
        // players see the topic's Turkish label from the gateway, never its id
        const topic = s.topic_label ? ` · ${s.topic_label}` : "";
        this._queue.replaceChildren(
          h("strong", { class: "position" }, T.queued(s.position) + topic),
          typeof s.eta_seconds === "number" ? h("span", { class: "eta" }, T.eta(s.eta_seconds)) : null,
        );
        this._queue.hidden = false;
      } else {
        this._avatar.textContent = "C";
        this._title.textContent = T.title;
        this._subtitle.textContent = this._player ? `${T.subtitleBot} · ${this._player.name}` : T.subtitleBot;
        this._queue.hidden = true;
        this._queue.replaceChildren();
      }
      const buttonsActive = s.state === "bot" || s.state === "resolved";
      for (const g of this._log.querySelectorAll(".quick:not(.done)")) this._setGroupDisabled(g, !buttonsActive);
      this.dataset.state = s.state;
    }

    _setTyping(sender, on) {
      clearTimeout(this._typingHide);
      if (!on || !sender || sender === "player") {
        if (!sender || this._typing.dataset.sender === sender || !on) {
          this._typing.hidden = true;
          this._typing.dataset.sender = "";
        }
        return;
      }
      const name = sender === "agent" ? ((this._state.agent && this._state.agent.display_name) || T.agentTag) : null;
      this._typing.querySelector(".typing-label").textContent = sender === "agent" ? T.typingAgent(name) : T.typingBot;
      this._typing.dataset.sender = sender;
      this._typing.hidden = false;
      this._typingHide = setTimeout(() => { this._typing.hidden = true; }, 20000);
      this._scrollToEnd();
    }

    _scrollToEnd() {
      requestAnimationFrame(() => { this._log.scrollTop = this._log.scrollHeight; });
    }

    // ---------------------------------------------------------------- sending
    _onKey(e) {
      if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
        e.preventDefault();
        this._send();
      }
    }

    _onInput() {
      const el = this._input;
      el.style.height = "auto";
      el.style.height = Math.min(120, el.scrollHeight + 2) + "px";
      const s = this._state.state;
      if (s !== "queued" && s !== "assigned") return;
      if (!this._sentTyping) { this._sentTyping = this._sendFrame({ type: "typing", state: true }); }
      clearTimeout(this._typingTimer);
      this._typingTimer = setTimeout(() => this._stopTyping(), 2500);
    }

    _stopTyping() {
      clearTimeout(this._typingTimer);
      if (this._sentTyping) this._sendFrame({ type: "typing", state: false });
      this._sentTyping = false;
    }

    async _send() {
      if (this._uploading) await this._uploading;  // a file still uploading goes with the text it was added for
      const text = this._input.value.trim();
      const att = this._attachment;
      if (!text && !att) return;
      const frame = { type: "message", id: uuid(), text };
      if (att) frame.attachment_id = att.attachment_id;
      const bubbleText = text;
      const el = h("div", { class: "msg player pending", "data-client-id": frame.id });
      const bubble = h("div", { class: "bubble" }, h("span", { class: "sr-only" }, T.you + ": "), bubbleText);
      if (att) bubble.append(h("div", { class: "file" }, icon(ICONS.clip), `${att.name} (${humanSize(att.size)})`));
      el.append(bubble, h("div", { class: "meta" }, T.sending));
      const pending = { frame, el };
      this._pending.set(frame.id, pending);
      this._log.append(el);
      this._retireQuickReplies();
      this._scrollToEnd();
      this._input.value = "";
      this._onInputReset();
      this._clearAttachment();
      this._stopTyping();
      this._resend(pending);
    }

    _onInputReset() { this._input.style.height = "auto"; }

    _resend(p) {
      p.el.classList.remove("failed");
      p.el.classList.add("pending");
      const meta = p.el.querySelector(".meta");
      meta.replaceChildren(T.sending);
      this._sendFrame(p.frame);  // if the socket is down it goes out after the next welcome
    }

    _markFailed(p, message) {
      p.el.classList.remove("pending");
      p.el.classList.add("failed");
      const meta = p.el.querySelector(".meta");
      meta.replaceChildren(
        (message || T.failed) + " ",
        h("button", { class: "retry", type: "button", onclick: () => this._resend(p) }, T.retry),
      );
    }

    _clickButton(b, btn, group) {
      if (btn.disabled) return;
      const frame = { type: "button", id: uuid(), payload: b.payload };
      if (!this._sendFrame(frame)) { this._flash(T.reconnecting); return; }
      btn.classList.add("chosen");
      group.classList.add("done");
      this._setGroupDisabled(group, true);
      this._input.focus();
    }

    // ---------------------------------------------------------------- attachments
    _pickFile() {
      const upload = this._upload().finally(() => { if (this._uploading === upload) this._uploading = null; });
      this._uploading = upload;
    }

    async _upload() {
      const file = this._file.files && this._file.files[0];
      this._file.value = "";
      if (!file) return;
      if (!ATTACHMENT_TYPES.includes(file.type)) { this._flash(T.fileType); return; }
      if (file.size > MAX_ATTACHMENT_BYTES) { this._flash(T.fileTooBig); return; }
      if (!this._cid) { this._flash(T.reconnecting); return; }
      this._chip.hidden = false;
      this._chipName.textContent = T.uploading(file.name);
      const headers = { "Content-Type": file.type, "X-Filename": encodeURIComponent(file.name) };
      if (this.token) headers.Authorization = "Bearer " + this.token;
      try {
        const res = await fetch(`${this.gateway}/api/attachments?conversation_id=${encodeURIComponent(this._cid)}`, {
          method: "POST", headers, body: file,
        });
        const body = await res.json().catch(() => ({}));
        if (!res.ok) throw new Error(typeof body.detail === "string" ? body.detail : T.uploadFailed);
        this._attachment = body;
        this._chipName.textContent = `${T.attachment}: ${body.name} (${humanSize(body.size)})`;
        this._input.focus();
      } catch (err) {
        this._clearAttachment();
        this._flash(err && err.message ? err.message : T.uploadFailed);
      }
    }

    _clearAttachment() {
      this._attachment = null;
      this._chip.hidden = true;
      this._chipName.textContent = "";
    }
  }

  if (!customElements.get("casinra-chat")) customElements.define("casinra-chat", CasinraChat);

  // ------------------------------------------------------------------ one-tag embedding
  function mount() {
    const ds = (SCRIPT && SCRIPT.dataset) || {};
    if (ds.mount === "manual" || document.querySelector("casinra-chat")) return;
    const el = document.createElement("casinra-chat");
    if (ds.token) el.setAttribute("token", ds.token);
    if (ds.gateway) el.setAttribute("gateway", ds.gateway);
    if (ds.open !== undefined && ds.open !== "false") el.setAttribute("open", "");
    document.body.append(el);
  }
  if (SCRIPT) {
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", mount, { once: true });
    else mount();
  }
})();
