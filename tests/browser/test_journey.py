"""The whole product in a real browser: a player (P1001) and an agent (ayşe) in two browser contexts.

FAQ with buttons → own withdrawal (1.500,00 TL) → hand-off → queue (position + ETA) → the agent claims
it, sees the context, replies with a canned shortcut, writes an internal note → the player sees the
agent's name and message, the unread badge and typing → attachment → reload keeps the history →
resolve → the player rates. Screenshots of every step go to docs/screenshots/.
"""
from __future__ import annotations

import re

from casinra_contracts.backoffice.labels import KYC_STATUS_LABELS
from casinra_contracts.topics import PRIORITIES, TOPICS
from playwright.sync_api import expect

from .conftest import capitalised, shot
from .pages import Console, Widget

PNG_1PX = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360f8cfc0f01f0005000201e2a0e9c00000000049454e44ae426082"
)


def test_player_and_agent_full_journey(new_page, gateway_url, agent_password):  # type: ignore[no-untyped-def]
    agent_page, agent_dialogs = new_page(1440, 900)
    player_page, player_dialogs = new_page(1280, 860)

    # the agent is online first (a hand-off only queues when someone can take it)
    console = Console(agent_page, gateway_url).login("ayse", agent_password, screenshot=lambda p: shot(p, "00-console-login"))
    expect(agent_page.locator(".who")).to_have_text("Ayşe")

    w = Widget(player_page, gateway_url).open_demo("P1001")
    expect(w.launcher).to_have_attribute("aria-expanded", "false")
    w.open()
    expect(w.input).to_be_focused()
    expect(w.log).to_have_attribute("role", "log")
    expect(w.log).to_have_attribute("aria-live", "polite")

    # 1. a FAQ → an answer with quick-reply buttons
    answer = w.ask("Destek saatleriniz nedir?")
    expect(answer).to_contain_text("7 günü, günün 24 saati")
    quick = answer.locator(".quick button")
    expect(quick.first).to_be_visible()
    assert quick.count() >= 2
    shot(player_page, "01-faq-buttons")
    before = w.msgs("bot").count()
    quick.filter(has_text="E-posta ile destek").click()
    expect(w.msgs("player").last).to_contain_text("E-posta ile destek")
    expect(w.msgs("bot")).to_have_count(before + 1)
    expect(w.msgs("bot").last).to_contain_text("destek@casinra.com")
    expect(quick.first).to_be_disabled()  # used quick replies retire

    # 2. the player's own withdrawal
    answer = w.ask("Çekim talebim ne durumda?")
    expect(answer).to_contain_text("1.500,00 TL")
    expect(answer).to_contain_text("TX-10000001")
    shot(player_page, "02-withdrawal-amount")

    # 3. a human → queued with position and ETA
    w.send("Bir temsilciyle görüşmek istiyorum")
    expect(w.queue_status).to_be_visible()
    expect(w.queue_status).to_contain_text(re.compile(r"Sıradaki yeriniz: \d+\."))
    expect(w.queue_status).to_contain_text("Tahmini bekleme")
    expect(w.msgs("system").filter(has_text="canlı destek sırasına")).to_be_visible()
    cid = w.conversation_id
    shot(player_page, "03-queued")

    # 4. the agent sees it in the live queue: priority, waiting time (colour class), topic, summary
    item = console.queue_item(cid)
    expect(item).to_be_visible()
    expect(item).to_contain_text("Ahmet Yılmaz")
    expect(item.locator(".prio")).to_have_text(re.compile("|".join(PRIORITIES.values())))
    expect(item.locator(".qi-topic-label")).to_have_text(re.compile("|".join(map(re.escape, TOPICS.values()))))
    expect(item.locator(".wait")).to_have_class(re.compile(r"wait (fresh|warm|late)"))
    expect(item.locator(".qi-summary")).not_to_be_empty()
    expect(agent_page).to_have_title(re.compile(r"\(\d+\) sırada"))
    shot(agent_page, "04-console-queue")

    # 5. claim → a tab with the transcript and the bot's context
    panel = console.claim(cid)
    expect(console.tab(cid)).to_have_attribute("aria-selected", "true")
    expect(panel.locator(".msg.player").filter(has_text="Çekim talebim ne durumda?")).to_be_visible()
    ctx = agent_page.locator(".context-body")
    expect(ctx.locator("table.tx")).to_contain_text("1.500,00 TL")
    expect(ctx.locator(".kyc")).to_contain_text(capitalised(KYC_STATUS_LABELS["approved"]))
    expect(ctx.locator(".intents")).to_contain_text("withdrawal_status")
    expect(ctx.locator(".intents .pct").first).to_have_text(re.compile(r"%\d+"))
    expect(console.queue_item(cid)).to_have_count(0)
    # the player sees who took the chat
    expect(w.title).to_have_text("Ayşe")
    expect(w.msgs("system").filter(has_text="Ayşe sohbete katıldı")).to_be_visible()
    shot(agent_page, "05-console-claimed")

    # 6. canned reply by shortcut (typing reaches the player), an internal note, and the player's view
    box = console.composer(cid)
    box.click()
    box.press_sequentially("/merhaba", delay=30)
    expect(w.typing).to_be_visible()
    expect(w.typing).to_contain_text("Ayşe yazıyor")
    box.press(" ")
    expect(box).to_have_value(re.compile(r"^Merhaba, Casinra canlı destekten yazıyorum\."))
    box.press("Enter")
    expect(w.msgs("agent").last).to_contain_text("Merhaba, Casinra canlı destekten yazıyorum")
    expect(w.msgs("agent").last.locator(".who")).to_contain_text("Ayşe")
    expect(w.typing).to_be_hidden()
    panel.get_by_label("İç not (oyuncu görmez)").check()
    note = "Çekim finans ekibinde onay bekliyor, oyuncuya süre bilgisi verildi."
    panel.locator("textarea").fill(note)
    panel.locator("textarea").press("Enter")
    expect(panel.locator(".msg.internal").filter(has_text=note)).to_be_visible()
    panel.get_by_label("Oyuncuya yanıt").check()
    console.reply(cid, "Çekim talebiniz finans ekibimizde; en geç 30 Kasım'a kadar hesabınızda olacak.")
    expect(w.msgs("agent").last).to_contain_text("en geç 30 Kasım")
    expect(w.log).not_to_contain_text(note)  # internal notes never reach the player
    shot(player_page, "06-player-agent-reply")

    # the player types → the agent sees it; the player's reply reaches the agent
    w.input.press_sequentially("Teşekkür", delay=40)
    expect(panel.locator(".typing")).to_be_visible()
    w.input.fill("Teşekkürler, bekliyorum.")
    w.input.press("Enter")
    expect(panel.locator(".msg.player").filter(has_text="Teşekkürler, bekliyorum.")).to_be_visible()

    # 7. unread badge on the launcher while the panel is closed
    w.input.press("Escape")
    expect(w.panel).to_be_hidden()
    expect(w.launcher).to_be_focused()
    console.reply(cid, "Başka bir sorunuz olursa buradayım.")
    expect(w.badge).to_be_visible()
    expect(w.badge).to_have_text("1")
    expect(w.launcher).to_contain_text("1 okunmamış mesaj")
    shot(player_page, "07-unread-badge")
    w.launcher.press("Enter")
    expect(w.panel).to_be_visible()
    expect(w.badge).to_be_hidden()

    # 8. evidence attachment: type checked by the gateway, shown to the assigned agent only
    w.page.locator("casinra-chat input[type=file]").set_input_files(
        files=[{"name": "sahte.png", "mimeType": "image/png", "buffer": b"not really a png"}])
    expect(w.page.locator("casinra-chat .alert")).to_contain_text("türüyle uyuşmuyor")
    w.page.locator("casinra-chat input[type=file]").set_input_files(
        files=[{"name": "dekont.png", "mimeType": "image/png", "buffer": PNG_1PX}])
    expect(w.page.locator("casinra-chat .chip")).to_contain_text("dekont.png")
    w.input.fill("Dekontun ekran görüntüsü ekte.")
    w.input.press("Enter")
    expect(w.msgs("player").last.locator(".file")).to_contain_text("dekont.png")
    link = panel.locator("a.attachment").filter(has_text="dekont.png")
    expect(link).to_be_visible()
    href = link.get_attribute("href")
    assert href and "/api/attachments/a_" in href
    got = agent_page.request.get(href)
    assert got.status == 200 and got.headers["content-type"] == "image/png" and got.body() == PNG_1PX
    anonymous = player_page.request.get(href.split("?")[0])
    assert anonymous.status == 401
    shot(agent_page, "08-console-attachment")

    # 9. reload: the whole history comes back, once, in order
    seqs_before = w.seqs()
    assert len(seqs_before) == len(set(seqs_before)) and 0 not in seqs_before, seqs_before
    player_page.reload()
    w.wait_connected("P1001")
    assert w.conversation_id == cid
    w.open()
    expect(w.msgs()).to_have_count(len(seqs_before))
    assert w.seqs() == seqs_before
    expect(w.title).to_have_text("Ayşe")
    expect(w.msgs("bot").filter(has_text="1.500,00 TL")).to_have_count(1)
    shot(player_page, "09-reload-history")

    # 10. resolve → the bot is back and asks for a rating
    panel.get_by_role("button", name="Çözüldü olarak kapat").click()
    expect(panel.locator(".released-banner")).to_contain_text("çözüldü")
    expect(panel.locator("textarea")).to_be_disabled()
    shot(agent_page, "10-console-resolved")
    expect(w.msgs("system").filter(has_text="görüşmesi sona erdi")).to_be_visible()
    rating = w.page.locator("casinra-chat .quick.rating")
    expect(rating).to_be_visible()
    expect(rating.locator("button")).to_have_count(5)
    expect(w.title).to_have_text("Casinra Destek")
    before = w.msgs("bot").count()
    rating.get_by_role("button", name="5 puan ver (5 üzerinden)").click()
    expect(w.msgs("player").last).to_contain_text("5")
    expect(w.msgs("bot")).to_have_count(before + 1)
    expect(rating.locator("button").first).to_be_disabled()
    shot(player_page, "11-player-rating")

    assert not player_dialogs.seen and not agent_dialogs.seen
    assert not player_page.js_errors, player_page.js_errors
    assert not agent_page.js_errors, agent_page.js_errors
