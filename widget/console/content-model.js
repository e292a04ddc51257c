// <content-model>: from the content branch to the live model. Validate and train (one job at a time,
// with a progress bar), evaluate a candidate beside the live model (the HTML report in a sandboxed
// frame), run the conversation journeys, promote behind the guard (or force it with a written reason),
// see which model each Rasa replica serves, the history, and roll back in one click.
import { h } from "./dom.js";
import { flash, pct, problemText, when } from "./content-common.js";

const POLL_MS = 1000;
const REPLICAS_MS = 5000;
const ACTIONS = { build: "Derleme (make train)", promote: "Canlıya alındı", rollback: "Geri dönüldü" };

class ContentModel extends HTMLElement {
  connectedCallback() {
    if (this.built) return;
    this.built = true;
    this.className = "content-pane model-pane";
    this.liveBox = h("div", { class: "live-card", role: "status" }, "Yükleniyor…");
    this.replicaRows = h("tbody");
    this.job = h("div", { class: "job", hidden: true, role: "status", "aria-live": "polite" });
    this.problems = h("div", { class: "problems" });
    this.candidateRows = h("tbody");
    this.promoteBox = h("div", { class: "promote-box", hidden: true });
    this.reportBox = h("div", { class: "report-box", hidden: true });
    this.historyRows = h("tbody");
    this.rollbackBtn = h("button", { type: "button", class: "ghost danger", onclick: () => this.rollback() }, "Önceki modele dön");
    this.replaceChildren(
      h("div", { class: "pane-head" }, h("div", null, h("h2", null, "Model"),
        h("p", { class: "muted" }, "İçerik dalından aday model eğitin, canlı modelle karşılaştırın, iyiyse canlıya alın.")),
      this.rollbackBtn),
      h("div", { class: "model-grid" },
        h("section", { class: "box" }, h("h3", null, "Canlı model"), this.liveBox,
          h("table", { class: "replicas" }, h("caption", null, "Rasa sunucuları"),
            h("thead", null, h("tr", null, h("th", null, "Sunucu"), h("th", null, "Yüklü model"), h("th", null, "Durum"))),
            this.replicaRows)),
        h("section", { class: "box" }, h("h3", null, "Adımlar"),
          h("div", { class: "steps" },
            h("button", { type: "button", class: "primary", "data-job": "validate", onclick: () => this.run("validate") }, "1. Doğrula"),
            h("button", { type: "button", class: "primary", "data-job": "train", onclick: () => this.run("train") }, "2. Eğit")),
          this.job, this.problems)),
      h("section", { class: "box" }, h("h3", null, "Aday modeller"),
        h("table", { class: "candidates" },
          h("thead", null, h("tr", null, h("th", null, "Aday"), h("th", null, "Eğitildi"), h("th", null, "Değerlendirme"), h("th", null, ""))),
          this.candidateRows),
        this.promoteBox, this.reportBox),
      h("section", { class: "box" }, h("h3", null, "Geçmiş"),
        h("table", { class: "history" },
          h("thead", null, h("tr", null, h("th", null, "Zaman"), h("th", null, "İşlem"), h("th", null, "Model"), h("th", null, "Kim"), h("th", null, "Gerekçe"))),
          this.historyRows)));
  }

  shown(on) {
    clearInterval(this.replicaTimer);
    if (!on) return;
    this.refresh();
    this.replicaTimer = setInterval(() => this.replicas(), REPLICAS_MS);
  }

  disconnectedCallback() {
    clearInterval(this.replicaTimer);
    clearTimeout(this.pollTimer);
  }

  async refresh() {
    await Promise.all([this.registry(), this.replicas(), this.candidates(), this.resumeJob()]);
  }

  // ---------------------------------------------------------------- registry, replicas, history
  async registry() {
    try {
      const reg = await this.api.get("/api/models");
      this.live = reg.live;
      const live = reg.live;
      this.liveBox.replaceChildren(live
        ? h("div", null, h("code", { class: "model-id" }, live.id), " ", h("span", null, live.name),
          h("p", { class: "muted small" }, `${live.source === "build" ? "make train ile derlendi" : "içerik dalından"} · ${when(live.added_at)}`))
        : h("p", { class: "muted" }, "Kayıtlı canlı model yok."));
      this.historyRows.replaceChildren(...reg.history.map((e) => h("tr", { class: e.forced ? "forced" : "" },
        h("td", null, when(e.at)), h("td", null, ACTIONS[e.action] || e.action, e.forced ? h("span", { class: "badge bad" }, "zorlandı") : null),
        h("td", null, h("code", null, e.model)), h("td", null, e.actor || "sistem"), h("td", null, e.reason || ""))));
      const back = reg.history.find((e) => e.model === (live && live.id) && e.previous && e.previous !== e.model);
      this.rollbackBtn.disabled = !back;
      this.rollbackBtn.title = back ? `Canlı model ${back.previous} olur` : "Dönülecek önceki model yok";
    } catch (err) { this.liveBox.textContent = "Kayıt okunamadı: " + problemText(err); }
  }

