// DOM helper for the agent console: elements are built from props and children, never from HTML strings,
// so user-provided text always ends up as a text node.

/** h("p", { class: "x", onclick: fn }, "text", child) → an element; null/false props and children are skipped. */
export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  if (props) {
    for (const [k, v] of Object.entries(props)) {
      if (v === null || v === undefined || v === false) continue;
      if (k === "class") el.className = v;
      else if (k === "text") el.textContent = v;
      else if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
      else if (k in el && typeof v !== "string") el[k] = v;
      else el.setAttribute(k, v === true ? "" : String(v));
    }
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

/** Fire a bubbling custom event from `el` (children talk to the page this way). */
export function emit(el, type, detail) {
  el.dispatchEvent(new CustomEvent(type, { bubbles: true, detail }));
}

export const uuid = () =>
  (crypto.randomUUID ? crypto.randomUUID() : "a" + Date.now().toString(36) + Math.random().toString(36).slice(2));

export const timeOf = (ts) =>
  new Date((ts || Date.now() / 1000) * 1000).toLocaleTimeString("tr-TR", { hour: "2-digit", minute: "2-digit" });

/** 75 → "1 dk 15 sn". */
export function duration(seconds) {
  const s = Math.max(0, Math.floor(seconds));
  if (s < 60) return `${s} sn`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} dk ${String(s % 60).padStart(2, "0")} sn`;
  return `${Math.floor(m / 60)} sa ${m % 60} dk`;
}
