"""The weekly report, in Turkish, as HTML and PDF (Chromium's print to PDF through Playwright), with the
same figures and charts as the supervisor's page.

    python -m casinra_handoff.reports [--week 2026-W46 | --week 2026-11-09] [--out results/weekly]

(`make weekly-report`; the page's button asks `GET /api/supervisor/report`). Without `--week`: the
last full week (Monday–Sunday, Istanbul time).
"""
from __future__ import annotations

import argparse
import asyncio
import re
from datetime import date, datetime, timedelta, timezone
from html import escape
from pathlib import Path
from typing import Any

from babel.dates import format_date
from casinra_contracts.timezone import ISTANBUL

from . import charts
from .figures import Stored, compute

CHROMIUM = "/usr/bin/chromium"
LOCALE = "tr_TR"
DAY_NAMES = ("Pzt", "Sal", "Çar", "Per", "Cum", "Cmt", "Paz")
GLOSSARY = (
    ("Konuşma", "En az bir oyuncu mesajı olan sohbet; ilk mesajın günü ve ilk ihtiyacın konusu sayılır."),
    ("Botun çözdüğü (containment)", "Temsilci istenmeden ve son mesajı anlaşılarak biten konuşmaların payı."),
    ("Temsilciye aktarma oranı", "Botun bir temsilci istediği konuşmaların payı."),
    ("Anlaşılamayan mesaj oranı", "Botun anlayamadığı oyuncu mesajlarının payı."),
    ("CSAT", "1–5 puanlardan 4 ve 5 olanların payı."),
    ("NPS", "0–10 tavsiye sorusunda 9–10 verenlerin yüzdesi eksi 0–6 verenlerin yüzdesi."),
    ("İlk yanıt / çözüm süresi", "Canlı sohbette sıraya girişten temsilcinin ilk mesajına / sohbetin bitişine; "
                                 "talepte açılıştan ilk yanıta / kapanışa. Ortanca ve %90'lık dilim (en yakın sıra)."),
    ("SLA ihlali", "Oyuncunun yanıt beklediği bir dönemde hedef sürenin yanıttan önce dolması; hedefin dolduğu "
                   "güne sayılır."),
    ("Kök neden", "Ardından oyuncunun temsilci istediği, aynı şeyi başka sözlerle yazdığı ya da 1–2 puan verdiği "
                  "bot cevapları."),
)


def parse_week(value: str | None, today: date | None = None) -> date:
    """The Monday of '2026-W46', of a date in that week ('2026-11-11'), or of the last full week."""
    today = today or datetime.now(ISTANBUL).date()
    if not value or value == "last":
        return today - timedelta(days=today.weekday() + 7)
    match = re.fullmatch(r"(\d{4})-W(\d{1,2})", value.strip())
    if match:
        monday = date.fromisocalendar(int(match.group(1)), int(match.group(2)), 1)
    else:
        day = date.fromisoformat(value.strip())
        monday = day - timedelta(days=day.weekday())
    if not 2000 <= monday.year <= 2100:
        raise ValueError("a week between 2000 and 2100")
    return monday


def _pct(value: float | None) -> str:
    return "–" if value is None else f"%{value * 100:.1f}".replace(".", ",")


def _minutes(seconds: float | None) -> str:
    if seconds is None:
        return "–"
    if seconds >= 3 * 3600:
        return f"{seconds / 3600:.1f} sa".replace(".", ",")
    return f"{seconds / 60:.1f} dk".replace(".", ",")


def _num(value: Any) -> str:
    return "–" if value is None else escape(str(value).replace(".", ","))


def _card(label: str, value: str, note: str = "") -> str:
    return (f'<div class="card"><div class="label">{escape(label)}</div><div class="value">{escape(value)}</div>'
            f'<div class="note">{escape(note)}</div></div>')


def _table(headers: list[str], rows: list[list[str]]) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in r) + "</tr>" for r in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body or '<tr><td colspan=9>—</td></tr>'}</tbody></table>"


def weekly_figures(stored: Stored, monday: date, now: datetime | None = None,
                   agent_names: dict[str, str] | None = None) -> dict[str, Any]:
    return compute(stored, monday, monday + timedelta(days=7), bucket="day", now=now, agent_names=agent_names)


