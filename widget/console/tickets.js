// <console-tickets>: the tickets page (roles agent and supervisor). The list puts tickets past their
// SLA first, then those close to it; one ticket shows its mail thread, notes, attachments and status
// history; the agent takes it, answers by e-mail (the answer goes out by SMTP), writes a note or closes
// it. API: handoff/casinra_handoff/routes_tickets.py. Player text is always set as text, never as HTML.
import { h } from "./dom.js";

const STYLE_ID = "service-css";
const REFRESH_MS = 15000;
const STATUSES = [["active", "Aktif"], ["open", "Açık"], ["in_progress", "İnceleniyor"], ["answered", "Yanıtlandı"],
  ["closed", "Kapalı"]];
const KINDS = [["", "Tüm türler"], ["email", "E-posta talebi"], ["callback", "Geri arama"], ["complaint", "Şikâyet"],
  ["fraud", "Dolandırıcılık bildirimi"], ["privacy", "KVKK başvurusu"], ["bonus_dispute", "Bonus itirazı"]];

export function ensureStyle() {
  if (!document.getElementById(STYLE_ID)) {
    document.head.append(h("link", { id: STYLE_ID, rel: "stylesheet", href: "/widget/console/service.css" }));
  }
}

/** "3 sa 20 dk kaldı" / "5 sa gecikti" from seconds left. */
export function left(seconds) {
  if (seconds === null || seconds === undefined) return "";
  const late = seconds < 0, s = Math.abs(seconds);
  const d = Math.floor(s / 86400), hr = Math.floor((s % 86400) / 3600), m = Math.floor((s % 3600) / 60);
  const text = d ? `${d} gün ${hr} sa` : hr ? `${hr} sa ${m} dk` : `${m} dk`;
  return late ? `${text} gecikti` : `${text} kaldı`;
}

export const when = (iso) => (iso ? new Date(iso).toLocaleString("tr-TR",
  { day: "2-digit", month: "2-digit", year: "numeric", hour: "2-digit", minute: "2-digit" }) : "—");

export function slaBadge(t) {
  return h("span", { class: `sla sla-${t.sla_state}`, title: t.due_at ? `Hedef: ${when(t.due_at)}` : "" },
    t.sla_label, t.seconds_left !== null && t.seconds_left !== undefined ? ` · ${left(t.seconds_left)}` : "");
}

class ConsoleTickets extends HTMLElement {
  start() {
    ensureStyle();
    this.className = "service-page";
    this.filters = { status: "active", kind: "", mine: false };
    this.status = h("select", { "aria-label": "Durum", onchange: (e) => { this.filters.status = e.target.value; this.load(); } },
      ...STATUSES.map(([v, t]) => h("option", { value: v }, t)));
    this.kind = h("select", { "aria-label": "Tür", onchange: (e) => { this.filters.kind = e.target.value; this.load(); } },
      ...KINDS.map(([v, t]) => h("option", { value: v }, t)));
    this.mine = h("input", { type: "checkbox", onchange: (e) => { this.filters.mine = e.target.checked; this.load(); } });
    this.counts = h("div", { class: "sla-counts", role: "status" });
    this.list = h("div", { class: "ticket-list" });
    this.detail = h("section", { class: "ticket-detail", "aria-live": "polite" },
      h("p", { class: "muted" }, "Ayrıntıları görmek için bir talep seçin."));
    this.replaceChildren(
      h("header", { class: "service-head" },
        h("div", null, h("h1", null, "Talepler"),
          h("p", { class: "muted" }, "E-posta, geri arama, şikâyet, KVKK, dolandırıcılık ve bonus itirazı talepleri; süresi geçen ve dolmak üzere olanlar en üstte.")),
        h("div", { class: "row" }, this.status, this.kind,
          h("label", { class: "row small" }, this.mine, "Yalnızca benimkiler"),
          h("button", { type: "button", class: "ghost", onclick: () => this.load() }, "Yenile"))),
      this.counts,
      h("div", { class: "ticket-split" }, this.list, this.detail));
  }

  shown(on) {
    clearInterval(this.timer);
    if (on) {
      this.load();
      this.timer = setInterval(() => this.load(), REFRESH_MS);
    }
  }

