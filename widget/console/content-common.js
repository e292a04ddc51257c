// What the content page's parts share: the REST calls (over the shell's session) and formatting.
import { emit } from "./dom.js";

/** The REST calls of the content page, over the shell's session (bearer token, 401 → login). */
export class ContentApi {
  constructor(session) { this.session = session; }
  get(path) { return this.session.api(path); }
  post(path, body) { return this.session.api(path, { method: "POST", body: JSON.stringify(body || {}) }); }
  /** A call whose refusal carries data (the promotion guard's problems): → { ok, status, body }. */
  async call(method, path, body) {
    const res = await fetch(this.session.gateway + path, {
      method, headers: { Authorization: "Bearer " + this.session.token, "Content-Type": "application/json" },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (res.status === 401) { this.session.expire(); throw new Error("401"); }
    return { ok: res.ok, status: res.status, body: await res.json().catch(() => ({})) };
  }
  /** The report's HTML (fetched with the token: a frame cannot send it). */
  async reportHtml(modelId) {
    const res = await fetch(this.session.gateway + `/api/content/reports/${encodeURIComponent(modelId)}`,
      { headers: { Authorization: "Bearer " + this.session.token } });
    if (!res.ok) throw new Error(res.status === 404 ? "Bu model için rapor yok." : `HTTP ${res.status}`);
    return res.text();
  }
}

/** "%42,5" */
export const pct = (v) => (v === null || v === undefined ? "—" : "%" + (v * 100).toFixed(1).replace(".", ","));

export const when = (epoch) => (epoch ? new Date(epoch * 1000).toLocaleString("tr-TR",
  { day: "2-digit", month: "2-digit", year: "numeric", hour: "2-digit", minute: "2-digit" }) : "—");

/** A message for the editor from a failed call (the gateway's Turkish `detail`, problems listed). */
export function problemText(err) {
  return err && err.message ? err.message : String(err);
}

/** Tell the editor (the shell's toast). */
export const flash = (el, text) => emit(el, "console-flash", text);

/** Something changed in the content branch: the other parts refresh. */
export const changed = (el) => emit(el, "content-changed", null);

/** Intent names with their Turkish needs, for choosers: "withdrawal_info — Para çekme hakkında bilgi". */
export const SMALL_TALK = {
  greet: "Selamlaşma", goodbye: "Vedalaşma", thank: "Teşekkür", affirm: "Evet", deny: "Hayır",
  bot_challenge: "Bot mu diye soruyor", out_of_scope: "Konu dışı", inform: "Bilgi veriyor", cancel: "Vazgeçiyor",
  rate: "Puan veriyor", nlu_fallback: "Anlaşılmadı",
};
