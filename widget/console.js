/*!
 * Casinra Destek — agent console: <casinra-console>, a dependency-free custom element (light DOM).
 *
 * Login, live queue (priority, waiting time, topic, summary), claim, chats in tabs with unread counts,
 * transcript + the bot's context, canned replies by shortcut, internal notes, transfer, resolve, and a
 * title-bar + sound signal for a new urgent chat. Protocol: docs/protocol.md (agent REST + socket).
 * All text is rendered with textContent, never as HTML.
 */
(() => {
  "use strict";

  const TOKEN_KEY = "casinra-console:token";
  const BASE_TITLE = "Casinra Konsol";

  const PRIORITY = { urgent: "Acil", high: "Yüksek", normal: "Normal" };
  const TOPIC = {
    payments: "Ödemeler", kyc: "Hesap doğrulama", bonus: "Bonuslar", security: "Hesap güvenliği", genel: "Genel",
    general: "Genel", responsible_gaming: "Sorumlu oyun", withdrawal_status: "Çekim durumu", withdrawal_info: "Para çekme",
    deposit_missing: "Yatırım ulaşmadı", deposit_info: "Para yatırma", transaction_lookup: "İşlem sorgusu",
    kyc_status: "KYC durumu", kyc_info: "KYC bilgisi", bonus_status: "Bonus durumu", bonus_dispute: "Bonus itirazı",
    bonus_info: "Bonus kuralları", report_fraud: "Dolandırıcılık bildirimi", login_problem: "Giriş sorunu",
    two_factor: "İki adımlı doğrulama", password_reset: "Şifre sıfırlama", privacy_request: "KVKK talebi",
    deposit_limit: "Yatırım limiti", complaint: "Şikâyet", human_handoff: "Canlı destek talebi",
    account_registration: "Üyelik", callback_request: "Geri arama", contact_info: "İletişim", out_of_scope: "Kapsam dışı",
  };
  const REASON = {
    player_request: "oyuncu temsilci istedi", repeated_fallback: "asistan anlayamadı", bonus_dispute: "bonus itirazı",
    complaint: "şikâyet", fraud: "dolandırıcılık şüphesi", responsible_gaming: "sorumlu oyun", safety_keyword: "güvenlik anahtar sözcüğü",
    bot_escalation: "asistan devretti",
  };
  const HIDDEN_SLOTS = new Set(["session_started_metadata", "requested_slot"]);
  const KYC = { approved: "Onaylandı", pending: "Beklemede", rejected: "Reddedildi", not_started: "Başlatılmadı", none: "Başlatılmadı" };
  const TX_KIND = { deposit: "Yatırım", withdrawal: "Çekim", bonus: "Bonus", adjustment: "Düzeltme" };
  const TX_STATUS = {
    pending: "Beklemede", processing: "İşleniyor", completed: "Tamamlandı", failed: "Başarısız", rejected: "Reddedildi",
    cancelled: "İptal edildi", reversed: "İade edildi",
  };
  const METHOD = {
    bank_transfer: "Havale/EFT", papara: "Papara", credit_card: "Kredi kartı", debit_card: "Banka kartı",
    ewallet: "E-cüzdan", e_wallet: "E-cüzdan", crypto: "Kripto",
  };
  const RELEASED = {
    resolved: "Görüşme çözüldü olarak kapatıldı; asistan devraldı.",
    transferred: "Sohbet aktarıldı; artık sizde değil.",
    requeued: "Bağlantınız uzun süre koptuğu için sohbet sıraya geri döndü.",
  };

  // ------------------------------------------------------------------ helpers (no HTML strings)
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
  const uuid = () => (crypto.randomUUID ? crypto.randomUUID() : "a" + Date.now().toString(36) + Math.random().toString(36).slice(2));
  const timeOf = (ts) => new Date((ts || Date.now() / 1000) * 1000).toLocaleTimeString("tr-TR", { hour: "2-digit", minute: "2-digit" });
  function duration(s) {
    s = Math.max(0, Math.floor(s));
    if (s < 60) return `${s} sn`;
    const m = Math.floor(s / 60);
    if (m < 60) return `${m} dk ${String(s % 60).padStart(2, "0")} sn`;
    return `${Math.floor(m / 60)} sa ${m % 60} dk`;
  }
  function waitLevel(seconds, priority) {
    const f = priority === "urgent" ? 0.5 : priority === "high" ? 0.75 : 1;
    if (seconds < 60 * f) return "fresh";
    if (seconds < 180 * f) return "warm";
    return "late";
  }
  const topicLabel = (t) => (t ? TOPIC[t] || t : "Genel");

  // ------------------------------------------------------------------ the element
  class CasinraConsole extends HTMLElement {
    connectedCallback() {
      if (this._ready) return;
      this._ready = true;
      this.gateway = (this.getAttribute("gateway") || location.origin).replace(/\/+$/, "");
      this.convs = new Map();
      this.active = null;
      this.queueItems = [];
      this.seenQueue = new Set();
      this.firstQueue = true;
      this.canned = [];
      this.cannedMap = new Map();
      this.attempt = 0;
      this.token = sessionStorage.getItem(TOKEN_KEY);
      this.ticker = setInterval(() => this.tickWaits(), 1000);
      window.addEventListener("focus", () => this.stopAlert());
      document.addEventListener("visibilitychange", () => { if (!document.hidden) this.clearActiveUnread(); });
      if (this.token) this.start(); else this.showLogin();
    }

    // ---------------------------------------------------------------- REST
    async api(path, opts = {}) {
      const headers = { ...(opts.headers || {}) };
      if (this.token) headers.Authorization = "Bearer " + this.token;
      if (opts.body) headers["Content-Type"] = "application/json";
      const res = await fetch(this.gateway + path, { ...opts, headers });
      if (res.status === 401 && path !== "/api/agents/login") { this.logout("Oturumunuzun süresi doldu, lütfen tekrar giriş yapın."); throw new Error("401"); }
      if (!res.ok) {
        const body = await res.json().catch(() => ({}));
        throw new Error(typeof body.detail === "string" ? body.detail : `HTTP ${res.status}`);
      }
      return res.status === 204 ? null : res.json();
    }

    // ---------------------------------------------------------------- login
    showLogin(message) {
      document.title = BASE_TITLE;
      const err = h("p", { class: "login-error", role: "alert" }, message || "");
      const user = h("input", { id: "login-user", name: "username", autocomplete: "username", required: true, value: "" });
      const pass = h("input", { id: "login-pass", name: "password", type: "password", autocomplete: "current-password", required: true });
      const submit = h("button", { type: "submit", class: "primary" }, "Giriş yap");
      const form = h("form", {
        class: "login-card", "aria-labelledby": "login-title",
        onsubmit: async (e) => {
          e.preventDefault();
          submit.disabled = true;
          err.textContent = "";
          try {
            const out = await this.api("/api/agents/login", { method: "POST", body: JSON.stringify({ username: user.value.trim(), password: pass.value }) });
            this.token = out.token;
            this.agent = out.agent;
            sessionStorage.setItem(TOKEN_KEY, out.token);
            this.unlockAudio();
            this.start();
          } catch (ex) {
            err.textContent = ex.message === "HTTP 401" ? "Kullanıcı adı veya şifre hatalı." : ex.message;
            submit.disabled = false;
            pass.select();
          }
        },
      },
      h("div", { class: "brand" }, h("span", { class: "brand-mark", "aria-hidden": "true" }, "♠"), "Casinra"),
      h("h1", { id: "login-title" }, "Temsilci girişi"),
      h("p", { class: "muted" }, "Canlı destek konsoluna erişmek için giriş yapın."),
      h("label", { for: "login-user" }, "Kullanıcı adı"), user,
      h("label", { for: "login-pass" }, "Şifre"), pass,
      err, submit);
      this.replaceChildren(h("main", { class: "login" }, form));
      user.focus();
    }

    async logout(message) {
      const token = this.token;
      this.token = null;
      sessionStorage.removeItem(TOKEN_KEY);
      this.closeSocket();
      if (token && !message) {
        try { await fetch(this.gateway + "/api/agents/logout", { method: "POST", headers: { Authorization: "Bearer " + token } }); } catch (_) { /* ignore */ }
      }
      this.convs.clear();
      this.active = null;
      this.stopAlert();
      this.showLogin(message);
    }

    // ---------------------------------------------------------------- main view
    async start() {
      this.buildShell();
      try {
        if (!this.agent) this.agent = await this.api("/api/agents/me");
      } catch (_) { return; }
      this.who.textContent = this.agent.display_name;
      this.whoTeam.textContent = this.agent.team ? `Ekip: ${this.agent.team}` : "";
      this.loadCanned();
      this.connect();
    }

    buildShell() {
      this.connPill = h("span", { class: "conn-pill", role: "status" }, "Bağlanıyor…");
      this.who = h("strong", { class: "who" });
      this.whoTeam = h("small", { class: "muted" });
      const top = h("header", { class: "topbar" },
        h("div", { class: "brand" }, h("span", { class: "brand-mark", "aria-hidden": "true" }, "♠"), "Casinra ", h("span", { class: "muted" }, "Konsol")),
        this.connPill,
        h("div", { class: "me" }, h("span", { class: "dot", "aria-hidden": "true" }), h("div", null, this.who, this.whoTeam)),
        h("button", { type: "button", class: "ghost", onclick: () => this.logout() }, "Çıkış"));

      this.queueCount = h("span", { class: "count" }, "0");
      this.agentsOnline = h("p", { class: "muted small" });
      this.queueList = h("ul", { class: "queue-list", "aria-label": "Bekleyen sohbetler" });
      this.queueEmpty = h("p", { class: "empty" }, "Sırada bekleyen sohbet yok. Yeni sohbetler burada görünür.");
      const queue = h("aside", { class: "queue", "aria-labelledby": "queue-title" },
        h("h2", { id: "queue-title" }, "Sıra ", this.queueCount), this.agentsOnline,
        h("div", { class: "queue-scroll" }, this.queueList, this.queueEmpty));

      this.tablist = h("div", { class: "tabs", role: "tablist", "aria-label": "Açık sohbetler", onkeydown: (e) => this.tabKeys(e) });
      this.panels = h("div", { class: "panels" });
      this.noChat = h("div", { class: "no-chat" },
        h("p", { class: "big" }, "Açık sohbetiniz yok"),
        h("p", { class: "muted" }, "Soldaki sıradan bir sohbeti üstlenin. Hazır yanıtlar için yazarken kısayolu (ör. /merhaba) yazıp boşluk veya Tab'a basın."));
      const work = h("section", { class: "work", "aria-label": "Sohbetler" }, this.tablist, this.panels, this.noChat);

      this.contextBox = h("div", { class: "context-body" });
      this.cannedBox = h("div", { class: "canned" });
      const ctx = h("aside", { class: "context", "aria-labelledby": "ctx-title" },
        h("h2", { id: "ctx-title" }, "Bağlam"), this.contextBox,
        h("h2", null, "Hazır yanıtlar"), this.cannedBox);

      this.toast = h("div", { class: "toast", role: "alert" });
      this.replaceChildren(top, h("div", { class: "layout" }, queue, work, ctx), this.toast);
      this.renderContext();
      this.renderTabs();
    }

    async loadCanned() {
      try { this.canned = await this.api("/api/canned"); } catch (_) { this.canned = []; }
      this.cannedMap.clear();
      const groups = [];
      for (const topic of this.canned) {
        const items = [];
        for (const r of topic.replies || []) {
          this.cannedMap.set(r.shortcut, r.text);
          items.push(h("li", null, h("button", {
            type: "button", class: "canned-item", title: r.text,
            onclick: () => this.insertCanned(r.text),
          }, h("code", null, r.shortcut), " ", r.title)));
        }
        groups.push(h("details", { class: "canned-group" }, h("summary", null, topic.title || topic.topic), h("ul", null, items)));
      }
      if (groups[0]) groups[0].open = true;
      this.cannedBox.replaceChildren(...groups);
    }

    insertCanned(text) {
      const conv = this.convs.get(this.active);
      if (!conv || conv.released) return;
      const ta = conv.input;
      const before = ta.value && !/\s$/.test(ta.value) ? ta.value + " " : ta.value;
      ta.value = before + text;
      ta.focus();
      ta.setSelectionRange(ta.value.length, ta.value.length);
    }

    flash(text) {
      this.toast.textContent = text;
      this.toast.classList.add("show");
      clearTimeout(this.toastTimer);
      this.toastTimer = setTimeout(() => { this.toast.classList.remove("show"); this.toast.textContent = ""; }, 6000);
    }

    // ---------------------------------------------------------------- socket
    connect() {
      if (!this.token) return;
      const url = this.gateway.replace(/^http/, "ws") + "/ws/agent?token=" + encodeURIComponent(this.token);
      const ws = new WebSocket(url);
      this.ws = ws;
      ws.onopen = () => { this.attempt = 0; };
      ws.onmessage = (ev) => {
        let f;
        try { f = JSON.parse(ev.data); } catch (_) { return; }
        if (f && typeof f.type === "string") this.onFrame(f);
      };
      ws.onclose = (ev) => {
        if (this.ws !== ws) return;
        this.ws = null;
        clearInterval(this.pinger);
        if (!this.token) return;
        if (ev.code === 4401) { this.logout("Oturumunuzun süresi doldu, lütfen tekrar giriş yapın."); return; }
        this.setConn("Bağlantı koptu, yeniden bağlanıyor…", "down");
        const delay = Math.min(15000, 500 * 2 ** Math.min(this.attempt, 5)) * (0.8 + Math.random() * 0.4);
        this.attempt += 1;
        this.retry = setTimeout(() => this.connect(), delay);
      };
    }

    closeSocket() {
      clearTimeout(this.retry);
      clearInterval(this.pinger);
      const ws = this.ws;
      this.ws = null;
      if (ws) try { ws.close(1000); } catch (_) { /* ignore */ }
    }

    send(frame) {
      if (this.ws && this.ws.readyState === WebSocket.OPEN) { this.ws.send(JSON.stringify(frame)); return true; }
      this.flash("Bağlantı yok; yeniden bağlanınca tekrar deneyin.");
      return false;
    }

    setConn(text, kind) {
      this.connPill.textContent = text;
      this.connPill.className = "conn-pill " + kind;
      this.dataset.conn = kind;
    }

    onFrame(f) {
      switch (f.type) {
        case "hello":
          this.agent = f.agent;
          this.who.textContent = f.agent.display_name;
          this.setConn("Çevrim içi", "up");
          clearInterval(this.pinger);
          this.pinger = setInterval(() => this.send({ type: "ping" }), 25000);
          break;
        case "queue": this.onQueue(f); break;
        case "conversation": this.onConversation(f); break;
        case "message": this.onMessage(f); break;
        case "typing": this.onTyping(f); break;
        case "state": this.onState(f); break;
        case "released": this.onReleased(f); break;
        case "error": this.flash(f.message || "Hata"); break;
        default: break;
      }
    }

    // ---------------------------------------------------------------- queue
    onQueue(f) {
      const now = Date.now() / 1000;
      this.queueItems = (f.items || []).map((it) => ({ ...it, _since: now - (it.waiting_seconds || 0) }));
      this.agentsOnline.textContent = `Çevrim içi temsilci: ${f.agents_online}`;
      const fresh = this.queueItems.filter((it) => !this.seenQueue.has(it.conversation_id));
      for (const it of this.queueItems) this.seenQueue.add(it.conversation_id);
      if (!this.firstQueue && fresh.length) {
        const urgent = fresh.some((it) => it.priority === "urgent");
        this.signal(urgent);
      } else if (this.firstQueue && this.queueItems.some((it) => it.priority === "urgent")) {
        this.signal(true);
      }
      this.firstQueue = false;
      this.renderQueue();
    }

    renderQueue() {
      const items = this.queueItems;
      this.queueCount.textContent = String(items.length);
      this.queueEmpty.hidden = items.length > 0;
      const rows = items.map((it) => {
        const name = it.player ? it.player.name : "Misafir";
        const waited = Date.now() / 1000 - it._since;
        const wait = h("span", { class: "wait " + waitLevel(waited, it.priority), "data-since": String(it._since), "data-priority": it.priority, title: "Bekleme süresi" }, duration(waited));
        const claim = h("button", {
          type: "button", class: "primary claim", "aria-label": `${name} sohbetini üstlen`,
          onclick: () => { claim.disabled = true; this.send({ type: "claim", conversation_id: it.conversation_id }); setTimeout(() => { claim.disabled = false; }, 3000); },
        }, "Üstlen");
        return h("li", { class: "queue-item p-" + it.priority, "data-conversation-id": it.conversation_id },
          h("div", { class: "qi-top" },
            h("span", { class: "prio " + it.priority }, PRIORITY[it.priority] || it.priority),
            h("strong", { class: "qi-name" }, name),
            wait),
          h("div", { class: "qi-topic" }, topicLabel(it.topic),
            it.guest ? h("span", { class: "chip" }, "misafir") : h("span", { class: "muted small" }, it.player ? it.player.id : ""),
            it.team ? h("span", { class: "chip team" }, `ekip: ${it.team}`) : null,
            it.requeued ? h("span", { class: "chip" }, "sıranın başında") : null),
          it.summary ? h("p", { class: "qi-summary" }, it.summary) : null,
          h("div", { class: "qi-actions" }, h("span", { class: "muted small" }, `#${it.position}`), claim));
      });
      this.queueList.replaceChildren(...rows);
      this.updateTitle();
    }

    tickWaits() {
      const now = Date.now() / 1000;
      if (!this.queueList) return;
      for (const el of this.queueList.querySelectorAll(".wait")) {
        const s = now - Number(el.dataset.since);
        el.textContent = duration(s);
        el.className = "wait " + waitLevel(s, el.dataset.priority);
      }
    }

    // ---------------------------------------------------------------- attention: title bar + sound
    updateTitle() {
      if (this.alerting) return;
      const unread = [...this.convs.values()].reduce((n, c) => n + c.unread, 0);
      const n = this.queueItems.length;
      const parts = [];
      if (n) parts.push(`(${n}) sırada`);
      if (unread) parts.push(`${unread} yeni mesaj`);
      document.title = parts.length ? `${parts.join(" · ")} — ${BASE_TITLE}` : BASE_TITLE;
    }

    signal(urgent) {
      this.beep(urgent);
      if (!urgent) { this.updateTitle(); return; }
      this.dataset.alert = "urgent";
      if (this.alerting) return;
      this.alerting = true;
      let on = true;
      const flip = () => {
        document.title = on ? "⚠ ACİL SOHBET BEKLİYOR — " + BASE_TITLE : BASE_TITLE;
        on = !on;
      };
      flip();
      this.alertTimer = setInterval(() => {
        if (!this.queueItems.some((it) => it.priority === "urgent")) { this.stopAlert(); return; }
        flip();
      }, 1000);
    }

    stopAlert() {
      if (!this.alerting) return;
      clearInterval(this.alertTimer);
      this.alerting = false;
      delete this.dataset.alert;
      this.updateTitle();
    }

    unlockAudio() {
      try {
        const Ctx = window.AudioContext || window.webkitAudioContext;
        if (Ctx && !this.audio) this.audio = new Ctx();
      } catch (_) { this.audio = null; }
    }

    beep(urgent) {
      try {
        if (!this.audio) this.unlockAudio();
        const ctx = this.audio;
        if (!ctx) return;
        if (ctx.state === "suspended") ctx.resume();
        const tones = urgent ? [880, 660, 880] : [660];
        tones.forEach((freq, i) => {
          const osc = ctx.createOscillator();
          const gain = ctx.createGain();
          osc.frequency.value = freq;
          gain.gain.value = 0.08;
          osc.connect(gain).connect(ctx.destination);
          const t = ctx.currentTime + i * 0.22;
          osc.start(t);
          osc.stop(t + 0.16);
        });
        this.dataset.lastSignal = urgent ? "urgent" : "new";
      } catch (_) { /* audio is a nicety */ }
    }

    // ---------------------------------------------------------------- conversations / tabs
    onConversation(f) {
      let conv = this.convs.get(f.conversation_id);
      if (!conv) {
        conv = this.createConv(f);
        this.convs.set(f.conversation_id, conv);
        this.activate(f.conversation_id);
      } else {
        conv.released = false;
        conv.panel.classList.remove("released");
        conv.banner.hidden = true;
        conv.input.disabled = false;
      }
      conv.data = f;
      conv.maxSeq = 0;
      conv.log.replaceChildren();
      for (const m of f.transcript || []) this.appendMessage(conv, m, false);
      this.renderConvHead(conv);
      if (this.active === conv.cid) this.renderContext();
      this.renderTabs();
    }

    createConv(f) {
      const cid = f.conversation_id;
      const conv = { cid, data: f, unread: 0, maxSeq: 0, released: false, mode: "reply", typingSent: false };
      conv.title = h("h2", { class: "conv-title" });
      conv.sub = h("p", { class: "conv-sub muted" });
      conv.transferBtn = h("button", { type: "button", class: "ghost", "aria-expanded": "false", onclick: () => this.toggleTransfer(conv) }, "Aktar");
      conv.resolveBtn = h("button", { type: "button", class: "primary resolve", onclick: () => this.resolve(conv) }, "Çözüldü olarak kapat");
      conv.closeBtn = h("button", { type: "button", class: "ghost", hidden: true, onclick: () => this.closeTab(cid) }, "Sekmeyi kapat");
      conv.transferBox = h("div", { class: "transfer", hidden: true });
      conv.log = h("div", { class: "transcript", role: "log", "aria-live": "polite", "aria-label": "Sohbet dökümü", tabindex: "0" });
      conv.typing = h("p", { class: "typing", hidden: true, "aria-live": "polite" }, h("span", { class: "dots", "aria-hidden": "true" }, h("i"), h("i"), h("i")), " Oyuncu yazıyor…");
      conv.banner = h("p", { class: "released-banner", role: "status", hidden: true });
      const modeName = "mode-" + cid;
      const modeReply = h("input", { type: "radio", name: modeName, value: "reply", checked: true, onchange: () => this.setMode(conv, "reply") });
      const modeNote = h("input", { type: "radio", name: modeName, value: "note", onchange: () => this.setMode(conv, "note") });
      conv.modeNote = modeNote;
      conv.modeReply = modeReply;
      conv.input = h("textarea", {
        rows: "3", "aria-label": "Oyuncuya yanıt", placeholder: "Yanıtınızı yazın… (Enter: gönder, Shift+Enter: yeni satır, /kısayol + boşluk: hazır yanıt)",
        maxlength: "2000", onkeydown: (e) => this.composerKeys(conv, e), oninput: () => this.composerTyping(conv),
      });
      conv.sendBtn = h("button", { type: "submit", class: "primary" }, "Gönder");
      conv.form = h("form", { class: "composer", onsubmit: (e) => { e.preventDefault(); this.submit(conv); } },
        h("div", { class: "modes", role: "radiogroup", "aria-label": "Mesaj türü" },
          h("label", null, modeReply, " Oyuncuya yanıt"),
          h("label", null, modeNote, " İç not (oyuncu görmez)")),
        h("div", { class: "composer-row" }, conv.input, conv.sendBtn));
      conv.panel = h("section", { class: "chat-panel", role: "tabpanel", id: "panel-" + cid, "aria-labelledby": "tab-" + cid, hidden: true, "data-conversation-id": cid },
        h("div", { class: "conv-head" }, h("div", null, conv.title, conv.sub),
          h("div", { class: "conv-actions" }, conv.transferBtn, conv.resolveBtn, conv.closeBtn)),
        conv.transferBox, conv.banner, conv.log, conv.typing, conv.form);
      this.panels.append(conv.panel);
      return conv;
    }

    renderConvHead(conv) {
      const d = conv.data;
      const name = d.player ? d.player.name : "Misafir oyuncu";
      conv.title.textContent = name;
      const ho = d.handoff || {};
      const bits = [d.player ? d.player.id : "misafir", topicLabel(ho.topic)];
      if (ho.priority) bits.push("öncelik: " + (PRIORITY[ho.priority] || ho.priority));
      conv.sub.textContent = bits.join(" · ");
    }

    renderTabs() {
      const tabs = [];
      for (const conv of this.convs.values()) {
        const d = conv.data;
        const name = d.player ? d.player.name : "Misafir";
        const selected = conv.cid === this.active;
        const badge = conv.unread ? h("span", { class: "unread", "aria-label": `${conv.unread} okunmamış` }, String(conv.unread)) : null;
        const prio = d.handoff && d.handoff.priority;
        tabs.push(h("button", {
          type: "button", role: "tab", id: "tab-" + conv.cid, class: "tab" + (conv.released ? " released" : "") + (prio ? " p-" + prio : ""),
          "aria-selected": String(selected), "aria-controls": "panel-" + conv.cid, tabindex: selected ? "0" : "-1",
          "data-conversation-id": conv.cid, onclick: () => this.activate(conv.cid),
        }, h("span", { class: "tab-name" }, name), badge));
      }
      this.tablist.replaceChildren(...tabs);
      this.noChat.hidden = this.convs.size > 0;
      this.panels.hidden = this.convs.size === 0;
      this.tablist.hidden = this.convs.size === 0;
      this.updateTitle();
    }

    tabKeys(e) {
      if (!["ArrowLeft", "ArrowRight", "Home", "End"].includes(e.key)) return;
      const ids = [...this.convs.keys()];
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

    activate(cid) {
      this.active = cid;
      for (const conv of this.convs.values()) conv.panel.hidden = conv.cid !== cid;
      const conv = this.convs.get(cid);
      if (conv) {
        conv.unread = 0;
        requestAnimationFrame(() => { conv.log.scrollTop = conv.log.scrollHeight; });
      }
      this.renderTabs();
      this.renderContext();
    }

    clearActiveUnread() {
      const conv = this.convs.get(this.active);
      if (conv && conv.unread) { conv.unread = 0; this.renderTabs(); }
    }

    closeTab(cid) {
      const conv = this.convs.get(cid);
      if (!conv) return;
      conv.panel.remove();
      this.convs.delete(cid);
      if (this.active === cid) {
        const next = [...this.convs.keys()][0] || null;
        if (next) this.activate(next); else { this.active = null; this.renderTabs(); this.renderContext(); }
      } else this.renderTabs();
    }

    // ---------------------------------------------------------------- transcript
    appendMessage(conv, m, live) {
      if (typeof m.seq === "number") {
        if (m.seq <= conv.maxSeq) return;
        conv.maxSeq = m.seq;
      }
      const sender = ["player", "bot", "agent", "system"].includes(m.sender) ? m.sender : "system";
      const d = conv.data;
      let who;
      if (sender === "player") who = d.player ? d.player.name : "Misafir";
      else if (sender === "bot") who = "Asistan";
      else if (sender === "agent") who = (m.agent && m.agent.display_name) || "Temsilci";
      else who = "Sistem";
      const mine = sender === "agent" && this.agent && m.agent && m.agent.display_name === this.agent.display_name;
      const el = h("div", { class: `msg ${sender}${m.internal ? " internal" : ""}${mine ? " mine" : ""}`, "data-seq": m.seq != null ? String(m.seq) : null });
      el.append(h("div", { class: "msg-meta" }, sender === "system" ? null : h("span", { class: "msg-who" }, who),
        m.internal ? h("span", { class: "note-tag" }, "İç not") : null,
        h("time", null, timeOf(m.ts))));
      const body = h("div", { class: "msg-body" });
      if (m.text) body.append(document.createTextNode(m.text));
      if (m.attachment) {
        const a = m.attachment;
        const href = `${this.gateway}/api/attachments/${encodeURIComponent(a.id)}?token=${encodeURIComponent(this.token)}`;
        body.append(h("a", { class: "attachment", href, target: "_blank", rel: "noopener noreferrer" },
          h("span", { class: "att-tag" }, "Ek"), a.name, ` (${Math.max(1, Math.round((a.size || 0) / 1024))} KB, ${a.content_type})`));
      }
      if (m.image && /^https?:\/\//i.test(m.image)) body.append(h("a", { class: "attachment", href: m.image, target: "_blank", rel: "noopener noreferrer" }, h("span", { class: "att-tag" }, "Görsel"), "Asistanın gönderdiği görsel"));
      el.append(body);
      if (Array.isArray(m.buttons) && m.buttons.length) {
        el.append(h("div", { class: "offered", "aria-label": "Asistanın sunduğu seçenekler" },
          ...m.buttons.map((b) => h("span", { class: "chip" }, b.title))));
      }
      conv.log.append(el);
      if (sender === "player") conv.typing.hidden = true;
      if (live) {
        const away = conv.cid !== this.active || document.hidden;
        if (away && sender !== "agent") {
          conv.unread += 1;
          this.renderTabs();
          if (conv.cid !== this.active) this.beep(false);
        }
        const nearEnd = conv.log.scrollHeight - conv.log.scrollTop - conv.log.clientHeight < 160;
        if (nearEnd || mine) requestAnimationFrame(() => { conv.log.scrollTop = conv.log.scrollHeight; });
      }
    }

    onMessage(f) {
      const conv = this.convs.get(f.conversation_id);
      if (!conv) return;
      this.appendMessage(conv, f, true);
    }

    onTyping(f) {
      const conv = this.convs.get(f.conversation_id);
      if (!conv || f.sender !== "player") return;
      conv.typing.hidden = !f.state;
      clearTimeout(conv.typingHide);
      if (f.state) conv.typingHide = setTimeout(() => { conv.typing.hidden = true; }, 15000);
    }

    onState(f) {
      const conv = this.convs.get(f.conversation_id);
      if (!conv) return;
      conv.data = { ...conv.data, state: f.state };
    }

    onReleased(f) {
      const conv = this.convs.get(f.conversation_id);
      if (!conv) return;
      conv.released = true;
      conv.panel.classList.add("released");
      conv.banner.textContent = RELEASED[f.reason] || "Sohbet artık sizde değil.";
      conv.banner.hidden = false;
      conv.input.disabled = true;
      conv.sendBtn.disabled = true;
      conv.transferBtn.hidden = true;
      conv.resolveBtn.hidden = true;
      conv.closeBtn.hidden = false;
      conv.transferBox.hidden = true;
      conv.typing.hidden = true;
      this.renderTabs();
      if (this.active === conv.cid) conv.closeBtn.focus();
    }

    // ---------------------------------------------------------------- composer
    setMode(conv, mode) {
      conv.mode = mode;
      conv.form.classList.toggle("note-mode", mode === "note");
      conv.input.setAttribute("aria-label", mode === "note" ? "İç not" : "Oyuncuya yanıt");
      conv.input.placeholder = mode === "note" ? "İç not yazın — yalnızca temsilciler görür" : "Yanıtınızı yazın… (Enter: gönder, Shift+Enter: yeni satır, /kısayol + boşluk: hazır yanıt)";
      conv.sendBtn.textContent = mode === "note" ? "Notu kaydet" : "Gönder";
      if (mode === "note") this.stopTyping(conv);
      conv.input.focus();
    }

    expandShortcut(conv) {
      const ta = conv.input;
      const upto = ta.value.slice(0, ta.selectionStart);
      const m = /(^|\s)(\/[\w\u00c0-\u024f]+)$/.exec(upto);
      if (!m) return false;
      const text = this.cannedMap.get(m[2]);
      if (!text) return false;
      const start = upto.length - m[2].length;
      ta.value = ta.value.slice(0, start) + text + ta.value.slice(ta.selectionStart);
      const pos = start + text.length;
      ta.setSelectionRange(pos, pos);
      return true;
    }

    composerKeys(conv, e) {
      if ((e.key === " " || e.key === "Tab") && !e.shiftKey && this.expandShortcut(conv)) {
        if (e.key === "Tab") e.preventDefault();
        else { e.preventDefault(); const ta = conv.input; const p = ta.selectionStart; ta.value = ta.value.slice(0, p) + " " + ta.value.slice(p); ta.setSelectionRange(p + 1, p + 1); }
        return;
      }
      if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
        e.preventDefault();
        this.submit(conv);
      }
    }

    composerTyping(conv) {
      if (conv.mode !== "reply" || conv.released) return;
      if (!conv.typingSent) { conv.typingSent = this.ws && this.ws.readyState === 1 && this.send({ type: "typing", conversation_id: conv.cid, state: true }); }
      clearTimeout(conv.typingTimer);
      conv.typingTimer = setTimeout(() => this.stopTyping(conv), 2500);
    }

    stopTyping(conv) {
      clearTimeout(conv.typingTimer);
      if (conv.typingSent && this.ws && this.ws.readyState === 1) this.send({ type: "typing", conversation_id: conv.cid, state: false });
      conv.typingSent = false;
    }

    submit(conv) {
      if (conv.released) return;
      const text = conv.input.value.trim();
      if (!text) return;
      const type = conv.mode === "note" ? "note" : "message";
      if (this.send({ type, id: uuid(), conversation_id: conv.cid, text })) {
        conv.input.value = "";
        this.stopTyping(conv);
      }
    }

    async toggleTransfer(conv) {
      const box = conv.transferBox;
      if (!box.hidden) { box.hidden = true; conv.transferBtn.setAttribute("aria-expanded", "false"); return; }
      let agents = [];
      try { agents = await this.api("/api/agents"); } catch (_) { agents = []; }
      const me = this.agent && this.agent.username;
      const online = agents.filter((a) => a.username !== me);
      const teams = [...new Set(["genel", ...agents.map((a) => a.team).filter(Boolean)])];
      const select = h("select", { id: "transfer-" + conv.cid },
        h("optgroup", { label: "Temsilciye" }, ...online.map((a) => h("option", { value: "agent:" + a.username, disabled: !a.online },
          `${a.display_name} (${a.team || "genel"})${a.online ? "" : " — çevrim dışı"}`))),
        h("optgroup", { label: "Ekibe (sıraya, en öne)" }, ...teams.map((t) => h("option", { value: "team:" + t }, `Ekip: ${t}`))));
      const firstOnline = online.find((a) => a.online);
      select.value = firstOnline ? "agent:" + firstOnline.username : "team:" + teams[0];
      const note = h("input", { id: "transfer-note-" + conv.cid, placeholder: "Aktarım notu (yalnızca temsilciler görür)", maxlength: "2000" });
      box.replaceChildren(h("form", {
        class: "transfer-form",
        onsubmit: (e) => {
          e.preventDefault();
          const [kind, target] = select.value.split(/:(.*)/s);
          const frame = { type: "transfer", conversation_id: conv.cid };
          if (kind === "agent") frame.to_agent = target; else frame.to_team = target;
          if (note.value.trim()) frame.note = note.value.trim();
          if (this.send(frame)) { box.hidden = true; conv.transferBtn.setAttribute("aria-expanded", "false"); }
        },
      }, h("label", { for: select.id }, "Aktar:"), select, h("label", { class: "sr-only", for: note.id }, "Aktarım notu"), note,
      h("button", { type: "submit", class: "primary" }, "Aktar"),
      h("button", { type: "button", class: "ghost", onclick: () => { box.hidden = true; conv.transferBtn.setAttribute("aria-expanded", "false"); conv.transferBtn.focus(); } }, "Vazgeç")));
      box.hidden = false;
      conv.transferBtn.setAttribute("aria-expanded", "true");
      select.focus();
    }

    resolve(conv) {
      this.stopTyping(conv);
      this.send({ type: "resolve", conversation_id: conv.cid });
    }

    // ---------------------------------------------------------------- context panel
    renderContext() {
      const box = this.contextBox;
      if (!box) return;
      const conv = this.convs.get(this.active);
      if (!conv) {
        box.replaceChildren(h("p", { class: "muted" }, "Bir sohbet seçildiğinde asistanın anladıkları, oyuncu profili, KYC durumu ve son işlemler burada görünür."));
        return;
      }
      const d = conv.data;
      const c = d.context || {};
      const sections = [];
      const ho = d.handoff;
      if (ho) {
        sections.push(h("section", { class: "ctx handoff" }, h("h3", null, "Devir nedeni"),
          h("p", null, h("span", { class: "prio " + (ho.priority || "normal") }, PRIORITY[ho.priority] || ho.priority || "Normal"), " ", topicLabel(ho.topic),
            ho.reason && ho.reason !== ho.topic ? h("span", { class: "muted" }, ` (${REASON[ho.reason] || ho.reason})`) : null),
          ho.summary ? h("p", { class: "summary" }, ho.summary) : null));
      }
      const p = c.profile;
      if (p) {
        sections.push(h("section", { class: "ctx" }, h("h3", null, "Oyuncu"),
          h("dl", null,
            h("dt", null, "No"), h("dd", null, p.id),
            h("dt", null, "Ad"), h("dd", null, p.name),
            p.email ? [h("dt", null, "E-posta"), h("dd", null, p.email)] : null,
            p.phone ? [h("dt", null, "Telefon"), h("dd", null, p.phone)] : null,
            h("dt", null, "Hesap"), h("dd", null, p.locked ? h("span", { class: "badge bad" }, "Kilitli") : h("span", { class: "badge ok" }, "Aktif")))));
      } else {
        sections.push(h("section", { class: "ctx" }, h("h3", null, "Oyuncu"),
          h("p", { class: "muted" }, d.guest ? "Misafir: oturum açılmamış, hesap bilgisi yok." : "Back-office bilgisine ulaşılamadı.")));
      }
      if (c.kyc) {
        const st = c.kyc.status;
        const cls = st === "approved" ? "ok" : st === "rejected" ? "bad" : "warn";
        sections.push(h("section", { class: "ctx kyc" }, h("h3", null, "KYC"),
          h("p", null, h("span", { class: "badge " + cls }, KYC[st] || st), c.kyc.reason ? h("span", { class: "muted" }, " — " + c.kyc.reason) : null)));
      }
      if (!d.guest) {
        const txs = c.transactions || [];
        sections.push(h("section", { class: "ctx" }, h("h3", null, "Son işlemler"),
          txs.length ? h("table", { class: "tx" },
            h("thead", null, h("tr", null, h("th", { scope: "col" }, "İşlem"), h("th", { scope: "col" }, "Tutar"), h("th", { scope: "col" }, "Durum"))),
            h("tbody", null, ...txs.slice(0, 8).map((t) => h("tr", null,
              h("td", null, h("code", null, t.id), h("br"), h("small", { class: "muted" }, `${TX_KIND[t.kind] || t.kind} · ${METHOD[t.method] || t.method || ""}`)),
              h("td", { class: "num" }, t.amount || ""),
              h("td", null, h("span", { class: "st " + t.status }, TX_STATUS[t.status] || t.status), t.reason ? h("small", { class: "muted block" }, t.reason) : null)))))
            : h("p", { class: "muted" }, "İşlem yok.")));
      }
      const intents = c.intents || [];
      sections.push(h("section", { class: "ctx" }, h("h3", null, "Asistanın anladıkları"),
        intents.length ? h("ol", { class: "intents" }, ...intents.slice(-8).map((it) => {
          const pct = Math.round((it.confidence || 0) * 100);
          return h("li", null,
            h("q", null, it.text || ""),
            h("div", { class: "intent-row" }, h("code", null, it.intent || "?"),
              h("span", { class: "conf" + (pct < 60 ? " low" : ""), role: "img", "aria-label": `güven %${pct}` },
                h("span", { class: "bar", style: `width:${pct}%` })), h("span", { class: "pct" }, `%${pct}`)));
        })) : h("p", { class: "muted" }, "Kayıt yok.")));
      const slots = Object.entries(c.slots || {})
        .filter(([k, v]) => v !== null && v !== undefined && v !== "" && !HIDDEN_SLOTS.has(k));
      sections.push(h("section", { class: "ctx" }, h("h3", null, "Slotlar"),
        slots.length ? h("dl", { class: "slots" }, ...slots.flatMap(([k, v]) => [h("dt", null, k), h("dd", null, typeof v === "object" ? JSON.stringify(v) : String(v))]))
          : h("p", { class: "muted" }, "Dolu slot yok.")));
      box.replaceChildren(...sections);
    }
  }

  if (!customElements.get("casinra-console")) customElements.define("casinra-console", CasinraConsole);
})();