  async load() {
    const q = new URLSearchParams({ status: this.filters.status });
    if (this.filters.kind) q.set("kind", this.filters.kind);
    if (this.filters.mine) q.set("mine", "true");
    let data;
    try { data = await this.session.api("/api/tickets?" + q); } catch (e) { this.flash(e.message); return; }
    this.counts.replaceChildren(
      h("span", { class: "sla sla-breached" }, `Süresi geçen: ${data.sla.breached}`),
      h("span", { class: "sla sla-at_risk" }, `Dolmak üzere: ${data.sla.at_risk}`),
      h("span", { class: "sla sla-ok" }, `Süresinde: ${data.sla.ok}`));
    this.renderList(data.items);
    if (this.current) this.open(this.current, false);
  }

  renderList(items) {
    if (!items.length) { this.list.replaceChildren(h("p", { class: "muted" }, "Bu filtreye uyan talep yok.")); return; }
    const rows = items.map((t) => h("tr", {
      class: "ticket-row" + (t.reference === this.current ? " selected" : ""), tabindex: "0", "data-ref": t.reference,
      onclick: () => this.open(t.reference), onkeydown: (e) => { if (e.key === "Enter") this.open(t.reference); },
    },
    h("td", null, h("strong", null, t.reference), h("div", { class: "small muted" }, t.kind_label)),
    h("td", null, t.subject || "—", h("div", { class: "small muted" }, t.player ? `${t.player.name} (${t.player.id})` : (t.contact_email || "Misafir"))),
    h("td", null, h("span", { class: `prio prio-${t.priority}` }, t.priority_label)),
    h("td", null, t.status_label, h("div", { class: "small muted" }, t.assigned_agent || "atanmadı")),
    h("td", null, slaBadge(t))));
    this.list.replaceChildren(h("table", { class: "ticket-table" },
      h("thead", null, h("tr", null, ...["Talep", "Konu", "Öncelik", "Durum", "SLA"].map((c) => h("th", null, c)))),
      h("tbody", null, ...rows)));
  }

