"""The content team's loop in Chromium: an agent has no content page; the editor labels an inbox
message and adds it as a training example, rewords an answer, reads the diff, commits, validates,
trains, evaluates (the report in the page), promotes (the Rasa replica loads the new model) and
rolls back. Screenshots of each step go to docs/screenshots/ (40-…)."""
from __future__ import annotations

import json
import re
from pathlib import Path

from playwright.sync_api import Page, expect

from ..conftest import PASSWORD, RASA_TOKEN, free_port, http_get, kit, result
from .conftest import shot

RECORDED = Path(__file__).resolve().parents[1] / "fixture" / "recorded"
SLOW_MS = 240_000


def load_recorded(redis_url: str, db: Path) -> None:
    """The recorded conversations where Rasa and the gateway keep them (tests/content/fixture/recorded)."""
    import redis
    from casinra_contracts.backoffice.engine import make_engine
    from casinra_contracts.backoffice.schema import chat_transcripts, metadata, players
    from sqlalchemy import insert

    client = redis.Redis.from_url(redis_url)
    for cid, events in json.loads((RECORDED / "trackers.json").read_text(encoding="utf-8")).items():
        client.set(f"casinra:tracker:{cid}", json.dumps({"events": events, "name": cid}, ensure_ascii=False))
    archive = json.loads((RECORDED / "archive.json").read_text(encoding="utf-8"))
    engine = make_engine(f"sqlite:///{db}")
    metadata.create_all(engine)
    with engine.begin() as c:
        c.execute(insert(players), [{"id": pid, "name": name} for pid, name in archive["players"].items()])
        for row in archive["transcripts"]:
            c.execute(insert(chat_transcripts).values(**{**row, "transcript": json.dumps(row["transcript"], ensure_ascii=False)}))
    engine.dispose()


def login(page: Page, url: str, username: str) -> None:
    page.goto(url + "/console")
    page.fill("#login-user", username)
    page.fill("#login-pass", PASSWORD)
    page.click("button[type=submit]")


def wait_job(page: Page, kind: str, timeout: int = SLOW_MS) -> None:
    page.wait_for_selector(f'.job[data-kind="{kind}"][data-state="done"], .job[data-kind="{kind}"][data-state="failed"]',
                           timeout=timeout)
    expect(page.locator(".job")).to_have_attribute("data-state", "done")


