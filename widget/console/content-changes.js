// <content-changes>: every pending change of the content branch as a readable diff, committed with
// the editor's name and a message (or thrown away); below, the branch's commits waiting for review.
import { h } from "./dom.js";
import { changed, flash, problemText, when } from "./content-common.js";

class ContentChanges extends HTMLElement {
  connectedCallback() {
    if (this.built) return;
    this.built = true;
    this.className = "content-pane";
    this.status = h("p", { class: "muted", role: "status" });
    this.diff = h("div", { class: "diff", "aria-label": "Bekleyen değişiklikler" });
    this.message = h("input", { class: "commit-message", placeholder: "Ne değiştirdiniz? (ör. Çekim sorularına 3 örnek eklendi)",
      "aria-label": "Açıklama", maxlength: "500" });
    this.commitBtn = h("button", { type: "button", class: "primary", onclick: () => this.commit() }, "Kaydet (commit)");
    this.discardBtn = h("button", { type: "button", class: "ghost", onclick: () => this.discard() }, "Hepsini geri al");
    this.commits = h("ol", { class: "commits" });
    this.replaceChildren(
      h("div", { class: "pane-head" }, h("div", null, h("h2", null, "Değişiklikler"), this.status)),
      this.diff,
      h("div", { class: "commit-row" }, this.message, this.commitBtn, this.discardBtn),
      h("h3", null, "İçerik dalındaki kayıtlar"),
      h("p", { class: "muted small" }, "Bu kayıtlar “content” dalında durur; geliştiriciler gözden geçirip ana dala alır."),
      this.commits);
  }

  shown(on) { if (on) this.load(); }

  async load() {
    try {
      const [diff, ws] = await Promise.all([this.api.get("/api/content/workspace/diff"), this.api.get("/api/content/workspace")]);
      this.render(diff, ws);
    } catch (err) {
      this.status.textContent = "Değişiklikler yüklenemedi: " + problemText(err);
    }
  }

  render(diff, ws) {
    const n = diff.changed.length;
    this.status.textContent = (n ? `${n} dosyada kaydedilmemiş değişiklik` : "Kaydedilmemiş değişiklik yok")
      + ` · “${ws.branch}” dalı ana daldan ${ws.ahead} kayıt ileride` + (ws.behind ? `, ${ws.behind} kayıt geride` : "");
    this.commitBtn.disabled = this.discardBtn.disabled = !n;
    this.diff.replaceChildren(...(diff.files.length ? diff.files.map((f) => this.file(f))
      : [h("p", { class: "empty" }, "Gelen kutusundan örnek ekleyin ya da bir cevabı düzenleyin; değişiklikler burada görünür.")]));
    this.commits.replaceChildren(...ws.commits.map((c) => h("li", null,
      h("code", null, c.sha.slice(0, 8)), " ", h("strong", null, c.message),
      h("span", { class: "muted small" }, ` — ${c.author}, ${when(c.at)}`))));
    if (!ws.commits.length) this.commits.append(h("li", { class: "empty" }, "Henüz kayıt yok."));
  }

  file(f) {
    return h("section", { class: "diff-file" },
      h("h3", null, f.path),
      ...f.hunks.map((hunk) => h("table", { class: "hunk" },
        h("tbody", null, ...hunk.lines.map((line) => h("tr", { class: "l-" + ({ "+": "add", "-": "del" }[line.kind] || "ctx") },
          h("td", { class: "ln" }, line.old ?? ""), h("td", { class: "ln" }, line.new ?? ""),
          h("td", { class: "sign", "aria-label": { "+": "eklendi", "-": "silindi" }[line.kind] || null }, line.kind.trim()),
          h("td", { class: "code" }, line.text)))))));
  }

  async commit() {
    this.commitBtn.disabled = true;
    try {
      const out = await this.api.post("/api/content/commit", { message: this.message.value });
      flash(this, `Kaydedildi: ${out.sha.slice(0, 8)} — ${out.message}`);
      this.message.value = "";
      changed(this);
      await this.load();
    } catch (err) {
      flash(this, problemText(err));
      this.commitBtn.disabled = false;
    }
  }

  async discard() {
    if (this.discardBtn.dataset.armed !== "1") {  // a second click confirms
      this.discardBtn.dataset.armed = "1";
      this.discardBtn.textContent = "Emin misiniz? Tekrar tıklayın";
      setTimeout(() => { delete this.discardBtn.dataset.armed; this.discardBtn.textContent = "Hepsini geri al"; }, 4000);
      return;
    }
    delete this.discardBtn.dataset.armed;
    this.discardBtn.textContent = "Hepsini geri al";
    try {
      await this.api.post("/api/content/discard");
      flash(this, "Değişiklikler geri alındı.");
      changed(this);
      await this.load();
    } catch (err) { flash(this, problemText(err)); }
  }
}

if (!customElements.get("content-changes")) customElements.define("content-changes", ContentChanges);
