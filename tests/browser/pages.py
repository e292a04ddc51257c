"""Page objects for the demo page with the widget and for the agent console (Playwright sync API).

Playwright's CSS locators pierce open shadow roots, so `casinra-chat .log .msg` reaches into the widget.
"""
from __future__ import annotations

import re

from playwright.sync_api import Locator, Page, expect

PLAYERS = {"P1001": "Ahmet Yılmaz", "P1002": "Elif Demir", "P1003": "Mehmet Kaya", "P1004": "Zeynep Çelik"}


class Widget:
    def __init__(self, page: Page, gateway: str) -> None:
        self.page = page
        self.gateway = gateway
        self.host = page.locator("casinra-chat")

    # ---------------------------------------------------------------- set-up
    def open_demo(self, player_id: str | None = None) -> "Widget":
        self.page.goto(self.gateway + "/")
        self.wait_connected()
        if player_id:
            self.page.locator(f'#players input[value="{player_id}"]').check()
            expect(self.page.locator("#demo-status")).to_contain_text(f"{PLAYERS[player_id]} ({player_id})")
            self.wait_connected(player_id)
        return self

    def wait_connected(self, player_id: str | None = None) -> str:
        """Wait for the welcome frame (the element knows its conversation id) → that id."""
        self.page.wait_for_function(
            """(pid) => { const el = document.querySelector('casinra-chat');
                 if (!el || !el.dataset.conversationId || !el.dataset.state) return false;
                 if (!pid) return true;
                 const t = el.getAttribute('token') || '';
                 try { return JSON.parse(atob(t.split('.')[1].replace(/-/g,'+').replace(/_/g,'/'))).sub === pid; }
                 catch (e) { return false; } }""",
            arg=player_id,
        )
        return self.conversation_id

    @property
    def conversation_id(self) -> str:
        return self.host.get_attribute("data-conversation-id") or ""

    # ---------------------------------------------------------------- parts
    @property
    def launcher(self) -> Locator:
        return self.page.locator("casinra-chat .launcher")

    @property
    def panel(self) -> Locator:
        return self.page.locator("casinra-chat .panel")

    @property
    def input(self) -> Locator:
        return self.page.locator("casinra-chat textarea")

    @property
    def log(self) -> Locator:
        return self.page.locator("casinra-chat .log")

    def msgs(self, sender: str = "") -> Locator:
        return self.page.locator("casinra-chat .log .msg" + (f".{sender}" if sender else ""))

    @property
    def badge(self) -> Locator:
        return self.page.locator("casinra-chat .badge")

    @property
    def queue_status(self) -> Locator:
        return self.page.locator("casinra-chat .status.queue")

    @property
    def conn_status(self) -> Locator:
        return self.page.locator("casinra-chat .status.conn")

    @property
    def title(self) -> Locator:
        return self.page.locator("casinra-chat header h2")

    @property
    def typing(self) -> Locator:
        return self.page.locator("casinra-chat .typing")

    # ---------------------------------------------------------------- actions
    def open(self) -> None:
        if not self.panel.is_visible():
            self.launcher.click()
        expect(self.panel).to_be_visible()

    def send(self, text: str) -> None:
        self.input.fill(text)
        self.input.press("Enter")
        expect(self.msgs("player").filter(has_text=text).last).to_be_visible()

    def ask(self, text: str) -> Locator:
        """Send `text` and wait for the bot's answer → the answer's locator."""
        before = self.msgs("bot").count()
        self.send(text)
        expect(self.msgs("bot")).to_have_count(before + 1)
        return self.msgs("bot").nth(before)

    def visible_text(self) -> str:
        """Everything the player can read in the open panel (header, statuses, messages, buttons)."""
        return self.panel.inner_text()

    def seqs(self) -> list[int]:
        return [int(s) for s in self.page.eval_on_selector(
            "casinra-chat", "el => [...el.shadowRoot.querySelectorAll('.log .msg')].map(m => m.dataset.seq || '0')")]

    def no_img_in_messages(self) -> bool:
        return self.page.eval_on_selector(
            "casinra-chat", "el => el.shadowRoot.querySelectorAll('.log .bubble img:not(.shot), .log img[src=\"x\"]').length === 0")


class Console:
    def __init__(self, page: Page, gateway: str) -> None:
        self.page = page
        self.gateway = gateway

    def login(self, username: str, password: str, screenshot=None) -> "Console":  # type: ignore[no-untyped-def]
        self.page.goto(self.gateway + "/console")
        self.page.get_by_label("Kullanıcı adı").fill(username)
        self.page.get_by_label("Şifre").fill(password)
        if screenshot:
            screenshot(self.page)
        self.page.get_by_role("button", name="Giriş yap").click()
        expect(self.page.locator(".conn-pill")).to_have_text("Çevrim içi")
        return self

    def queue_item(self, cid: str) -> Locator:
        return self.page.locator(f'.queue-item[data-conversation-id="{cid}"]')

    @property
    def context(self) -> Locator:
        return self.page.locator(".context-body")

    def claim(self, cid: str) -> Locator:
        item = self.queue_item(cid)
        expect(item).to_be_visible()
        item.get_by_role("button", name=re.compile("üstlen")).click()
        panel = self.panel(cid)
        expect(panel).to_be_visible()
        return panel

    def panel(self, cid: str) -> Locator:
        return self.page.locator(f'.chat-panel[data-conversation-id="{cid}"]')

    def tab(self, cid: str) -> Locator:
        return self.page.locator(f'.tab[data-conversation-id="{cid}"]')

    def composer(self, cid: str) -> Locator:
        return self.panel(cid).locator("textarea")

    def resolve(self, cid: str) -> None:
        """Close the chat as resolved (if it is still this agent's) and wait for the read-only banner."""
        panel = self.panel(cid)
        button = panel.get_by_role("button", name="Çözüldü olarak kapat")
        if panel.count() and button.is_visible():
            button.click()
            expect(panel.locator(".released-banner")).to_be_visible()

    def reply(self, cid: str, text: str) -> None:
        box = self.composer(cid)
        box.fill(text)
        box.press("Enter")
        expect(self.panel(cid).locator(".msg.agent").filter(has_text=text).last).to_be_visible()
