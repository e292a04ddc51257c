"""The agent console with two agents: urgent signal, waiting-time colours, tabs with unread counts, transfer;
the contract's Turkish labels in the queue and the context panel, and a safety risk flagged at the top of both."""
from __future__ import annotations

import re

from casinra_contracts.backoffice.labels import KYC_STATUS_LABELS
from casinra_contracts.topics import PRIORITIES, RISKS, TOPICS
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from playwright.sync_api import expect

from .conftest import capitalised, internal_ids, shot
from .pages import Console, Widget


def test_urgent_signal_tabs_unread_and_transfer(new_page, gateway_url, agent_password):  # type: ignore[no-untyped-def]
    ayse_page, _ = new_page(1440, 900)
    ayse_page.clock.install()  # real time keeps flowing; lets the test jump ahead to see the colours change
    burak_page, _ = new_page(1440, 900)
    ayse = Console(ayse_page, gateway_url).login("ayse", agent_password)
    burak = Console(burak_page, gateway_url).login("burak", agent_password)

    # a normal hand-off, then an urgent one (responsible gaming)
    elif_page, _ = new_page(1000, 760)
    elif_w = Widget(elif_page, gateway_url).open_demo("P1002")
    elif_w.open()
    elif_w.send("Temsilciyle görüşmek istiyorum")
    expect(elif_w.queue_status).to_be_visible()
    elif_cid = elif_w.conversation_id
    expect(ayse.queue_item(elif_cid)).to_be_visible()
    expect(ayse_page).to_have_title(re.compile(r"\(\d+\) sırada"))

    guest_page, _ = new_page(1000, 760)
    guest = Widget(guest_page, gateway_url).open_demo()
    guest.open()
    guest.send("Kumar bağımlısı oldum, kendimi durduramıyorum")
    expect(guest.queue_status).to_be_visible()
    urgent_cid = guest.conversation_id
    urgent_item = ayse.queue_item(urgent_cid)
    expect(urgent_item.locator(".prio")).to_have_text(PRIORITIES["urgent"])
    # the contract's Turkish labels, never an internal name
    expect(urgent_item.locator(".qi-topic-label")).to_have_text(TOPICS["responsible_gaming"])
    for item in (urgent_item, ayse.queue_item(elif_cid)):
        assert internal_ids(item.inner_text()) == [], item.inner_text()
    expect(ayse_page.locator("casinra-console")).to_have_attribute("data-alert", "urgent")
    expect(ayse_page.locator("casinra-console")).to_have_attribute("data-last-signal", "urgent")
    titles = {ayse_page.title()}
    for _ in range(4):
        ayse_page.wait_for_timeout(600)
        titles.add(ayse_page.title())
    assert any("ACİL SOHBET" in t for t in titles), titles  # the title bar flashes
    # urgent chats come first
    order = ayse_page.eval_on_selector_all(".queue-item", "els => els.map(e => e.dataset.conversationId)")
    assert order.index(urgent_cid) < order.index(elif_cid), order
    expect(ayse.queue_item(elif_cid).locator(".wait")).to_have_class(re.compile("fresh|warm"))
    ayse_page.clock.fast_forward("04:00")
    expect(ayse.queue_item(elif_cid).locator(".wait")).to_have_class(re.compile("late"))
    expect(urgent_item.locator(".wait")).to_have_class(re.compile("late"))
    shot(ayse_page, "18-console-urgent-queue")

    # two chats in tabs; a message to the tab in the background counts as unread
    ayse.claim(elif_cid)
    ayse.claim(urgent_cid)
    expect(ayse.tab(urgent_cid)).to_have_attribute("aria-selected", "true")
    expect(ayse_page.locator(".tab")).to_have_count(2)
    expect(ayse_page.locator("casinra-console")).not_to_have_attribute("data-alert", "urgent")
    elif_w.send("Adres belgemi yükledim ama hâlâ bekliyor.")
    expect(ayse.tab(elif_cid).locator(".unread")).to_have_text("1")
    expect(ayse_page).to_have_title(re.compile("1 yeni mesaj"))
    ayse.reply(urgent_cid, "Yanınızdayım. İsterseniz hesabınıza hemen bir ara verebiliriz.")
    expect(guest.msgs("agent").last).to_contain_text("hemen bir ara")
    shot(ayse_page, "19-console-tabs-unread")
    ayse.tab(elif_cid).click()
    expect(ayse.tab(elif_cid).locator(".unread")).to_have_count(0)
    expect(ayse.panel(elif_cid).locator(".msg.player").last).to_contain_text("Adres belgemi yükledim")
    expect(ayse_page.locator(".context-body .kyc")).to_contain_text(capitalised(KYC_STATUS_LABELS["pending"]))

    # transfer Elif's chat to Burak (finance), with a note only agents see
    panel = ayse.panel(elif_cid)
    panel.get_by_role("button", name="Aktar").first.click()
    panel.locator("select").select_option("agent:burak")
    panel.get_by_placeholder("Aktarım notu").fill("KYC adres belgesi incelemede; oyuncu bilgilendirildi.")
    panel.locator(".transfer-form").get_by_role("button", name="Aktar").click()
    expect(panel.locator(".released-banner")).to_contain_text("aktarıldı")
    b_panel = burak.panel(elif_cid)
    expect(b_panel).to_be_visible()
    expect(b_panel.locator(".msg.internal")).to_contain_text("KYC adres belgesi incelemede")
    expect(elif_w.title).to_have_text("Burak")
    expect(elif_w.msgs("system").filter(has_text="Burak adlı temsilcimize aktarıldı")).to_be_visible()
    expect(elif_w.log).not_to_contain_text("KYC adres belgesi incelemede")
    box = burak.composer(elif_cid)
    box.click()
    box.press_sequentially("/kycsure")
    box.press("Tab")  # the canned reply's shortcut + Tab inserts its text
    expect(box).not_to_have_value(re.compile("/kycsure"))
    box.press("Enter")
    expect(elif_w.msgs("agent").last.locator(".who")).to_contain_text("Burak")
    shot(burak_page, "20-console-transfer")

    # clean up: both chats resolved
    b_panel.get_by_role("button", name="Çözüldü olarak kapat").click()
    expect(b_panel.locator(".released-banner")).to_be_visible()
    ayse.tab(urgent_cid).click()
    ayse.panel(urgent_cid).get_by_role("button", name="Çözüldü olarak kapat").click()
    expect(ayse.panel(urgent_cid).locator(".released-banner")).to_be_visible()
    expect(guest.page.locator("casinra-chat .quick.rating")).to_be_visible()