def render_html(fig: dict[str, Any], *, generated: datetime | None = None) -> str:
    """The report as one self-contained HTML page (inline CSS and SVG, nothing loaded from outside)."""
    generated = generated or datetime.now(timezone.utc)
    start = date.fromisoformat(fig["period"]["start"])
    end = date.fromisoformat(fig["period"]["end"]) - timedelta(days=1)
    t = fig["totals"]
    week = f"{format_date(start, 'd MMMM', locale=LOCALE)} – {format_date(end, 'd MMMM y', locale=LOCALE)}"
    days = [DAY_NAMES[date.fromisoformat(p["bucket"]).weekday()] for p in fig["series"]]
    cards = "".join([
        _card("Konuşma", str(t["conversations"]), f"{t['player_turns']} oyuncu mesajı"),
        _card("Botun çözdüğü", _pct(t["containment"])),
        _card("Temsilciye aktarma", _pct(t["handoff_rate"]), f"{t['handoffs']} konuşma"),
        _card("Anlaşılamayan mesaj", _pct(t["fallback_rate"])),
        _card("CSAT", _pct(t["csat"]["share"]), f"{t['csat']['count']} puan"),
        _card("NPS", _num(t["nps"]["score"]), f"{t['nps']['count']} yanıt"),
        _card("Canlı sohbet ilk yanıt", _minutes(t["chat_first_response"]["median"]),
              f"ortanca; %90: {_minutes(t['chat_first_response']['p90'])}"),
        _card("SLA ihlali", str(t["sla_breaches"]), f"{t['tickets_opened']} yeni talep"),
    ])
    series = fig["series"]
    chart_html = "".join([
        charts.bars(days, [p["conversations"] for p in series], title="Günlük konuşma sayısı"),
        charts.lines(days, [("Botun çözdüğü", [p["containment"] for p in series], charts.BAR),
                            ("Temsilciye aktarma", [p["handoff_rate"] for p in series], charts.LINE),
                            ("Anlaşılamayan", [p["fallback_rate"] for p in series], "#f59e0b")],
                     title="Günlük oranlar"),
        charts.bars(days, [p["csat"] for p in series], title="Günlük CSAT (4–5 puan payı)", percent=True,
                    color="#16a34a"),
    ])
    topics = fig["topics"]
    topic_chart = charts.hbars([x["label"] for x in topics], [x["conversations"] for x in topics],
                               [x["previous"] for x in topics], title="Konulara göre konuşmalar (gri: önceki hafta)")
    topic_rows = [[x["label"], str(x["conversations"]), str(x["previous"]),
                   ("+" if x["growth"] > 0 else "") + str(x["growth"]), _pct(x["handoff_rate"]), _pct(x["csat"])]
                  for x in topics]
    growing = ", ".join(f"{x['label']} (+{x['growth']})" for x in fig["growing"]) or "yok"
    agent_rows = [[a["display_name"], str(a["chats"]), _pct(a["csat"]["share"]), _minutes(a["first_response"]["median"]),
                   _minutes(a["first_response"]["p90"]), _minutes(a["resolution"]["median"])] for a in fig["agents"]]
    cause_rows = [[r["intent_label"], r["answer"] or "–", str(r["answers"]), str(r["handoff"]), str(r["rephrase"]),
                   str(r["low_rating"]), _pct(r["share"])] for r in fig["root_causes"]]
    service_rows = [
        ["Canlı sohbet", str(t["human_chats"]), _minutes(t["chat_first_response"]["median"]),
         _minutes(t["chat_first_response"]["p90"]), _minutes(t["chat_resolution"]["median"]),
         _minutes(t["chat_resolution"]["p90"])],
        ["Talepler (e-posta, geri arama…)", str(t["tickets_opened"]), _minutes(t["ticket_first_response"]["median"]),
         _minutes(t["ticket_first_response"]["p90"]), _minutes(t["ticket_resolution"]["median"]),
         _minutes(t["ticket_resolution"]["p90"])],
    ]
    breaches = [[b["reference"], b["kind"], b["due_at"][:16].replace("T", " ")] for b in fig["breaches"]]
    glossary = "".join(f"<dt>{escape(k)}</dt><dd>{escape(v)}</dd>" for k, v in GLOSSARY)
    csat_note = (f"Temsilcili sohbetler {_pct(t['csat_human']['share'])} ({t['csat_human']['count']} puan), "
                 f"yalnızca bot {_pct(t['csat_bot']['share'])} ({t['csat_bot']['count']} puan). "
                 f"NPS: {t['nps']['promoters']} destekçi, {t['nps']['passives']} pasif, {t['nps']['detractors']} eleştirmen.")
    return f"""<!doctype html>
<html lang="tr"><head><meta charset="utf-8"><title>Haftalık destek raporu — {escape(week)}</title>
<style>
body {{ font-family: "DejaVu Sans", Arial, sans-serif; color: #0f172a; margin: 24px; font-size: 12px; }}
h1 {{ font-size: 20px; margin: 0 0 4px; }} h2 {{ font-size: 15px; margin: 22px 0 8px; border-bottom: 1px solid #cbd5e1; }}
.sub {{ color: #475569; margin-bottom: 14px; }}
.cards {{ display: grid; grid-template-columns: repeat(4, 1fr); gap: 8px; }}
.card {{ border: 1px solid #cbd5e1; border-radius: 6px; padding: 8px; }}
.card .label {{ color: #475569; font-size: 11px; }} .card .value {{ font-size: 20px; font-weight: bold; }}
.card .note {{ color: #64748b; font-size: 10px; min-height: 12px; }}
table {{ border-collapse: collapse; width: 100%; margin: 6px 0; }}
th, td {{ border-bottom: 1px solid #e2e8f0; padding: 4px 6px; text-align: left; font-size: 11px; }}
th {{ background: #f1f5f9; }} svg {{ display: block; margin: 8px 0; max-width: 100%; height: auto; }}
dt {{ font-weight: bold; margin-top: 4px; }} dd {{ margin: 0 0 0 12px; color: #334155; }}
section {{ break-inside: avoid; }}
@page {{ size: A4; margin: 14mm; }}
</style></head>
<body>
<h1>Casinra Destek — haftalık rapor</h1>
<div class="sub">{escape(week)} · İstanbul saati · Oluşturuldu: {escape(format_date(generated.astimezone(ISTANBUL).date(), 'd MMMM y', locale=LOCALE))}</div>
<section><h2>Özet</h2><div class="cards">{cards}</div><p>{escape(csat_note)}</p></section>
<section><h2>Günlük seyir</h2>{chart_html}</section>
<section><h2>Konular</h2>{topic_chart}
<p>En hızlı artan konular: {escape(growing)}</p>
{_table(["Konu", "Konuşma", "Önceki hafta", "Değişim", "Aktarma", "CSAT"], topic_rows)}</section>
<section><h2>Yanıt ve çözüm süreleri</h2>
{_table(["", "Adet", "İlk yanıt (ortanca)", "İlk yanıt (%90)", "Çözüm (ortanca)", "Çözüm (%90)"], service_rows)}
<h2>Temsilciler</h2>
{_table(["Temsilci", "Sohbet", "CSAT", "İlk yanıt (ortanca)", "İlk yanıt (%90)", "Çözüm (ortanca)"], agent_rows)}</section>
<section><h2>SLA ihlalleri</h2>
{_table(["Referans", "Tür", "Hedef (UTC)"], breaches)}</section>
<section><h2>Kök nedenler: ardından sorun gelen bot cevapları</h2>
{_table(["Niyet", "Cevap", "Verildi", "Temsilci istendi", "Yeniden soruldu", "Düşük puan", "Sorun payı"], cause_rows)}</section>
<section><h2>Tanımlar</h2><dl>{glossary}</dl></section>
</body></html>"""


