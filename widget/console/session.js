// The agent's session: the token, REST calls and the agent socket (reconnect with backoff, ping).
// Events: "frame" (detail: a frame from the gateway), "conn" (detail: "up" | "down"), "expired".
// Protocol: docs/protocol.md (agent REST + socket).

const TOKEN_KEY = "casinra-console:token";
const PING_MS = 25000;

export class Session extends EventTarget {
  constructor(gateway) {
    super();
    this.gateway = gateway.replace(/\/+$/, "");
    this.token = sessionStorage.getItem(TOKEN_KEY);
    this.ws = null;
    this.attempt = 0;
  }

  get online() { return !!this.ws && this.ws.readyState === WebSocket.OPEN; }

  async api(path, opts = {}) {
    const headers = { ...(opts.headers || {}) };
    if (this.token) headers.Authorization = "Bearer " + this.token;
    if (opts.body) headers["Content-Type"] = "application/json";
    const res = await fetch(this.gateway + path, { ...opts, headers });
    if (res.status === 401 && this.token) { this.expire(); throw new Error("401"); }
    if (!res.ok) {
      const body = await res.json().catch(() => ({}));
      throw new Error(typeof body.detail === "string" ? body.detail : `HTTP ${res.status}`);
    }
    return res.status === 204 ? null : res.json();
  }

  /** → the agent (username, display_name, team, …); throws "HTTP 401" on a wrong password. */
  async login(username, password) {
    const out = await this.api("/api/agents/login", { method: "POST", body: JSON.stringify({ username, password }) });
    this.token = out.token;
    sessionStorage.setItem(TOKEN_KEY, out.token);
    return out.agent;
  }

  async logout() {
    const token = this.forget();
    if (!token) return;
    try {
      await fetch(this.gateway + "/api/agents/logout", { method: "POST", headers: { Authorization: "Bearer " + token } });
    } catch (_) { /* the token expires on its own */ }
  }

  /** Drop the token and the socket → the old token. */
  forget() {
    const token = this.token;
    this.token = null;
    sessionStorage.removeItem(TOKEN_KEY);
    this.close();
    return token;
  }

  expire() {
    if (!this.token) return;
    this.forget();
    this.dispatchEvent(new Event("expired"));
  }

  connect() {
    if (!this.token || this.ws) return;
    const ws = new WebSocket(this.gateway.replace(/^http/, "ws") + "/ws/agent?token=" + encodeURIComponent(this.token));
    this.ws = ws;
    ws.onopen = () => { this.attempt = 0; };
    ws.onmessage = (ev) => {
      let frame;
      try { frame = JSON.parse(ev.data); } catch (_) { return; }
      if (!frame || typeof frame.type !== "string") return;
      if (frame.type === "hello") {
        clearInterval(this.pinger);
        this.pinger = setInterval(() => this.send({ type: "ping" }), PING_MS);
        this.dispatchEvent(new CustomEvent("conn", { detail: "up" }));
      }
      this.dispatchEvent(new CustomEvent("frame", { detail: frame }));
    };
    ws.onclose = (ev) => {
      if (this.ws !== ws) return;
      this.ws = null;
      clearInterval(this.pinger);
      if (!this.token) return;
      if (ev.code === 4401) { this.expire(); return; }
      this.dispatchEvent(new CustomEvent("conn", { detail: "down" }));
      const delay = Math.min(15000, 500 * 2 ** Math.min(this.attempt, 5)) * (0.8 + Math.random() * 0.4);
      this.attempt += 1;
      this.retry = setTimeout(() => { this.ws = null; this.connect(); }, delay);
    };
  }

  close() {
    clearTimeout(this.retry);
    clearInterval(this.pinger);
    const ws = this.ws;
    this.ws = null;
    if (ws) try { ws.close(1000); } catch (_) { /* already closed */ }
  }

  /** Send one frame → false when the socket is down (the caller tells the agent). */
  send(frame) {
    if (!this.online) return false;
    this.ws.send(JSON.stringify(frame));
    return true;
  }
}