  async replicas() {
    try {
      const out = await this.api.get("/api/models/replicas");
      this.replicaRows.replaceChildren(...out.replicas.map((r) => h("tr", { "data-replica": r.url },
        h("td", null, r.url),
        h("td", null, r.model_id ? h("code", null, r.model_id) : (r.model_file || "—")),
        h("td", null, !r.ok ? h("span", { class: "badge bad" }, r.error || "ulaşılamıyor")
          : r.live ? h("span", { class: "badge ok" }, "canlı modelde") : h("span", { class: "badge warn" }, "güncelleniyor…")))));
    } catch (_) { /* the next tick tries again */ }
  }

  // ---------------------------------------------------------------- candidates
  async candidates() {
    try {
      const list = await this.api.get("/api/content/candidates");
      this.candidateRows.replaceChildren(...(list.length ? list.map((c) => this.candidateRow(c))
        : [h("tr", null, h("td", { colspan: "4", class: "empty" }, "Henüz aday yok: “2. Eğit” ile bir tane eğitin."))]));
    } catch (err) { flash(this, problemText(err)); }
  }

  candidateRow(c) {
    const name = c.name;
    const live = this.live && this.live.id === c.id;
    return h("tr", { "data-candidate": name },
      h("td", null, h("strong", null, name), h("br"), h("code", { class: "small" }, c.id), live ? h("span", { class: "badge ok" }, "canlı") : null),
      h("td", null, when(c.trained_at), h("br"), h("span", { class: "muted small" }, c.commit ? "commit " + c.commit.slice(0, 8) : "")),
      h("td", null, c.report ? h("button", { type: "button", class: "ghost", "data-act": "report", onclick: () => this.showReport(c) }, "Raporu göster")
        : h("span", { class: "muted" }, "değerlendirilmedi")),
      h("td", { class: "row" },
        h("button", { type: "button", class: "ghost", "data-act": "evaluate", onclick: () => this.run("evaluate", name) }, "Değerlendir"),
        h("button", { type: "button", class: "ghost", "data-act": "journeys", onclick: () => this.run("journeys", name), title: "Birkaç dakika sürer" }, "Yolculuklar"),
        h("button", { type: "button", class: "primary", "data-act": "promote", disabled: live, onclick: () => this.promote(c) }, "Canlıya al")));
  }

  async showReport(c) {
    this.reportBox.hidden = false;
    this.reportBox.replaceChildren(h("p", { class: "muted" }, "Rapor yükleniyor…"));
    try {
      const html = await this.api.reportHtml(c.id);
      const frame = h("iframe", { class: "report-frame", title: `${c.name} değerlendirme raporu`, sandbox: "" });
      frame.srcdoc = html;
      this.reportBox.replaceChildren(h("div", { class: "row" }, h("h3", null, `Rapor: ${c.name}`),
        h("button", { type: "button", class: "ghost", onclick: () => { this.reportBox.hidden = true; } }, "Kapat")), frame);
      frame.scrollIntoView({ block: "start", behavior: "smooth" });
    } catch (err) { this.reportBox.replaceChildren(h("p", { class: "bad" }, problemText(err))); }
  }

  // ---------------------------------------------------------------- jobs
  async run(kind, model) {
    try {
      const job = await this.api.post("/api/content/jobs", model ? { kind, model } : { kind });
      this.follow(job);
    } catch (err) { flash(this, problemText(err)); }
  }

  async resumeJob() {
    try {
      const [last] = await this.api.get("/api/content/jobs");
      if (last && last.state === "running") this.follow(last);
      else if (last) this.showJob(last);
    } catch (_) { /* nothing running */ }
  }

  follow(job) {
    clearTimeout(this.pollTimer);
    this.showJob(job);
    if (job.state !== "running") { this.finished(job); return; }
    this.pollTimer = setTimeout(async () => {
      try { this.follow(await this.api.get(`/api/content/jobs/${job.id}`)); } catch (err) { flash(this, problemText(err)); }
    }, POLL_MS);
  }

