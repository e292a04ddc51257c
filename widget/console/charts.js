// Small SVG charts for the supervisor's page, drawn with DOM calls (no library, no CDN, no HTML strings):
// bars, share lines and horizontal bars. The weekly report draws the same ones on the server (charts.py).

const NS = "http://www.w3.org/2000/svg";
export const COLORS = { bar: "#2563eb", line: "#dc2626", warn: "#f59e0b", ok: "#16a34a", muted: "#94a3b8" };

/** s("rect", { x: 1 }, child…) → an SVG element; text children become text nodes. */
function s(tag, attrs, ...children) {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs || {})) if (v !== null && v !== undefined) el.setAttribute(k, String(v));
  for (const c of children) if (c !== null && c !== undefined) el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return el;
}

const num = (v) => (Math.round(v * 10) / 10).toString().replace(".", ",");
const pctText = (v) => "%" + num(v * 100);

function frame(width, height, title) {
  const svg = s("svg", { viewBox: `0 0 ${width} ${height}`, width, height, role: "img", "aria-label": title, class: "chart" });
  svg.append(s("text", { x: 36, y: 16, "font-size": 13, "font-weight": "bold" }, title));
  return svg;
}

/** Vertical bars; null values are drawn as "–". */
export function bars(labels, values, { title, percent = false, color = COLORS.bar, width = 560, height = 210 } = {}) {
  const left = 36, top = 28, bottom = 34, plotW = width - left - 8, plotH = height - top - bottom;
  const max = percent ? 1 : Math.max(1, ...values.filter((v) => v !== null && v !== undefined));
  const step = plotW / Math.max(1, values.length);
  const svg = frame(width, height, title);
  svg.append(s("line", { x1: left, y1: top + plotH, x2: width - 8, y2: top + plotH, stroke: COLORS.muted }));
  values.forEach((v, i) => {
    const x = left + i * step + step * 0.15, w = step * 0.7;
    if (v === null || v === undefined) {
      svg.append(s("text", { x: x + w / 2, y: top + plotH - 4, "font-size": 10, "text-anchor": "middle", fill: COLORS.muted }, "–"));
    } else {
      const hgt = plotH * (v / max), shown = percent ? pctText(v) : num(v);
      svg.append(s("rect", { x, y: top + plotH - hgt, width: w, height: hgt, fill: color }, s("title", null, `${labels[i]}: ${shown}`)));
      svg.append(s("text", { x: x + w / 2, y: top + plotH - hgt - 3, "font-size": 10, "text-anchor": "middle" }, shown));
    }
    svg.append(s("text", { x: x + w / 2, y: top + plotH + 14, "font-size": 10, "text-anchor": "middle" }, labels[i]));
  });
  return svg;
}

/** Share lines (0–100 %): series = [[name, values, colour], …], with a legend. */
export function lines(labels, series, { title, width = 560, height = 210 } = {}) {
  const left = 36, top = 40, bottom = 34, plotW = width - left - 12, plotH = height - top - bottom;
  const step = plotW / Math.max(1, labels.length - 1);
  const svg = frame(width, height, title);
  for (const pct of [0, 50, 100]) {
    const y = top + plotH * (1 - pct / 100);
    svg.append(s("line", { x1: left, y1: y, x2: width - 12, y2: y, stroke: "#e2e8f0" }));
    svg.append(s("text", { x: left - 4, y: y + 3, "font-size": 9, "text-anchor": "end" }, `%${pct}`));
  }
  labels.forEach((label, i) => svg.append(s("text", { x: left + i * step, y: top + plotH + 14, "font-size": 10, "text-anchor": "middle" }, label)));
  series.forEach(([name, values, color], n) => {
    const pts = values.map((v, i) => (v === null || v === undefined ? null : [left + i * step, top + plotH * (1 - v)])).filter(Boolean);
    if (pts.length) {
      svg.append(s("polyline", { points: pts.map((p) => p.join(",")).join(" "), fill: "none", stroke: color, "stroke-width": 2 }));
      for (const [x, y] of pts) svg.append(s("circle", { cx: x, cy: y, r: 3, fill: color }));
    }
    const lx = left + n * 160;
    svg.append(s("rect", { x: lx, y: 24, width: 10, height: 10, fill: color }));
    svg.append(s("text", { x: lx + 14, y: 33, "font-size": 11 }, name));
  });
  return svg;
}

/** Horizontal bars: this period (blue), the one before (grey) when given. */
export function hbars(labels, values, previous, { title, width = 560 } = {}) {
  const row = 22, left = 170, top = 28, height = top + row * labels.length + 10, plotW = width - left - 40;
  const max = Math.max(1, ...values, ...(previous || []));
  const svg = s("svg", { viewBox: `0 0 ${width} ${height}`, width, height, role: "img", "aria-label": title, class: "chart" });
  svg.append(s("text", { x: 0, y: 16, "font-size": 13, "font-weight": "bold" }, title));
  labels.forEach((label, i) => {
    const y = top + i * row;
    svg.append(s("text", { x: left - 6, y: y + 13, "font-size": 11, "text-anchor": "end" }, label));
    if (previous) svg.append(s("rect", { x: left, y: y + 2, width: plotW * previous[i] / max, height: 6, fill: COLORS.muted }));
    const w = plotW * values[i] / max;
    svg.append(s("rect", { x: left, y: y + 8, width: w, height: 10, fill: COLORS.bar }));
    svg.append(s("text", { x: left + w + 4, y: y + 17, "font-size": 10 }, num(values[i])));
  });
  return svg;
}
