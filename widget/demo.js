/* Demo site: switch between the demo players (tokens minted by the gateway in demo mode) and a guest. */
(() => {
  "use strict";
  const KEY = "casinra-demo:player";
  const list = document.getElementById("players");
  const status = document.getElementById("demo-status");
  let chat = null;

  function say(text) { status.textContent = text; }

  function addPlayer(p) {
    const input = document.createElement("input");
    input.type = "radio";
    input.name = "player";
    input.value = p.id;
    const b = document.createElement("b");
    b.textContent = p.name;
    const small = document.createElement("small");
    small.textContent = p.id;
    const span = document.createElement("span");
    span.append(b, small);
    const label = document.createElement("label");
    label.className = "player";
    label.append(input, span);
    list.append(label);
  }

  async function mint(playerId) {
    const res = await fetch("/api/demo/token", {
      method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ player_id: playerId }),
    });
    if (!res.ok) throw new Error("token");
    return res.json();
  }

  async function use(playerId) {
    const wasOpen = chat ? chat.hasAttribute("open") : false;
    let token = "";
    let name = "Misafir";
    if (playerId) {
      try {
        const out = await mint(playerId);
        token = out.token;
        name = out.player.name;
      } catch (_) {
        say("Oturum anahtarı alınamadı (gateway demo modunda mı? CASINRA_DEMO=1).");
        return;
      }
    }
    try { localStorage.setItem(KEY, playerId); } catch (_) { /* ignore */ }
    const el = document.createElement("casinra-chat");
    if (token) el.setAttribute("token", token);
    if (wasOpen) el.setAttribute("open", "");
    if (chat) chat.replaceWith(el); else document.body.append(el);
    chat = el;
    say(playerId ? `${name} (${playerId}) olarak oturum açıldı.` : "Misafir olarak geziniyorsunuz: yalnızca genel sorular ve canlı destek.");
  }

  async function init() {
    let players = [];
    try {
      const res = await fetch("/api/demo/players");
      if (res.ok) players = await res.json();
    } catch (_) { /* demo helpers are off */ }
    if (!players.length) {
      say("Demo oyuncuları kapalı (CASINRA_DEMO=1 değil); misafir olarak bağlanılıyor.");
    }
    players.forEach(addPlayer);
    let chosen = "";
    try { chosen = localStorage.getItem(KEY) || ""; } catch (_) { /* ignore */ }
    if (!players.some((p) => p.id === chosen)) chosen = "";
    const radio = list.querySelector(`input[value="${chosen}"]`);
    if (radio) radio.checked = true;
    list.addEventListener("change", (e) => { if (e.target.name === "player") use(e.target.value); });
    await use(chosen);
  }

  init();
})();