def test_safety_risk_heads_the_queue_row_the_chat_and_the_context(new_page, gateway_url, agent_password):  # type: ignore[no-untyped-def]
    agent_page, _ = new_page(1440, 900)
    ayse = Console(agent_page, gateway_url).login("ayse", agent_password)
    player_page, _ = new_page(1000, 760)
    w = Widget(player_page, gateway_url).open_demo("P1003")
    w.open()
    w.send("hesabım çalındı, biri şifremi değiştirmiş")
    # queued at once, or after at most one yes/no question ("shall I lock your account now?") — issue 10
    try:
        w.page.wait_for_function("""() => { const el = document.querySelector('casinra-chat');
            return el.dataset.state === 'queued'
                || !!el.shadowRoot.querySelector('.log .quick:not(.done) button:not(:disabled)'); }""")
    except PlaywrightTimeoutError:
        raise AssertionError("neither queued nor one yes/no question; the player saw:\n" + w.visible_text()) from None
    w.page.wait_for_timeout(1500)  # a state frame may follow the bot's message
    if not w.queue_status.is_visible():
        w.msgs("bot").last.locator(".quick button").first.click()
    expect(w.queue_status).to_be_visible()
    cid = w.conversation_id

    item = ayse.queue_item(cid)
    expect(item.locator(".prio")).to_have_text(PRIORITIES["urgent"])
    expect(item.locator(".qi-topic-label")).to_have_text(TOPICS["security"])
    risk = item.locator(".risk")
    expect(risk).to_be_visible()
    expect(risk).to_contain_text(re.compile("|".join(re.escape(label) for _, label in RISKS.values())))
    risk_text = risk.inner_text().strip()
    # the risk comes first in the row, above the name and the waiting time
    assert item.evaluate("li => li.firstElementChild.classList.contains('risk')")
    assert internal_ids(item.inner_text()) == [], item.inner_text()
    shot(agent_page, "21-console-risk-queue")

    # claimed: the risk heads the context panel and the chat's header; the hand-off shows labels only
    ayse.claim(cid)
    try:
        first = ayse.context.locator(":scope > *").first
        expect(first).to_have_class(re.compile(r"\brisk\b"))
        expect(first).to_have_text(risk_text)
        expect(ayse.panel(cid).locator(".conv-risk .risk")).to_have_text(risk_text)
        handoff = ayse.context.locator(".handoff")
        expect(handoff).to_contain_text(TOPICS["security"])
        assert internal_ids(handoff.inner_text()) == [], handoff.inner_text()
        shot(agent_page, "22-console-risk-context")
        assert internal_ids(w.visible_text()) == [], w.visible_text()
    finally:
        ayse.resolve(cid)