  async open(reference, focus = true) {
    this.current = reference;
    for (const row of this.list.querySelectorAll(".ticket-row")) row.classList.toggle("selected", row.dataset.ref === reference);
    let t;
    try { t = await this.session.api(`/api/tickets/${encodeURIComponent(reference)}`); } catch (e) { this.flash(e.message); return; }
    const mine = t.assigned_agent === this.agent.username;
    const closed = t.status === "closed";
    const answer = h("textarea", { rows: 5, placeholder: t.contact_email ? `Yanıtınız ${t.contact_email} adresine e-posta ile gider.` : "Bu talepte e-posta adresi yok.", "aria-label": "Yanıt" });
    const note = h("textarea", { rows: 2, placeholder: "İç not (oyuncu görmez)", "aria-label": "İç not" });
    const act = async (path, body, ok) => {
      try { await this.session.api(`/api/tickets/${encodeURIComponent(reference)}/${path}`, { method: "POST", body: JSON.stringify(body || {}) }); }
      catch (e) { this.flash(e.message); return; }
      if (ok) this.flash(ok);
      await this.load();
      this.open(reference);
    };
    const send = (close) => {
      if (!answer.value.trim()) { answer.focus(); return; }
      act("answer", { text: answer.value, close }, close ? "Yanıt gönderildi, talep kapatıldı." : "Yanıt e-posta ile gönderiliyor.");
    };
    // replaceChildren would show a null as the text "null": the parts not shown are dropped first
    this.detail.replaceChildren(...[
      h("header", { class: "detail-head" },
        h("h2", null, `${t.kind_label} · ${t.reference}`),
        h("div", { class: "row" }, h("span", { class: `prio prio-${t.priority}` }, t.priority_label), slaBadge(t),
          h("span", { class: "muted small" }, `Durum: ${t.status_label}`))),
      h("dl", { class: "facts" },
        h("dt", null, "Oyuncu"), h("dd", null, t.player ? `${t.player.name} (${t.player.id})` : "Misafir"),
        h("dt", null, "E-posta"), h("dd", null, t.contact_email || "—"),
        t.contact_phone_masked ? [h("dt", null, "Telefon"), h("dd", null, t.contact_phone_masked)] : null,
        t.preferred_window ? [h("dt", null, "Uygun saat"), h("dd", null, t.preferred_window)] : null,
        t.transaction_id ? [h("dt", null, "İşlem"), h("dd", null, t.transaction_id)] : null,
        h("dt", null, "Açıldı"), h("dd", null, when(t.created_at)),
        h("dt", null, "Hedef"), h("dd", null, t.due_at ? `${when(t.due_at)} (${t.sla_target_hours} saat)` : (t.status === "answered" ? "Oyuncunun yanıtı bekleniyor" : "—")),
        h("dt", null, "Sorumlu"), h("dd", null, t.assigned_agent || "atanmadı")),
      t.description ? h("p", { class: "description" }, t.description) : null,
      h("div", { class: "row" },
        !closed && !mine ? h("button", { type: "button", class: "primary", onclick: () => act("take", null, "Talep sizde.") }, "Üzerime al") : null,
        !closed && mine ? h("button", { type: "button", class: "ghost danger", onclick: () => act("close", { note: note.value || null }, "Talep kapatıldı.") }, "Kapat") : null),
      h("h3", null, "Yazışma"),
      h("ol", { class: "thread" }, ...t.thread.map((m) => this.message(m, mine))),
      !closed && mine && t.contact_email ? h("div", { class: "reply" }, answer,
        h("div", { class: "row" },
          h("button", { type: "button", class: "primary", onclick: () => send(false) }, "Yanıtla (e-posta)"),
          h("button", { type: "button", class: "ghost", onclick: () => send(true) }, "Yanıtla ve kapat"))) : null,
      !closed && !mine ? h("p", { class: "muted small" }, "Yanıtlamak için önce talebi üzerinize alın.") : null,
      h("div", { class: "reply" }, note,
        h("button", { type: "button", class: "ghost", onclick: () => { if (note.value.trim()) act("note", { text: note.value }, "Not eklendi."); } }, "Not ekle")),
      h("h3", null, "Durum geçmişi"),
      h("ol", { class: "history" }, ...t.history.map((e) => h("li", null,
        h("span", { class: "muted small" }, when(e.at)), " ",
        `${e.to_label || e.to}`, e.actor ? ` — ${e.actor}` : "",
        e.due_at ? h("span", { class: "muted small" }, ` (hedef ${when(e.due_at)})`) : null))),
    ].filter(Boolean));
    if (focus) this.detail.querySelector("h2").setAttribute("tabindex", "-1");
  }

  message(m, mine) {
    const who = m.direction === "in" ? "Oyuncu" : m.direction === "note" ? `Not · ${m.author || ""}` :
      m.author_type === "system" ? "Otomatik onay" : (m.author || "Temsilci");
    const state = m.direction === "out" ? { queued: "gönderiliyor", sent: "gönderildi", failed: "gönderilemedi" }[m.mail_state] : null;
    return h("li", { class: `msg msg-${m.direction}` },
      h("div", { class: "msg-head" }, h("strong", null, who), h("span", { class: "muted small" }, ` ${when(m.at)}`),
        state ? h("span", { class: `mail-state ${m.mail_state}` }, state) : null),
      m.subject ? h("div", { class: "small muted" }, m.subject) : null,
      h("pre", { class: "msg-body" }, m.body || ""),
      m.attachments.length ? h("ul", { class: "files" }, ...m.attachments.map((a) => h("li", null,
        mine ? h("button", { type: "button", class: "ghost small", onclick: () => this.download(a) }, `📎 ${a.name}`)
          : h("span", { class: "muted small" }, `📎 ${a.name} (yalnızca talebin sorumlusu açabilir)`)))) : null);
  }

  async download(a) {
    const res = await fetch(`${this.session.gateway}/api/ticket-attachments/${encodeURIComponent(a.id)}`,
      { headers: { Authorization: "Bearer " + this.session.token } });
    if (!res.ok) { this.flash("Dosya açılamadı."); return; }
    const url = URL.createObjectURL(await res.blob());
    const link = h("a", { href: url, download: a.name });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  }

  flash(text) { this.dispatchEvent(new CustomEvent("console-flash", { bubbles: true, detail: text })); }
}

if (!customElements.get("console-tickets")) customElements.define("console-tickets", ConsoleTickets);
