"""Small SVG charts drawn by hand for the weekly report (no library, no CDN); every text is escaped.
The console's supervisor page draws the same charts in the browser (widget/console/charts.js)."""
from __future__ import annotations

from html import escape
from typing import Sequence

BAR = "#2563eb"
LINE = "#dc2626"
MUTED = "#94a3b8"
FONT = 'font-family="DejaVu Sans, Arial, sans-serif"'


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def bars(labels: Sequence[str], values: Sequence[float | None], *, title: str, width: int = 640, height: int = 220,
         percent: bool = False, color: str = BAR) -> str:
    """A vertical bar chart; ``None`` values leave a gap marked '–'."""
    left, bottom, top = 36, 36, 28
    plot_w, plot_h = width - left - 8, height - top - bottom
    top_value = max([v for v in values if v is not None] + [1.0 if percent else 1.0])
    if percent:
        top_value = 1.0
    step = plot_w / max(1, len(values))
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
             f'role="img" aria-label="{escape(title)}">',
             f'<text x="{left}" y="16" {FONT} font-size="13" font-weight="bold">{escape(title)}</text>',
             f'<line x1="{left}" y1="{top + plot_h}" x2="{width - 8}" y2="{top + plot_h}" stroke="{MUTED}"/>']
    for i, (label, value) in enumerate(zip(labels, values)):
        x = left + i * step + step * 0.15
        w = step * 0.7
        if value is None:
            parts.append(f'<text x="{x + w / 2:.1f}" y="{top + plot_h - 4}" {FONT} font-size="10" text-anchor="middle" '
                         f'fill="{MUTED}">–</text>')
        else:
            h = plot_h * (value / top_value if top_value else 0)
            shown = f"%{_num(value * 100)}" if percent else _num(value)
            parts.append(f'<rect x="{x:.1f}" y="{top + plot_h - h:.1f}" width="{w:.1f}" height="{h:.1f}" fill="{color}">'
                         f'<title>{escape(label)}: {escape(shown)}</title></rect>')
            parts.append(f'<text x="{x + w / 2:.1f}" y="{top + plot_h - h - 3:.1f}" {FONT} font-size="10" '
                         f'text-anchor="middle">{escape(shown)}</text>')
        parts.append(f'<text x="{x + w / 2:.1f}" y="{top + plot_h + 14}" {FONT} font-size="10" '
                     f'text-anchor="middle">{escape(label)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def lines(labels: Sequence[str], series: Sequence[tuple[str, Sequence[float | None], str]], *, title: str,
          width: int = 640, height: int = 220) -> str:
    """Share lines (0–100 %), one per (name, values, colour), with a legend."""
    left, bottom, top = 36, 36, 40
    plot_w, plot_h = width - left - 12, height - top - bottom
    step = plot_w / max(1, len(labels) - 1)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
             f'role="img" aria-label="{escape(title)}">',
             f'<text x="{left}" y="16" {FONT} font-size="13" font-weight="bold">{escape(title)}</text>']
    for pct in (0, 50, 100):
        y = top + plot_h * (1 - pct / 100)
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - 12}" y2="{y:.1f}" stroke="#e2e8f0"/>'
                     f'<text x="{left - 4}" y="{y + 3:.1f}" {FONT} font-size="9" text-anchor="end">%{pct}</text>')
    for i, label in enumerate(labels):
        parts.append(f'<text x="{left + i * step:.1f}" y="{top + plot_h + 14}" {FONT} font-size="10" '
                     f'text-anchor="middle">{escape(label)}</text>')
    for n, (name, values, color) in enumerate(series):
        points = [(left + i * step, top + plot_h * (1 - v)) for i, v in enumerate(values) if v is not None]
        if points:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
            parts.append(f'<polyline points="{path}" fill="none" stroke="{color}" stroke-width="2"/>')
            parts += [f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{color}"/>' for x, y in points]
        lx = left + n * 170
        parts.append(f'<rect x="{lx}" y="24" width="10" height="10" fill="{color}"/>'
                     f'<text x="{lx + 14}" y="33" {FONT} font-size="11">{escape(name)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def hbars(labels: Sequence[str], values: Sequence[float], previous: Sequence[float] | None = None, *, title: str,
          width: int = 640) -> str:
    """Horizontal bars (this period, and the one before in grey when given)."""
    row, left, top = 22, 170, 28
    height = top + row * len(labels) + 10
    top_value = max(list(values) + list(previous or []) + [1])
    plot_w = width - left - 40
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
             f'role="img" aria-label="{escape(title)}">',
             f'<text x="0" y="16" {FONT} font-size="13" font-weight="bold">{escape(title)}</text>']
    for i, (label, value) in enumerate(zip(labels, values)):
        y = top + i * row
        parts.append(f'<text x="{left - 6}" y="{y + 13}" {FONT} font-size="11" text-anchor="end">{escape(label)}</text>')
        if previous is not None:
            pw = plot_w * previous[i] / top_value
            parts.append(f'<rect x="{left}" y="{y + 2}" width="{pw:.1f}" height="6" fill="{MUTED}"/>')
        w = plot_w * value / top_value
        parts.append(f'<rect x="{left}" y="{y + 8}" width="{w:.1f}" height="10" fill="{BAR}"/>'
                     f'<text x="{left + w + 4:.1f}" y="{y + 17}" {FONT} font-size="10">{escape(_num(value))}</text>')
    parts.append("</svg>")
    return "".join(parts)
