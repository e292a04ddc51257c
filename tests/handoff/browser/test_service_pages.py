"""Tickets and the supervisor's overview as agents and a supervisor use them, in Chromium: the list with
SLA states, taking and answering a ticket by mail, the live view, the figures with their SVG charts,
the weekly report opened as HTML and downloaded as a PDF (turned into PNG pages with pdftoppm).
Screenshots 50–54 in docs/screenshots/."""
from __future__ import annotations

import asyncio
import shutil
import subprocess
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

import pytest
import redis.asyncio as aioredis
from casinra_contracts.backoffice.engine import make_engine
from casinra_contracts.timezone import ISTANBUL
from playwright.sync_api import Page, expect

from casinra_handoff.sample_month import generate

from ..conftest import AGENT_PASSWORD, seed_backoffice
from ..test_tickets_mail import open_ticket_as_the_bot
from .conftest import SHOTS, shot

WAIT_MS = 20000


def off_loop(coro):
    """Run a coroutine on its own thread (Playwright's sync API keeps a loop on this one)."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


@pytest.fixture
def stack(start_gateway, redis_url, tmp_path):
    db = tmp_path / "backoffice.db"
    seed_backoffice(f"sqlite:///{db}")
    prefix = f"t{uuid.uuid4().hex[:8]}:tracker:"
    today = datetime.now(ISTANBUL).date()

    async def fill():
        redis = aioredis.from_url(redis_url, decode_responses=True)
        engine = make_engine(f"sqlite:///{db}")
        try:  # four weeks ending today: "the last 7 days" and last week's report have data
            await generate(redis, engine, today - timedelta(days=27), 28, tracker_prefix=prefix)
        finally:
            engine.dispose()
            await redis.aclose()

    off_loop(fill())
    reference = open_ticket_as_the_bot(db, "P1001", "ahmet@example.com", "[TX-10000001] Çekim talebim gecikti")
    gw = start_gateway(db_url=f"sqlite:///{db}", CASINRA_TRACKER_PREFIX=prefix, CASINRA_LIVE_INTERVAL_S="1")
    gw.reference = reference
    yield gw

    async def clean():
        redis = aioredis.from_url(redis_url, decode_responses=True)
        async for key in redis.scan_iter(match=f"{prefix}*"):
            await redis.delete(key)
        await redis.aclose()

    off_loop(clean())


def login(page: Page, url: str, username: str) -> None:
    page.goto(url + "/console")
    page.fill("#login-user", username)
    page.fill("#login-pass", AGENT_PASSWORD)
    page.click("button[type=submit]")


def test_an_agent_takes_and_answers_a_ticket(browser, stack):
    page = browser.new_page(viewport={"width": 1360, "height": 900}, locale="tr-TR", timezone_id="Europe/Istanbul")
    login(page, stack.url, "ayse")
    page.click('a.page-link[data-page="tickets"]')
    rows = page.locator(".ticket-row")
    expect(rows.first).to_be_visible(timeout=WAIT_MS)
    # past-due first: the generated e-mail nobody answered (due 4 days ago)
    expect(rows.first.locator(".sla")).to_contain_text("Süresi geçti")
    expect(page.locator(".sla-counts")).to_contain_text("Süresi geçen: 1")
    ours = page.locator(f'.ticket-row[data-ref="{stack.reference}"]')
    expect(ours).to_contain_text("Ahmet Yılmaz (P1001)")
    expect(ours.locator(".sla")).to_contain_text("Süresinde")
    ours.click()
    detail = page.locator(".ticket-detail")
    expect(detail.locator("h2")).to_contain_text(stack.reference)
    expect(detail).to_contain_text("Otomatik onay")  # the confirmation mail is in the thread
    shot(page, "50-console-tickets")
    detail.get_by_role("button", name="Üzerime al").click()
    answer = detail.locator('textarea[aria-label="Yanıt"]')
    expect(answer).to_be_visible(timeout=WAIT_MS)
    answer.fill("Merhaba Ahmet Bey, çekiminiz bugün bankaya iletildi; 1–2 iş günü içinde hesabınızda olur.")
    detail.get_by_role("button", name="Yanıtla (e-posta)").click()
    expect(detail.locator(".sla")).to_contain_text("Süre işlemiyor", timeout=WAIT_MS)
    expect(detail.locator(".thread .msg-out").last).to_contain_text("bankaya iletildi")
    expect(detail.locator(".history")).to_contain_text("yanıtlandı")
    assert "null" not in detail.inner_text() and "undefined" not in detail.inner_text()
    page.evaluate("document.querySelector('console-tickets').scrollTop = 0")
    shot(page, "51-console-ticket-answered")
    page.close()


def test_the_supervisors_overview_and_weekly_report(browser, stack, tmp_path):
    page = browser.new_page(viewport={"width": 1360, "height": 1000}, locale="tr-TR", timezone_id="Europe/Istanbul",
                            accept_downloads=True)
    login(page, stack.url, "selin")
    sup = page.locator("console-supervisor")
    expect(sup).to_be_visible(timeout=WAIT_MS)  # a supervisor lands on the overview
    expect(page.locator('a.page-link[data-page="tickets"]')).to_be_visible()
    expect(sup.locator(".live .kpi").first).to_contain_text("Kuyrukta bekleyen", timeout=WAIT_MS)
    expect(sup.locator(".live")).to_contain_text("SLA'sı geçen talep")
    kpis = sup.locator(".figures .kpi")
    expect(kpis.first).to_contain_text("Konuşma", timeout=WAIT_MS)
    # the last 7 days of the generated month: one hand-off per 7+ conversations, NPS 25
    expect(sup.locator(".figures")).to_contain_text("NPS")
    expect(sup.locator(".figures .charts svg")).to_have_count(4)
    expect(sup.locator(".figures .charts")).to_contain_text("Konular (gri: önceki dönem)")
    expect(sup.locator(".fig-table").last).to_contain_text("Bonus kuralları hakkında bilgi")  # a root cause
    assert "null" not in sup.inner_text() and "undefined" not in sup.inner_text()
    shot(page, "52-supervisor-overview", full=True)
    sup.locator('button[data-period="month"]').click()
    expect(sup.locator(".figures .charts svg").first).to_contain_text("Konuşmalar")
    # the weekly report: HTML in a new tab, PDF as a download
    with page.expect_popup() as popup:
        sup.locator('button[data-report="html"]').click()
    report = popup.value
    report.wait_for_load_state()
    expect(report.locator("h1")).to_contain_text("haftalık rapor")
    assert report.locator("svg").count() >= 4
    report.set_viewport_size({"width": 900, "height": 1200})
    shot(report, "53-weekly-report-html")
    report.close()
    with page.expect_download() as download:
        sup.locator('button[data-report="pdf"]').click()
    pdf = tmp_path / "report.pdf"
    download.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF-")
    if not shutil.which("pdftoppm"):
        pytest.skip("pdftoppm (poppler-utils) is not installed: scripts/system-packages.sh")
    subprocess.run(["pdftoppm", "-png", "-r", "70", str(pdf), str(tmp_path / "page")], check=True)
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) >= 2
    shutil.copy(pages[0], SHOTS / "54-weekly-report-pdf-page1.png")
    page.close()


def test_an_editor_sees_neither_page(browser, stack):
    page = browser.new_page()
    login(page, stack.url, "deniz")
    expect(page.locator("console-content")).to_be_attached(timeout=WAIT_MS)
    assert page.locator('a.page-link[data-page="tickets"]').count() == 0
    assert page.locator('a.page-link[data-page="supervisor"]').count() == 0
    page.close()
