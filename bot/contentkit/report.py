"""The comparison report as one self-contained HTML page (the console shows it in a frame) and the
confusion matrix images beside it. No scripts; every text from the data is escaped."""
from __future__ import annotations

import base64
import html
from datetime import datetime, timezone
from pathlib import Path
from typing import Optional

from casinra_contracts.pii import mask_text
from casinra_contracts.timezone import local
from casinra_contracts.topics import intent_label

CSS = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d2330;margin:0;padding:20px 24px;background:#fff}
h1{font-size:20px;margin:0 0 4px} h2{font-size:16px;margin:26px 0 8px;border-bottom:1px solid #e3e6ee;padding-bottom:4px}
.muted{color:#667085} table{border-collapse:collapse;width:100%;margin:6px 0 10px}
th,td{text-align:left;padding:5px 8px;border-bottom:1px solid #eef0f5;vertical-align:top} th{background:#f6f7fb;font-weight:600}
td.n{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.up{color:#137a3b;font-weight:600} .down{color:#b42318;font-weight:600} .same{color:#667085}
.card{display:inline-block;min-width:160px;margin:0 10px 10px 0;padding:10px 12px;border:1px solid #e3e6ee;border-radius:8px}
.card b{display:block;font-size:20px} .ex{color:#475467;font-style:italic} img{max-width:100%;border:1px solid #eef0f5}
code{background:#f2f4f7;padding:0 4px;border-radius:4px}
"""


def e(text: object) -> str:
    return html.escape(str(text), quote=True)


def pct(value: Optional[float]) -> str:
    return "—" if value is None else f"%{value * 100:.1f}".replace(".", ",")


def delta(value: Optional[float], higher_is_better: bool = True) -> str:
    if value is None:
        return '<span class="same">—</span>'
    points = value * 100
    if abs(points) < 0.05:
        return '<span class="same">±0</span>'
    good = (points > 0) == higher_is_better
    sign = "+" if points > 0 else "−"
    return f'<span class="{"up" if good else "down"}">{sign}{abs(points):.1f}'.replace(".", ",") + " puan</span>"


def intent_name(intent: str) -> str:
    label = intent_label(intent)
    return f"<code>{e(intent)}</code>" + (f' <span class="muted">{e(label)}</span>' if label else "")


def confusion_png(path: Path, matrix: dict, title: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    labels = matrix["labels"]
    grid = np.zeros((len(labels), len(labels)), dtype=int)
    for i, j, n in matrix["cells"]:
        grid[i, j] = n
    size = max(5.0, 0.36 * len(labels) + 2)
    fig, ax = plt.subplots(figsize=(size + 1, size))
    # the diagonal is most of the mass: show errors on their own scale so they stand out
    errors = grid.copy()
    np.fill_diagonal(errors, 0)
    ax.imshow(np.where(errors > 0, errors, 0), cmap="Reds", vmin=0, vmax=max(1, errors.max()))
    ax.set_xticks(range(len(labels)), labels, rotation=90, fontsize=7)
    ax.set_yticks(range(len(labels)), labels, fontsize=7)
    ax.set_xlabel("modelin dediği")
    ax.set_ylabel("doğrusu")
    ax.set_title(title, fontsize=10)
    for (i, j), n in np.ndenumerate(grid):
        if n:
            ax.text(j, i, str(n), ha="center", va="center", fontsize=6,
                    color="#137a3b" if i == j else ("white" if n > errors.max() / 2 else "black"))
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def write_report(report: dict, out_dir: Path) -> Path:
    cand, live = report["candidate"], report["live"]
    confusion_png(out_dir / "confusion.png", cand["figures"]["confusion_matrix"], "Aday model — karışıklık matrisi")
    confusion_png(out_dir / "confusion-live.png", live["figures"]["confusion_matrix"], "Canlı model — karışıklık matrisi")
    image = base64.b64encode((out_dir / "confusion.png").read_bytes()).decode()
    image_live = base64.b64encode((out_dir / "confusion-live.png").read_bytes()).decode()
    when = local(datetime.fromtimestamp(report["created_at"], timezone.utc)).strftime("%d.%m.%Y %H:%M")
    sets = report["sets"]
    parts = [
        "<!doctype html><html lang='tr'><head><meta charset='utf-8'><title>Model karşılaştırma raporu</title>",
        f"<style>{CSS}</style></head><body>",
        "<h1>Aday model ile canlı model</h1>",
        f"<p class='muted'>{e(when)} · aday <code>{e(cand['id'])}</code> · canlı <code>{e(live['id'])}</code>"
        + (f" · dal commit'i <code>{e((report['project'].get('commit') or '')[:10])}</code>" if report["project"].get("commit") else "")
        + "</p>",
        f"<p class='muted'>Ölçüm seti {sets['heldout']} cümle · güvenlik seti {sets['safety']} + {sets['not_safety']} cümle · "
        f"temsilci isteği örnekleri {sets['handoff_probe']} cümle (eğitimde hiç kullanılmayan veriler)</p>",
        "<h2>Özet</h2><div>",
    ]
    for fig in report["figures"]:
        parts.append(f"<div class='card'><span class='muted'>{e(fig['label'])}</span><b>{pct(fig['candidate'])}</b>"
                     f"canlı {pct(fig['live'])} · {delta(fig['delta'], fig['higher_is_better'])}</div>")
    parts.append("</div>")
    if cand["figures"].get("journey_pass_rate") is None or live["figures"].get("journey_pass_rate") is None:
        parts.append("<p class='muted'>Konuşma yolculukları bu iki model için henüz çalıştırılmadı "
                     "(sayfadaki “Yolculukları çalıştır” adımı ya da <code>python -m bot journeys</code>).</p>")
    parts.append("<h2>Niyet başına kesinlik, duyarlılık ve F1</h2>"
                 "<p class='muted'>En çok kötüleşen niyet en üstte.</p><table><tr><th>niyet</th>"
                 "<th>kesinlik</th><th>duyarlılık</th><th>F1</th><th>canlı F1</th><th>fark</th><th>örnek</th></tr>")
    for row in report["per_intent"]:
        c, l = row["candidate"] or {}, row["live"] or {}
        parts.append(f"<tr><td>{intent_name(row['intent'])}</td><td class='n'>{pct(c.get('precision'))}</td>"
                     f"<td class='n'>{pct(c.get('recall'))}</td><td class='n'>{pct(c.get('f1'))}</td>"
                     f"<td class='n'>{pct(l.get('f1'))}</td><td class='n'>{delta(row['delta_f1'])}</td>"
                     f"<td class='n'>{e(c.get('support', l.get('support', '')))}</td></tr>")
    parts.append("</table><h2>En çok karıştırılan niyetler</h2><table><tr><th>doğrusu</th><th>modelin dediği</th>"
                 "<th>aday</th><th>canlı</th><th>örnek cümleler</th></tr>")
    live_counts = {(c["gold"], c["predicted"]): c["count"] for c in live["figures"]["confusions"]}
    for conf in cand["figures"]["confusions"][:15]:
        examples = "<br>".join(f"<span class='ex'>“{e(t)}”</span>" for t in conf["examples"])
        parts.append(f"<tr><td>{intent_name(conf['gold'])}</td><td>{intent_name(conf['predicted'])}</td>"
                     f"<td class='n'>{conf['count']}</td><td class='n'>{live_counts.get((conf['gold'], conf['predicted']), 0)}</td>"
                     f"<td>{examples}</td></tr>")
    parts.append("</table>")
    if cand["figures"]["missed_safety"]:
        parts.append("<h2>Adayın yükseltmediği güvenlik mesajları</h2><ul>"
                     + "".join(f"<li class='ex'>“{e(t)}”</li>" for t in cand["figures"]["missed_safety"]) + "</ul>")
    if cand["figures"]["false_alarms"]:
        parts.append("<h2>Adayın yanlış alarm verdiği sıradan mesajlar</h2><ul>"
                     + "".join(f"<li class='ex'>“{e(t)}”</li>" for t in cand["figures"]["false_alarms"]) + "</ul>")
    journeys = cand.get("journeys") or {}
    if journeys.get("failures"):
        parts.append("<h2>Adayın yanlış yürüttüğü konuşma turları</h2><table><tr><th>yolculuk</th><th>oyuncu</th><th>sorun</th></tr>")
        for failure in journeys["failures"][:30]:
            parts.append(f"<tr><td>{e(failure['journey'])} ({e(failure['turn'])}. tur)</td><td class='ex'>“{e(mask_text(failure['said']))}”</td>"
                         f"<td>{e('; '.join(failure['problems']))}</td></tr>")
        parts.append("</table>")
    parts += [
        "<h2>Karışıklık matrisi</h2><p class='muted'>Satır doğru niyet, sütun modelin dediği; köşegen dışı kırmızı hücreler hatalar.</p>",
        f"<img alt='Aday modelin karışıklık matrisi' src='data:image/png;base64,{image}'>",
        "<details><summary>Canlı modelin karışıklık matrisi</summary>",
        f"<img alt='Canlı modelin karışıklık matrisi' src='data:image/png;base64,{image_live}'></details>",
        "</body></html>",
    ]
    path = out_dir / "report.html"
    path.write_text("\n".join(parts), encoding="utf-8")
    return path
