// <console-supervisor>: the supervisor's overview (role supervisor). Live: the queue by priority,
// agents online with their chats, tickets close to or past their SLA (every 5 s). Figures of a period:
// CSAT, NPS, containment, hand-off and fallback rates, response and resolution times, SLA breaches,
// topics (most frequent, fastest growing), agents, root causes — with charts drawn in SVG (charts.js).
// The weekly report opens as HTML or downloads as PDF. API: handoff/casinra_handoff/routes_supervisor.py.
import { bars, COLORS, hbars, lines } from "./charts.js";
import { h } from "./dom.js";
import { ensureStyle, slaBadge } from "./tickets.js";

const LIVE_MS = 5000;
const DAY_NAMES = ["Paz", "Pzt", "Sal", "Çar", "Per", "Cum", "Cmt"];
const PRIORITY = { urgent: "Acil", high: "Yüksek", normal: "Normal" };

const pct = (v) => (v === null || v === undefined ? "—" : "%" + (v * 100).toFixed(1).replace(".", ","));
const mins = (s) => (s === null || s === undefined ? "—" : s >= 3 * 3600 ? `${(s / 3600).toFixed(1).replace(".", ",")} sa` : `${(s / 60).toFixed(1).replace(".", ",")} dk`);
const isoDay = (d) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;

function card(label, value, note) {
  return h("div", { class: "kpi" }, h("div", { class: "kpi-label" }, label), h("div", { class: "kpi-value" }, value),
    h("div", { class: "kpi-note" }, note || ""));
}

function table(headers, rows) {
  return h("table", { class: "fig-table" },
    h("thead", null, h("tr", null, ...headers.map((c) => h("th", null, c)))),
    h("tbody", null, ...(rows.length ? rows : [[ "—" ]]).map((r) => h("tr", null, ...r.map((c) => h("td", null, c))))));
}

class ConsoleSupervisor extends HTMLElement {
  start() {
    ensureStyle();
    this.className = "service-page";
    this.period = "week";
    this.week = h("input", { type: "week", "aria-label": "Rapor haftası", value: this.lastWeek() });
    this.live = h("section", { class: "live", "aria-label": "Canlı durum" });
    this.figs = h("section", { class: "figures", "aria-label": "Göstergeler" });
    const periods = h("div", { class: "row", role: "group", "aria-label": "Dönem" },
      ...[["week", "Son 7 gün"], ["month", "Son 4 hafta"]].map(([id, title]) => h("button", {
        type: "button", class: "ghost period", "data-period": id, "aria-pressed": String(id === this.period),
        onclick: () => { this.period = id; for (const b of periods.children) b.setAttribute("aria-pressed", String(b.dataset.period === id)); this.loadFigures(); },
      }, title)));
    this.replaceChildren(
      h("header", { class: "service-head" },
        h("div", null, h("h1", null, "Genel bakış"), h("p", { class: "muted" }, "Canlı kuyruk, temsilciler, SLA riski ve hizmet göstergeleri.")),
        h("div", { class: "row" }, h("label", { class: "small" }, "Haftalık rapor ", this.week),
          h("button", { type: "button", class: "ghost", "data-report": "html", onclick: () => this.report("html") }, "Raporu aç"),
          h("button", { type: "button", class: "primary", "data-report": "pdf", onclick: () => this.report("pdf") }, "PDF indir"))),
      this.live, h("div", { class: "row fig-head" }, h("h2", null, "Göstergeler"), periods), this.figs);
  }

  lastWeek() {
    const d = new Date();
    d.setDate(d.getDate() - ((d.getDay() + 6) % 7) - 7); // last week's Monday
    const thursday = new Date(d); thursday.setDate(d.getDate() + 3);
    const jan4 = new Date(thursday.getFullYear(), 0, 4);
    const week = 1 + Math.round(((thursday - jan4) / 86400000 - 3 + ((jan4.getDay() + 6) % 7)) / 7);
    return `${thursday.getFullYear()}-W${String(week).padStart(2, "0")}`;
  }

  shown(on) {
    clearInterval(this.timer);
    if (!on) return;
    this.loadLive();
    this.loadFigures();
    this.timer = setInterval(() => this.loadLive(), LIVE_MS);
  }

  async loadLive() {
    let live;
    try { live = await this.session.api("/api/supervisor/live"); } catch (e) { this.flash(e.message); return; }
    const q = live.queue.by_priority;
    const agents = live.agents.filter((a) => a.role === "agent");
    this.live.replaceChildren(
      h("div", { class: "kpis" },
        card("Kuyrukta bekleyen", String(live.queue.length), `Acil ${q.urgent} · Yüksek ${q.high} · Normal ${q.normal}`),
        card("Çevrim içi temsilci", String(agents.filter((a) => a.online).length), `${agents.length} temsilciden`),
        card("SLA'sı geçen talep", String(live.sla.breached), `${live.tickets_active} aktif talep`),
        card("SLA'sı dolmak üzere", String(live.sla.at_risk), "hedefin %20'sinden az süre kaldı")),
      h("div", { class: "live-grid" },
        h("div", null, h("h3", null, "Temsilciler"), h("ul", { class: "agents" }, ...agents.map((a) => h("li", null,
          h("span", { class: "dot " + (a.online ? "on" : "off"), "aria-hidden": "true" }), `${a.display_name}`,
          h("span", { class: "muted small" }, a.online ? ` · ${a.chats} sohbet` : " · çevrim dışı"))))),
        h("div", null, h("h3", null, "Kuyruk"), live.queue.items.length ? h("ul", { class: "queue-mini" },
          ...live.queue.items.map((i) => h("li", null, h("span", { class: `prio prio-${i.priority}` }, PRIORITY[i.priority] || i.priority),
            ` ${i.topic_label} · ${Math.round(i.waiting_seconds / 60)} dk`))) : h("p", { class: "muted" }, "Bekleyen sohbet yok.")),
        h("div", null, h("h3", null, "SLA riski"), live.tickets_at_risk.length ? h("ul", { class: "risk" },
          ...live.tickets_at_risk.slice(0, 8).map((t) => h("li", null, h("strong", null, t.reference), ` ${t.kind_label} `, slaBadge(t))))
          : h("p", { class: "muted" }, "Süresi geçen ya da dolmak üzere talep yok."))));
  }

