"""The supervisor's REST on a real gateway process over the generated month: live view and gauges,
figures equal to the hand computation of test_figures, the weekly report as HTML and as a PDF
printed by Chromium and turned into PNG pages with pdftoppm (poppler-utils)."""
from __future__ import annotations

import asyncio
import shutil
import subprocess
import uuid
from datetime import date

import httpx
import pytest
import redis.asyncio as aioredis
from casinra_contracts.backoffice.engine import make_engine

from casinra_handoff.reports import parse_week
from casinra_handoff.sample_month import generate

from .conftest import agent_login, seed_backoffice
from .test_figures import FIRST


@pytest.fixture
def month_gateway(start_gateway, redis_url, tmp_path):
    db = tmp_path / "backoffice.db"
    seed_backoffice(f"sqlite:///{db}")
    prefix = f"t{uuid.uuid4().hex[:8]}:tracker:"
    gw = start_gateway(db_url=f"sqlite:///{db}", CASINRA_TRACKER_PREFIX=prefix, CASINRA_LIVE_INTERVAL_S="0.3")

    async def fill():
        redis = aioredis.from_url(redis_url, decode_responses=True)
        engine = make_engine(f"sqlite:///{db}")
        try:
            await generate(redis, engine, FIRST, 28, tracker_prefix=prefix)
        finally:
            engine.dispose()
            await redis.aclose()

    asyncio.run(fill())
    yield gw

    async def clean():
        redis = aioredis.from_url(redis_url, decode_responses=True)
        async for key in redis.scan_iter(match=f"{prefix}*"):
            await redis.delete(key)
        await redis.aclose()

    asyncio.run(clean())


def client(gw, user):
    return httpx.Client(base_url=gw.url, headers={"Authorization": f"Bearer {agent_login(gw, user)}"}, timeout=60)


def test_only_supervisors(month_gateway):
    ayse = client(month_gateway, "ayse")
    for path in ("/api/supervisor/live", "/api/supervisor/figures", "/api/supervisor/report"):
        assert ayse.get(path).status_code == 403
    selin = client(month_gateway, "selin")
    assert selin.get("/api/agents/me").json()["role"] == "supervisor"
    assert selin.get("/api/supervisor/figures", params={"start": "2026-11-20", "end": "2026-11-01"}).status_code == 422
    assert selin.get("/api/supervisor/report", params={"week": "<script>"}).status_code == 422
    # dates that would overflow, weeks that do not exist: refused, never a 500
    assert selin.get("/api/supervisor/figures", params={"start": "0001-01-01", "end": "0001-01-08"}).status_code == 422
    assert selin.get("/api/supervisor/figures", params={"start": "2026-02-30"}).status_code == 422
    for week in ("9999-W52", "2026-W99", "0001-01-01"):
        assert selin.get("/api/supervisor/report", params={"week": week}).status_code == 422
    # a lone surrogate in a ticket's note or answer cannot be stored or mailed: 422
    reference = selin.get("/api/tickets").json()["items"][0]["reference"]
    for step in ("note", "answer", "close"):
        body = b'{"text": "a\\ud800b", "note": "a\\ud800b"}'
        r = selin.post(f"/api/tickets/{reference}/{step}", content=body, headers={"Content-Type": "application/json"})
        assert r.status_code == 422, (step, r.status_code)


def test_live_view_and_gauges(month_gateway):
    selin = client(month_gateway, "selin")
    live = selin.get("/api/supervisor/live").json()
    assert live["queue"] == {"length": 0, "by_priority": {"urgent": 0, "high": 0, "normal": 0}, "items": []}
    assert {a["username"] for a in live["agents"]} >= {"ayse", "burak", "selin"}
    # the day-20 e-mail nobody answered is past due (now is after November 2026)
    assert live["sla"]["breached"] == 1 and live["tickets_at_risk"][0]["sla_state"] == "breached"
    metrics = httpx.get(f"{month_gateway.url}/metrics").text
    assert "casinra_sla_breaches 1.0" in metrics
    assert 'casinra_queue_length_by_priority{priority="urgent"} 0.0' in metrics


def test_figures_over_rest_match_the_hand_computation(month_gateway):
    selin = client(month_gateway, "selin")
    week2 = selin.get("/api/supervisor/figures", params={"start": "2026-11-09", "end": "2026-11-16"}).json()
    t = week2["totals"]
    assert (t["conversations"], t["handoffs"], t["human_chats"], t["sla_breaches"]) == (56, 7, 7, 1)
    assert t["nps"]["score"] == 25.0 and t["csat"]["share"] == pytest.approx(4 / 14)
    assert {a["agent"]: a["display_name"] for a in week2["agents"]} == {"ayse": "Ayşe", "burak": "Burak"}
    weeks = selin.get("/api/supervisor/figures",
                      params={"start": "2026-11-02", "end": "2026-11-30", "bucket": "week"}).json()["series"]
    assert [w["conversations"] for w in weeks] == [49, 56, 63, 70]


def test_parse_week():
    assert parse_week("2026-W46") == date(2026, 11, 9)
    assert parse_week("2026-11-12") == date(2026, 11, 9)
    assert parse_week("last", today=date(2026, 12, 1)) == date(2026, 11, 23)


def test_weekly_report_html_and_pdf_pages(month_gateway, tmp_path):
    selin = client(month_gateway, "selin")
    html = selin.get("/api/supervisor/report", params={"week": "2026-W46"})
    assert html.status_code == 200 and html.headers["content-type"].startswith("text/html")
    text = html.text
    assert "haftalık rapor" in text and "9 Kasım – 15 Kasım 2026" in text
    assert text.count("<svg") >= 4 and "Kök nedenler" in text and "Tanımlar" in text
    assert "http://" not in text.replace('xmlns="http://www.w3.org/2000/svg"', "")  # nothing loaded from outside
    pdf = selin.get("/api/supervisor/report", params={"week": "2026-W46", "format": "pdf"})
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
    if not shutil.which("pdftoppm"):
        pytest.skip("pdftoppm (poppler-utils) is not installed: scripts/system-packages.sh")
    (tmp_path / "r.pdf").write_bytes(pdf.content)
    subprocess.run(["pdftoppm", "-png", "-r", "50", str(tmp_path / "r.pdf"), str(tmp_path / "page")], check=True)
    pages = sorted(tmp_path.glob("page-*.png"))
    assert 2 <= len(pages) <= 6 and all(p.stat().st_size > 5000 for p in pages)