  showJob(job) {
    const percent = Math.round((job.progress || 0) * 100);
    this.job.hidden = false;
    this.job.dataset.state = job.state;
    this.job.dataset.kind = job.kind;
    this.job.replaceChildren(
      h("div", { class: "job-head" }, h("strong", null, job.label),
        h("span", { class: "muted small" }, job.state === "running" ? job.step : job.state === "done" ? "bitti" : "başarısız")),
      h("div", { class: "progress", role: "progressbar", "aria-valuemin": "0", "aria-valuemax": "100", "aria-valuenow": String(percent),
        "aria-label": job.label }, h("span", { style: `width:${percent}%` })),
      ...(job.error ? [h("p", { class: "bad" }, job.error)] : []));
    for (const b of this.querySelectorAll("[data-job], [data-act=evaluate], [data-act=journeys]")) b.disabled = job.state === "running";
  }

  finished(job) {
    if (job.state !== "done" || this.shownDone === job.id) return;
    this.shownDone = job.id;
    const r = job.result || {};
    if (job.kind === "validate") this.showProblems(r);
    if (job.kind === "train") { flash(this, `Aday hazır: ${r.name}`); this.candidates(); }
    if (job.kind === "evaluate") { this.candidates().then(() => this.showReport({ id: r.candidate, name: r.candidate })); }
    if (job.kind === "journeys") { flash(this, `Yolculuklar: ${r.turns_passed}/${r.turns} tur doğru`); }
  }

  showProblems(r) {
    const problems = r.problems || [];
    this.problems.replaceChildren(
      h("p", { class: r.ok ? "ok" : "bad" }, r.ok ? `Veri geçerli (${r.warnings} uyarı).` : `${r.errors} hata, ${r.warnings} uyarı.`),
      h("ul", { class: "problem-list" }, ...problems.map((p) => h("li", { class: p.severity === "hata" ? "error" : "warning" },
        h("span", { class: "sev" }, p.severity), p.where ? h("code", null, p.where) : null, " ", p.message))));
  }

  // ---------------------------------------------------------------- promote, rollback
  async promote(c) {
    this.promoteBox.hidden = false;
    this.promoteBox.replaceChildren(h("p", { class: "muted" }, "Korumalar denetleniyor…"));
    let check;
    try {
      check = await this.api.get(`/api/models/check?candidate=${encodeURIComponent(c.name)}`);
    } catch (err) { this.promoteBox.replaceChildren(h("p", { class: "bad" }, problemText(err))); return; }
    const reason = h("textarea", { rows: "2", class: "force-reason", "aria-label": "Zorlama gerekçesi",
      placeholder: "Neden yine de canlıya alınmalı? (denetim kaydına yazılır)" });
    const force = h("input", { type: "checkbox", class: "force" });
    const go = h("button", { type: "button", class: "primary", "data-act": "confirm-promote", onclick: async () => {
      go.disabled = true;
      const out = await this.api.call("POST", "/api/models/promote", { candidate: c.name, force: force.checked, reason: reason.value });
      go.disabled = false;
      if (out.ok) {
        flash(this, `${out.body.live.id} canlıya alındı; Rasa sunucuları birkaç saniye içinde yükler.`);
        this.promoteBox.hidden = true;
        this.refresh();
        return;
      }
      const detail = out.body.detail;
      this.promoteBox.querySelector(".promote-result").replaceChildren(...(typeof detail === "string" ? [h("p", { class: "bad" }, detail)]
        : [h("p", { class: "bad" }, detail.message), h("ul", null, ...detail.problems.map((p) => h("li", null, p.message)))]));
    } }, check.ok ? "Canlıya al" : "Yine de canlıya al");
    this.promoteBox.replaceChildren(
      h("h3", null, `Canlıya alma: ${c.name}`),
      check.ok
        ? h("p", { class: "ok" }, `Korumalardan geçti (${check.guards.join(", ")}; izin verilen düşüş ${(check.margin * 100).toFixed(1)} puan).`)
        : h("div", { class: "refused" }, h("p", { class: "bad" }, "Bu aday korumalardan geçemiyor:"),
          h("ul", null, ...check.problems.map((p) => h("li", { "data-problem": p.code }, p.message))),
          h("label", { class: "row" }, force, " Korumaları bilerek aş (gerekçe zorunlu, denetlenir)"), reason),
      h("div", { class: "row" }, go, h("button", { type: "button", class: "ghost", onclick: () => { this.promoteBox.hidden = true; } }, "Vazgeç")),
      h("div", { class: "promote-result" }));
  }

  async rollback() {
    this.rollbackBtn.disabled = true;
    try {
      const out = await this.api.post("/api/models/rollback", {});
      flash(this, `Geri dönüldü: canlı model ${out.live.id}.`);
      this.refresh();
    } catch (err) { flash(this, problemText(err)); this.rollbackBtn.disabled = false; }
  }
}

if (!customElements.get("content-model")) customElements.define("content-model", ContentModel);