  async loadFigures() {
    const end = new Date(); end.setDate(end.getDate() + 1);
    const start = new Date(end); start.setDate(end.getDate() - (this.period === "week" ? 7 : 28));
    const q = new URLSearchParams({ start: isoDay(start), end: isoDay(end), bucket: this.period === "week" ? "day" : "week" });
    let f;
    try { f = await this.session.api("/api/supervisor/figures?" + q); } catch (e) { this.flash(e.message); return; }
    this.render(f);
  }

  render(f) {
    const t = f.totals;
    const labels = f.series.map((p) => {
      const d = new Date(p.bucket + "T12:00:00");
      return f.period.bucket === "week" ? `${d.getDate()}.${d.getMonth() + 1}` : DAY_NAMES[d.getDay()];
    });
    this.figs.replaceChildren(
      h("div", { class: "kpis" },
        card("Konuşma", String(t.conversations), `${t.player_turns} oyuncu mesajı`),
        card("Botun çözdüğü", pct(t.containment), "temsilcisiz ve anlaşılarak biten"),
        card("Temsilciye aktarma", pct(t.handoff_rate), `${t.handoffs} konuşma`),
        card("Anlaşılamayan mesaj", pct(t.fallback_rate), `${t.fallback_turns} mesaj`),
        card("CSAT", pct(t.csat.share), `${t.csat.count} puan · temsilcili ${pct(t.csat_human.share)}`),
        card("NPS", t.nps.score === null ? "—" : String(t.nps.score).replace(".", ","), `${t.nps.count} yanıt`),
        card("Canlı sohbet ilk yanıt", mins(t.chat_first_response.median), `ortanca · %90: ${mins(t.chat_first_response.p90)}`),
        card("Talep ilk yanıt", mins(t.ticket_first_response.median), `ortanca · ${t.sla_breaches} SLA ihlali`)),
      h("div", { class: "charts" },
        bars(labels, f.series.map((p) => p.conversations), { title: "Konuşmalar" }),
        lines(labels, [["Botun çözdüğü", f.series.map((p) => p.containment), COLORS.bar],
          ["Temsilciye aktarma", f.series.map((p) => p.handoff_rate), COLORS.line],
          ["Anlaşılamayan", f.series.map((p) => p.fallback_rate), COLORS.warn]], { title: "Oranlar" }),
        bars(labels, f.series.map((p) => p.csat), { title: "CSAT (4–5 puan payı)", percent: true, color: COLORS.ok }),
        hbars(f.topics.map((x) => x.label), f.topics.map((x) => x.conversations), f.topics.map((x) => x.previous),
          { title: "Konular (gri: önceki dönem)" })),
      h("p", null, "En hızlı artan konular: ", f.growing.length ? f.growing.map((g) => `${g.label} (+${g.growth})`).join(", ") : "yok"),
      h("div", { class: "tables" },
        h("div", null, h("h3", null, "Temsilciler"), table(["Temsilci", "Sohbet", "CSAT", "İlk yanıt (ortanca)", "İlk yanıt (%90)", "Çözüm (ortanca)"],
          f.agents.map((a) => [a.display_name, String(a.chats), pct(a.csat.share), mins(a.first_response.median), mins(a.first_response.p90), mins(a.resolution.median)]))),
        h("div", null, h("h3", null, "Süreler"), table(["", "Adet", "İlk yanıt", "%90", "Çözüm", "%90"], [
          ["Canlı sohbet", String(t.human_chats), mins(t.chat_first_response.median), mins(t.chat_first_response.p90), mins(t.chat_resolution.median), mins(t.chat_resolution.p90)],
          ["Talepler", String(t.tickets_opened), mins(t.ticket_first_response.median), mins(t.ticket_first_response.p90), mins(t.ticket_resolution.median), mins(t.ticket_resolution.p90)]])),
        h("div", { class: "wide" }, h("h3", null, "Kök nedenler: ardından sorun gelen bot cevapları"),
          table(["Niyet", "Cevap", "Verildi", "Temsilci istendi", "Yeniden soruldu", "Düşük puan", "Sorun payı"],
            f.root_causes.map((r) => [r.intent_label, r.answer || "—", String(r.answers), String(r.handoff), String(r.rephrase), String(r.low_rating), pct(r.share)])))));
  }

  async report(format) {
    const week = this.week.value || "last";
    const res = await fetch(`${this.session.gateway}/api/supervisor/report?week=${encodeURIComponent(week)}&format=${format}`,
      { headers: { Authorization: "Bearer " + this.session.token } });
    if (!res.ok) { this.flash("Rapor hazırlanamadı."); return; }
    const url = URL.createObjectURL(await res.blob());
    if (format === "pdf") {
      const link = h("a", { href: url, download: `haftalik-rapor-${week}.pdf` });
      document.body.append(link);
      link.click();
      link.remove();
    } else {
      window.open(url, "_blank", "noopener");
    }
    setTimeout(() => URL.revokeObjectURL(url), 60000);
  }

  flash(text) { this.dispatchEvent(new CustomEvent("console-flash", { bubbles: true, detail: text })); }
}

if (!customElements.get("console-supervisor")) customElements.define("console-supervisor", ConsoleSupervisor);