async def render_pdf(html: str) -> bytes:
    """Chromium's print to PDF (Debian's /usr/bin/chromium, driven by Playwright)."""
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            page = await browser.new_page()
            await page.set_content(html, wait_until="load")
            return await page.pdf(format="A4", print_background=True, prefer_css_page_size=True)
        finally:
            await browser.close()


async def _main(argv: list[str] | None = None) -> int:
    import redis.asyncio as aioredis

    from .backoffice import BackOffice
    from .figures import archive_trackers, load
    from .settings import Settings

    parser = argparse.ArgumentParser(description="Haftalık destek raporu (HTML ve PDF).")
    parser.add_argument("--week", help="2026-W46, a date in the week, or 'last' (default)")
    parser.add_argument("--out", default="results/weekly", help="folder for the HTML and the PDF")
    args = parser.parse_args(argv)
    settings = Settings()
    monday = parse_week(args.week)
    redis = aioredis.from_url(settings.redis_url, decode_responses=True)
    backoffice = BackOffice(settings.db_url)
    try:
        await archive_trackers(redis, backoffice.engine, settings.tracker_prefix)
        stored = await load(redis, backoffice.engine, settings.tracker_prefix)
        names = {a["username"]: a["display_name"] for a in backoffice.list_agents()}
    finally:
        await redis.aclose()
        backoffice.dispose()
    html = render_html(weekly_figures(stored, monday, agent_names=names))
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    iso = monday.isocalendar()
    stem = out / f"haftalik-rapor-{iso.year}-W{iso.week:02d}"
    stem.with_suffix(".html").write_text(html, encoding="utf-8")
    stem.with_suffix(".pdf").write_bytes(await render_pdf(html))
    print(f"{stem}.html\n{stem}.pdf")
    return 0


if __name__ == "__main__":
    raise SystemExit(asyncio.run(_main()))
