// <content-inbox>: what players wrote that the bot missed — grouped (most frequent first), masked by
// the server. Each group: the message, how many times, why it is here, the model's top three intents,
// the conversation around it; the editor labels it with an intent (or out of scope), adds it as a
// training example, confirms a safety escalation, or ignores it.
import { h } from "./dom.js";
import { changed, flash, pct, problemText, SMALL_TALK, when } from "./content-common.js";

const OUT_OF_SCOPE = "out_of_scope";

class ContentInbox extends HTMLElement {
  connectedCallback() {
    if (this.built) return;
    this.built = true;
    this.className = "content-pane";
    this.summary = h("p", { class: "muted", role: "status" }, "Yükleniyor…");
    this.list = h("ol", { class: "inbox-list", "aria-label": "İncelenecek mesaj grupları" });
    this.replaceChildren(
      h("div", { class: "pane-head" },
        h("div", null, h("h2", null, "Gelen kutusu"), this.summary),
        h("button", { type: "button", class: "ghost", onclick: () => this.load() }, "Yenile")),
      h("p", { class: "muted small" }, "Kişisel veriler (kart, IBAN, T.C. kimlik no, telefon, e-posta, oyuncu adı) "
        + "gösterilmeden önce maskelenir. Benzer mesajlar tek grupta sayılır."),
      this.list);
  }

  shown(on) {
    if (on && !this.loaded) this.load();
  }

  async load() {
    this.loaded = true;
    this.summary.textContent = "Konuşmalar taranıyor…";
    try {
      const [inbox, info] = await Promise.all([this.api.get("/api/content/inbox"), this.intents()]);
      this.info = info;
      this.render(inbox);
    } catch (err) {
      this.summary.textContent = "Gelen kutusu yüklenemedi: " + problemText(err);
    }
  }

  async intents() {
    const info = await this.api.get("/api/content/workspace/info");
    const names = [...new Set([...info.intents, ...info.retrieval])].filter((n) => !n.startsWith("EXTERNAL_")).sort();
    return { ...info, names };
  }

  render(inbox) {
    const groups = inbox.groups || [];
    this.summary.textContent = groups.length
      ? `${groups.length} grup · ${inbox.messages} mesaj · ${inbox.conversations} konuşma tarandı`
      : `İncelenecek mesaj yok (${inbox.conversations} konuşma tarandı).`;
    this.list.replaceChildren(...groups.map((g) => this.card(g)));
  }

  card(g) {
    const safety = g.reasons.some((r) => r.code === "safety");
    const top = g.top_intents[0] ? g.top_intents[0].name : "";
    const names = this.info.names;
    const guess = [g.retrieval, top !== "nlu_fallback" && top, OUT_OF_SCOPE, names[0]].find((n) => n && names.includes(n));
    const select = h("select", { class: "intent-select", "aria-label": "Niyet" },
      ...this.info.names.map((n) => h("option", { value: n, selected: n === guess }, this.intentTitle(n))));
    const text = h("input", { class: "example-text", value: g.text, "aria-label": "Eğitime eklenecek cümle", maxlength: "300" });
    const li = h("li", { class: "inbox-card" + (safety ? " safety" : ""), "data-group": g.id });
    const act = async (action) => {
      const body = { keys: g.keys, action };
      if (action === "label" || action === "example") body.intent = select.value;
      if (action === "example") body.text = text.value;
      for (const b of li.querySelectorAll("button")) b.disabled = true;
      try {
        const out = await this.api.post("/api/content/inbox/decide", body);
        li.remove();
        const done = { example: `“${text.value}” ${select.value} niyetine eklendi (${out.added.file}:${out.added.line}).`,
          label: `Grup ${select.value} olarak etiketlendi.`, confirm: "Güvenlik yükseltmesi doğrulandı.",
          ignore: "Grup yok sayıldı." }[action];
        flash(this, done);
        if (action === "example") changed(this);
      } catch (err) {
        flash(this, problemText(err));
        for (const b of li.querySelectorAll("button")) b.disabled = false;
      }
    };
    li.append(...[
      h("div", { class: "card-top" },
        h("span", { class: "times", title: `${g.conversations} konuşmada` }, `${g.count}×`),
        h("q", { class: "said" }, g.text),
        h("span", { class: "muted small" }, "son: " + when(g.last_seen))),
      h("ul", { class: "reasons", "aria-label": "Neden burada" },
        ...g.reasons.map((r) => h("li", { class: "reason " + r.code }, r.label + (r.count > 1 ? ` (${r.count})` : "")))),
      h("div", { class: "model-guess" },
        h("span", { class: "muted small" }, "Modelin ilk üç tahmini"),
        ...g.top_intents.map((i) => h("div", { class: "guess" },
          h("span", { class: "guess-name" }, this.intentTitle(i.name)),
          h("span", { class: "bar", "aria-hidden": "true" }, h("span", { style: `width:${Math.round(i.confidence * 100)}%` })),
          h("span", { class: "guess-pct" }, pct(i.confidence)))),
        g.answer ? h("p", { class: "small" }, "Botun cevabı: ", h("code", null, g.answer)) : null),
      this.context(g),
      h("div", { class: "decide" },
        h("label", null, "Doğru niyet ", select),
        h("label", { class: "grow" }, "Cümle ", text),
        h("div", { class: "decide-buttons" },
          h("button", { type: "button", class: "primary", "data-action": "example", onclick: () => act("example") }, "Eğitime ekle"),
          h("button", { type: "button", class: "ghost", "data-action": "label", onclick: () => act("label") }, "Yalnızca etiketle"),
          safety ? h("button", { type: "button", class: "ghost", "data-action": "confirm", onclick: () => act("confirm") }, "Yükseltme doğru") : null,
          h("button", { type: "button", class: "ghost", "data-action": "ignore", onclick: () => act("ignore") }, "Yoksay")))]
      .filter(Boolean));  // append() would write a null as the text "null"
    return li;
  }

  context(g) {
    const member = g.members[0];
    if (!member || !member.context || !member.context.length) return null;
    return h("details", { class: "context-lines" },
      h("summary", null, `Konuşmayı göster (${g.members.length > 1 ? g.members.length + " örnekten biri" : "tek örnek"})`),
      h("ol", null, ...member.context.map((line) => h("li", { class: "line " + line.sender + (line.focus ? " focus" : "") },
        h("span", { class: "who" }, line.sender === "player" ? "Oyuncu" : "Bot"), line.text))));
  }

  intentTitle(name) {
    const label = (this.info && this.info.labels && this.info.labels[name.split("/")[0]]) || SMALL_TALK[name];
    return name + (label ? ` — ${label}` : "");
  }
}

if (!customElements.get("content-inbox")) customElements.define("content-inbox", ContentInbox);
