// <casinra-console>: the shell of the agent console — login, the top bar (connection, who, logout),
// a nav between the pages the agent's role may see (pages.js) and a toast for errors.
// Everything inside a page (queue, chats, context) lives in that page's own module.
import { unlockAudio } from "./attention.js";
import { h } from "./dom.js";
import { pagesFor } from "./pages.js";
import { Session } from "./session.js";

const BASE_TITLE = "Casinra Konsol";
const EXPIRED = "Oturumunuzun süresi doldu, lütfen tekrar giriş yapın.";

const brand = (...extra) =>
  h("div", { class: "brand" }, h("span", { class: "brand-mark", "aria-hidden": "true" }, "♠"), "Casinra", ...extra);

class CasinraConsole extends HTMLElement {
  connectedCallback() {
    if (this.session) return;
    this.session = new Session(this.getAttribute("gateway") || location.origin);
    this.session.addEventListener("expired", () => this.leave(EXPIRED));
    this.session.addEventListener("conn", (e) => this.setConn(e.detail));
    this.session.addEventListener("frame", (e) => this.onFrame(e.detail));
    this.addEventListener("console-flash", (e) => this.flash(e.detail));
    window.addEventListener("hashchange", () => this.route());
    if (this.session.token) this.start(); else this.showLogin();
  }

  // ---------------------------------------------------------------- login / logout
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
          this.agent = await this.session.login(user.value.trim(), pass.value);
          unlockAudio();
          this.start();
        } catch (ex) {
          err.textContent = ex.message === "HTTP 401" ? "Kullanıcı adı veya şifre hatalı." : ex.message;
          submit.disabled = false;
          pass.select();
        }
      },
    },
    brand(),
    h("h1", { id: "login-title" }, "Temsilci girişi"),
    h("p", { class: "muted" }, "Canlı destek konsoluna erişmek için giriş yapın."),
    h("label", { for: "login-user" }, "Kullanıcı adı"), user,
    h("label", { for: "login-pass" }, "Şifre"), pass,
    err, submit);
    this.pages = [];
    this.replaceChildren(h("main", { class: "login" }, form));
    user.focus();
  }

  async logout() {
    await this.session.logout();
    this.leave();
  }

  /** Back to the login form; every page is removed (their timers stop in disconnectedCallback). */
  leave(message) {
    this.session.forget();
    this.agent = null;
    delete this.dataset.conn;
    this.showLogin(message);
  }

  // ---------------------------------------------------------------- the signed-in view
  async start() {
    this.buildShell();
    try {
      if (!this.agent) this.agent = await this.session.api("/api/agents/me");
    } catch (_) { return; }  // 401: "expired" has already shown the login
    this.showAgent();
    await this.mountPages();
    this.session.connect();
  }

  buildShell() {
    this.connPill = h("span", { class: "conn-pill", role: "status" }, "Bağlanıyor…");
    this.who = h("strong", { class: "who" });
    this.whoTeam = h("small", { class: "muted" });
    this.nav = h("nav", { class: "pages", "aria-label": "Konsol sayfaları", hidden: true });
    const top = h("header", { class: "topbar" },
      brand(" ", h("span", { class: "muted" }, "Konsol")),
      this.nav,
      this.connPill,
      h("div", { class: "me" }, h("span", { class: "dot", "aria-hidden": "true" }), h("div", null, this.who, this.whoTeam)),
      h("button", { type: "button", class: "ghost", onclick: () => this.logout() }, "Çıkış"));
    this.main = h("div", { class: "page-host" });
    this.toast = h("div", { class: "toast", role: "alert" });
    this.replaceChildren(top, this.main, this.toast);
  }

  showAgent() {
    this.who.textContent = this.agent.display_name;
    this.whoTeam.textContent = this.agent.team ? `Ekip: ${this.agent.team}` : "";
  }

  async mountPages() {
    const defs = pagesFor(this.agent.role);
    this.pages = [];
    for (const def of defs) {
      await import(def.module);
      const el = document.createElement(def.tag);
      el.session = this.session;
      el.agent = this.agent;
      el.hidden = true;
      el.dataset.page = def.id;
      this.main.append(el);
      if (typeof el.start === "function") el.start();
      this.pages.push({ def, el });
    }
    this.nav.replaceChildren(...this.pages.map(({ def }) =>
      h("a", { href: "#" + def.id, class: "page-link", "data-page": def.id }, def.title)));
    this.nav.hidden = this.pages.length < 2;
    this.route();
  }

  /** Show the page named by the URL's hash (#chats), else the first one. */
  route() {
    if (!this.pages || !this.pages.length) return;
    const wanted = location.hash.replace(/^#/, "");
    const current = this.pages.find((p) => p.def.id === wanted) || this.pages[0];
    for (const p of this.pages) {
      const on = p === current;
      p.el.hidden = !on;
      if (typeof p.el.shown === "function") p.el.shown(on);
    }
    for (const a of this.nav.querySelectorAll("a")) {
      if (a.dataset.page === current.def.id) a.setAttribute("aria-current", "page"); else a.removeAttribute("aria-current");
    }
  }

  // ---------------------------------------------------------------- socket state, errors
  setConn(state) {
    if (!this.connPill) return;
    const up = state === "up";
    this.connPill.textContent = up ? "Çevrim içi" : "Bağlantı koptu, yeniden bağlanıyor…";
    this.connPill.className = "conn-pill " + state;
    this.dataset.conn = state;
  }

  onFrame(f) {
    if (f.type === "hello" && f.agent) {
      this.agent = { ...this.agent, ...f.agent };
      this.showAgent();
    } else if (f.type === "error") {
      this.flash(f.message || "Hata");
    }
  }

  flash(text) {
    if (!this.toast) return;
    this.toast.textContent = text;
    this.toast.classList.add("show");
    clearTimeout(this.toastTimer);
    this.toastTimer = setTimeout(() => { this.toast.classList.remove("show"); this.toast.textContent = ""; }, 6000);
  }
}

if (!customElements.get("casinra-console")) customElements.define("casinra-console", CasinraConsole);