def test_the_content_loop_in_the_browser(browser, repo: Path, start_gateway, start_rasa, redis_url: str,
                                         tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    seed = Path(result(kit("train", "--project", str(repo), "--out", str(tmp_path / "seed"), "--name", "canli",
                           "--json"))["result"]["path"])
    load_recorded(redis_url, tmp_path / "backoffice.db")
    port = free_port()
    gw = start_gateway(seed, rasa_urls=[f"http://127.0.0.1:{port}"], CASINRA_CONTENT_REPO=str(repo),
                       CASINRA_PROMOTE_GUARDS="safety_recall,handoff_recall,macro_f1")
    rasa = start_rasa(gw.url, port)

    # an agent: no content page
    ctx = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="tr-TR", timezone_id="Europe/Istanbul")
    ctx.set_default_timeout(60_000)
    agent = ctx.new_page()
    login(agent, gw.url, "ayse")
    expect(agent.locator("console-chats")).to_be_attached()
    expect(agent.locator("console-content")).to_have_count(0)
    expect(agent.locator('a[data-page="content"]')).to_have_count(0)
    ctx.close()

    ctx = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="tr-TR", timezone_id="Europe/Istanbul")
    ctx.set_default_timeout(60_000)
    page = ctx.new_page()
    errors: list = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    login(page, gw.url, "deniz")

    # ---------------------------------------------------------------- the inbox
    expect(page.locator('a[data-page="content"]')).to_have_attribute("aria-current", "page")
    cards = page.locator(".inbox-card")
    expect(cards).to_have_count(9)
    space = cards.filter(has_text=re.compile("uzay meki", re.I))
    expect(space.locator(".times")).to_have_text("4×")
    expect(space.locator(".guess-name").first).to_contain_text("withdrawal_status")
    expect(page.locator(".inbox-list")).not_to_contain_text("4543")
    expect(cards.filter(has_text="kartım")).to_contain_text("[kart ****9012]")
    space.locator("details summary").click()
    shot(page, "40-content-inbox")
    space.locator(".intent-select").select_option("out_of_scope")
    space.locator(".example-text").fill("uzay mekiği hangi gün fırlatılacak")
    space.locator('[data-action="example"]').click()
    expect(page.locator(".toast")).to_contain_text("out_of_scope niyetine eklendi (data/nlu/smalltalk.yml:")
    expect(cards).to_have_count(8)
    cards.filter(has_text="blorp").locator('[data-action="ignore"]').click()
    expect(cards).to_have_count(7)
    expect(page.locator('[data-tab="changes"] .count')).to_have_text("1")

    # ---------------------------------------------------------------- an answer
    page.click('[data-tab="answers"]')
    page.fill(".answer-search", "utter_greet")
    greet = page.locator('li[data-response="utter_greet"]')
    greet.get_by_role("button", name="Düzenle").click()
    greet.locator("textarea").fill("Merhaba! Casinra Destek'e hoş geldiniz; bugün size nasıl yardımcı olabilirim?")
    greet.get_by_role("button", name="Değişikliği yaz").click()
    expect(greet.locator(".answer-text")).to_have_text("Merhaba! Casinra Destek'e hoş geldiniz; bugün size nasıl yardımcı olabilirim?")

    # ---------------------------------------------------------------- the diff and the commit
    page.click('[data-tab="changes"]')
    expect(page.locator(".diff-file h3")).to_have_text(["data/nlu/smalltalk.yml", "domain.yml"])
    expect(page.locator(".l-add").first).to_contain_text("- uzay mekiği hangi gün fırlatılacak")
    expect(page.locator(".l-del")).to_contain_text("Merhaba! Casinra Destek'e hoş geldiniz, size nasıl")
    page.fill(".commit-message", "Uzay sorusu konu dışı; karşılama yenilendi")
    shot(page, "41-content-diff")
    page.get_by_role("button", name="Kaydet (commit)").click()
    expect(page.locator(".commits li").first).to_contain_text("Uzay sorusu konu dışı; karşılama yenilendi — Deniz")
    expect(page.locator(".diff")).to_contain_text("değişiklikler burada görünür")

    # ---------------------------------------------------------------- validate, train, evaluate
    page.click('[data-tab="model"]')
    replica = page.locator(f'tr[data-replica="{rasa.url}"]')
    expect(replica).to_contain_text("canlı modelde", timeout=SLOW_MS)
    page.click('[data-job="validate"]')
    wait_job(page, "validate")
    expect(page.locator(".problems")).to_contain_text("Veri geçerli (0 uyarı).")
    page.click('[data-job="train"]')
    expect(page.locator(".job .progress")).to_be_visible()
    wait_job(page, "train")
    row = page.locator("tr[data-candidate]").first
    name = row.get_attribute("data-candidate")
    assert name and name.startswith("aday-")
    row.locator('[data-act="evaluate"]').click()
    wait_job(page, "evaluate")
    frame = page.frame_locator(".report-frame")
    expect(frame.locator("h1")).to_have_text("Aday model ile canlı model")
    expect(frame.locator("body")).to_contain_text("Niyet başına kesinlik, duyarlılık ve F1")
    page.locator(".report-box").scroll_into_view_if_needed()
    shot(page, "42-content-report")

    # ---------------------------------------------------------------- promote and roll back
    page.locator(f'tr[data-candidate="{name}"] [data-act="promote"]').click()
    expect(page.locator(".promote-box")).to_contain_text("Korumalardan geçti")
    page.click('[data-act="confirm-promote"]')
    expect(page.locator(".toast")).to_contain_text("canlıya alındı")
    candidate_id = page.locator(f'tr[data-candidate="{name}"] code').first.inner_text()
    expect(replica).to_contain_text(candidate_id, timeout=90_000)
    expect(replica).to_contain_text("canlı modelde")
    expect(page.locator(".history tbody tr").first).to_contain_text("Canlıya alındı")
    page.locator("content-model .pane-head").scroll_into_view_if_needed()
    shot(page, "43-content-promoted")
    page.get_by_role("button", name="Önceki modele dön").click()
    expect(page.locator(".history tbody tr").first).to_contain_text("Geri dönüldü")
    expect(replica).not_to_contain_text(candidate_id, timeout=90_000)
    status, body = http_get(f"{rasa.url}/status?token={RASA_TOKEN}")
    assert status == 200 and not json.loads(body)["model_file"].startswith(candidate_id)
    assert errors == []
    expect(page.locator("console-content")).not_to_contain_text("null")
    # the commit is on the content branch of the repository, under the editor's name
    from ..conftest import git
    assert re.match(r"Deniz\|Uzay sorusu", git(repo, "log", "-1", "--format=%an|%s", "content"))
