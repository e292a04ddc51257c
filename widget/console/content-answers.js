// <content-answers>: the bot's Turkish answers (`utter_…` in domain.yml), searchable; an editor
// rewords one and the change goes to the content branch (shown under "Değişiklikler").
import { h } from "./dom.js";
import { changed, flash, problemText } from "./content-common.js";

class ContentAnswers extends HTMLElement {
  connectedCallback() {
    if (this.built) return;
    this.built = true;
    this.className = "content-pane";
    this.search = h("input", { type: "search", class: "answer-search", placeholder: "Cevaplarda ara (ad ya da metin)",
      "aria-label": "Cevaplarda ara", oninput: () => this.render() });
    this.list = h("ul", { class: "answer-list" });
    this.replaceChildren(
      h("div", { class: "pane-head" }, h("div", null, h("h2", null, "Cevaplar"),
        h("p", { class: "muted" }, "Botun oyunculara yazdığı metinler. Düzenlediğiniz metin içerik dalına kaydedilir; "
          + "canlıya ancak eğitilip değerlendirilen model alınınca çıkar.")), this.search),
      this.list);
    this.addEventListener("content-changed", () => { this.loaded = false; });
  }

  shown(on) { if (on && !this.loaded) this.load(); }

  async load() {
    this.loaded = true;
    try {
      this.responses = (await this.api.get("/api/content/workspace/info")).responses;
      this.render();
    } catch (err) {
      this.list.replaceChildren(h("li", { class: "empty" }, "Cevaplar yüklenemedi: " + problemText(err)));
    }
  }

  render() {
    const q = this.search.value.trim().toLocaleLowerCase("tr-TR");
    const rows = (this.responses || []).filter((r) => !q || r.name.toLocaleLowerCase("tr-TR").includes(q)
      || r.texts.some((t) => t.toLocaleLowerCase("tr-TR").includes(q)));
    this.list.replaceChildren(...rows.slice(0, 80).map((r) => this.row(r)));
  }

  row(r) {
    return h("li", { class: "answer", "data-response": r.name },
      h("div", { class: "answer-head" }, h("code", null, r.name), h("span", { class: "muted small" }, r.where)),
      ...r.texts.map((text, index) => this.variant(r, text, index)));
  }

  variant(r, text, index) {
    const shown = h("p", { class: "answer-text" }, text);
    const box = h("div", { class: "answer-variant" }, shown);
    const edit = h("button", { type: "button", class: "ghost", onclick: () => {
      const area = h("textarea", { rows: "4", "aria-label": `${r.name} metni`, maxlength: "2000" });
      area.value = text;
      const save = h("button", { type: "button", class: "primary", onclick: async () => {
        save.disabled = true;
        try {
          const out = await this.api.post("/api/content/responses", { response: r.name, index, text: area.value });
          r.texts[index] = out.text;
          flash(this, `${r.name} güncellendi (${out.file}:${out.line}); kaydetmek için “Değişiklikler”e gidin.`);
          changed(this);
          box.replaceWith(this.variant(r, out.text, index));
        } catch (err) { flash(this, problemText(err)); save.disabled = false; }
      } }, "Değişikliği yaz");
      const cancel = h("button", { type: "button", class: "ghost", onclick: () => box.replaceWith(this.variant(r, text, index)) }, "Vazgeç");
      box.replaceChildren(area, h("div", { class: "row" }, save, cancel));
      area.focus();
    } }, "Düzenle");
    box.append(edit);
    return box;
  }
}

if (!customElements.get("content-answers")) customElements.define("content-answers", ContentAnswers);
