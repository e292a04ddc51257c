"""The player widget on its own: XSS as text in both pages, 360 px + keyboard only, reconnect, one-tag embed,
no internal name (topic or intent id) ever shown to a player."""
from __future__ import annotations

import http.server
import json
import re
import threading
import urllib.request

from casinra_contracts.topics import TOPICS
from playwright.sync_api import expect

from .conftest import XSS, internal_ids, shot
from .pages import Console, Widget


def test_markup_in_messages_is_shown_as_text_in_widget_and_console(new_page, gateway_url, agent_password):  # type: ignore[no-untyped-def]
    agent_page, agent_dialogs = new_page(1440, 900)
    player_page, player_dialogs = new_page(1100, 800)
    console = Console(agent_page, gateway_url).login("ayse", agent_password)

    w = Widget(player_page, gateway_url).open_demo()  # a guest
    w.open()
    w.ask(XSS)  # the bot does not understand it; it is still a message like any other
    mine = w.msgs("player").filter(has_text=XSS)
    expect(mine).to_have_count(1)
    assert XSS in mine.locator(".bubble").text_content()
    w.send("Canlı destek istiyorum")
    expect(w.queue_status).to_be_visible()
    cid = w.conversation_id

    panel = console.claim(cid)
    shown = panel.locator(".msg.player").filter(has_text=XSS)
    expect(shown).to_have_count(1)
    assert shown.locator(".msg-body").text_content() == XSS
    expect(agent_page.locator(".context-body")).to_contain_text("Misafir")
    console.reply(cid, "Yanıtınız: " + XSS)
    expect(w.msgs("agent").filter(has_text=XSS)).to_have_count(1)

    expect(panel.locator("img")).to_have_count(0)
    assert agent_page.locator(".transcript img").count() == 0
    assert w.no_img_in_messages()
    player_page.wait_for_timeout(300)  # an onerror handler would have fired by now
    assert player_dialogs.seen == [] and agent_dialogs.seen == []
    shot(player_page, "12-xss-player")
    shot(agent_page, "13-xss-console")
    panel.get_by_role("button", name="Çözüldü olarak kapat").click()
    expect(panel.locator(".released-banner")).to_be_visible()


def test_widget_at_360px_keyboard_only(new_page, gateway_url):  # type: ignore[no-untyped-def]
    page, dialogs = new_page(360, 740, is_mobile=True, has_touch=True, device_scale_factor=2)
    w = Widget(page, gateway_url).open_demo()
    shot(page, "14-mobile-360-demo")

    # Tab through the page until the launcher (inside the shadow root) has focus; Enter opens the panel
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("() => { const el = document.querySelector('casinra-chat'); "
                         "return document.activeElement === el && el.shadowRoot.activeElement "
                         "&& el.shadowRoot.activeElement.classList.contains('launcher'); }"):
            break
    else:
        raise AssertionError("the launcher is not reachable with Tab")
    page.keyboard.press("Enter")
    expect(w.panel).to_be_visible()
    expect(w.input).to_be_focused()
    box = w.panel.bounding_box()
    assert box and box["x"] >= 0 and box["width"] <= 360 and abs(box["width"] - 360) < 1, box
    assert page.evaluate("() => document.documentElement.scrollWidth <= 360")

    page.keyboard.type("Destek saatleriniz nedir?")
    page.keyboard.press("Enter")
    expect(w.msgs("bot")).to_have_count(1)
    expect(w.msgs("bot").last.locator(".quick button").first).to_be_visible()
    # the quick replies sit just above the composer: Shift+Tab from the text box reaches them
    for _ in range(6):
        page.keyboard.press("Shift+Tab")
        if page.evaluate("() => { const a = document.querySelector('casinra-chat').shadowRoot.activeElement; "
                         "return !!a && !!a.closest('.quick'); }"):
            break
    else:
        raise AssertionError("no quick reply reachable with Shift+Tab")
    title = page.evaluate("() => document.querySelector('casinra-chat').shadowRoot.activeElement.textContent")
    page.keyboard.press("Enter")
    expect(w.msgs("player").last).to_have_text(re.compile(re.escape(title)))
    expect(w.msgs("bot")).to_have_count(2)
    expect(w.input).to_be_focused()
    for m in w.msgs().all():
        b = m.bounding_box()
        assert b and b["x"] >= 0 and b["x"] + b["width"] <= 361, b
    shot(page, "15-mobile-360-keyboard")
    page.keyboard.press("Escape")
    expect(w.panel).to_be_hidden()
    expect(w.launcher).to_be_focused()
    assert dialogs.seen == []


def test_lost_connection_shows_one_state_and_replays_after_seq(new_page, gateway_url):  # type: ignore[no-untyped-def]
    page, _ = new_page(1100, 800)
    sockets: list = []
    urls: list[str] = []

    def proxy(ws):  # type: ignore[no-untyped-def]
        urls.append(ws.url)
        server = ws.connect_to_server()
        sockets.append((ws, server))

    page.route_web_socket(re.compile(r"/ws/player"), proxy)
    w = Widget(page, gateway_url).open_demo("P1003")
    w.open()
    w.ask("Destek saatleriniz nedir?")
    have = len(w.seqs())

    # the connection drops right after a question: the bot's answer is stored while the widget is away
    w.input.fill("Bonus çevrim şartım ne durumda?")
    w.input.press("Enter")
    page.wait_for_timeout(150)
    ws, server = sockets[-1]
    server.close()
    ws.close(code=4000, reason="test")  # the page sees the connection drop
    expect(w.conn_status).to_be_visible()
    expect(w.conn_status).to_have_text("Bağlantı koptu, yeniden bağlanıyor…")
    expect(page.locator("casinra-chat .status.conn")).to_have_count(1)
    shot(page, "16-reconnecting")

    expect(w.conn_status).to_be_hidden(timeout=20000)  # back with backoff
    assert len(urls) >= 2 and re.search(r"after_seq=\d+", urls[-1]), urls
    assert int(re.search(r"after_seq=(\d+)", urls[-1]).group(1)) >= have
    expect(w.msgs("bot").filter(has_text="2.340")).to_have_count(1)  # the answer came by replay, once
    seqs = w.seqs()
    assert len(seqs) == len(set(seqs)) and seqs == sorted(seqs), seqs


def test_one_script_tag_on_another_site(new_page, gateway_url, request):  # type: ignore[no-untyped-def]
    req = urllib.request.Request(gateway_url + "/api/demo/token", data=json.dumps({"player_id": "P1004"}).encode(),
                                 headers={"Content-Type": "application/json"})
    token = json.load(urllib.request.urlopen(req, timeout=10))["token"]
    html = ("<!doctype html><html lang=tr><head><meta charset=utf-8><title>Ortak site</title></head>"
            "<body style='font-family:sans-serif;background:#f4f4f8;padding:24px'><h1>Bir iş ortağı sitesi</h1>"
            "<p>Bu sayfaya yalnızca tek satır eklendi: widget.js betiği.</p>"
            f"<script src='{gateway_url}/widget/widget.js' data-token='{token}' data-open></script></body></html>").encode()

    class Site(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(html)))
            self.end_headers()
            self.wfile.write(html)

        def log_message(self, *args) -> None:  # type: ignore[no-untyped-def]
            pass

    # another origin, served for real (a routed page would count as a public site to Chromium's
    # local-network rules; a real partner site talks to a public gateway)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Site)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    request.addfinalizer(server.shutdown)
    site = f"http://localhost:{server.server_address[1]}/"
    page, dialogs = new_page(1100, 760)
    page.goto(site)
    w = Widget(page, gateway_url)
    w.wait_connected("P1004")
    expect(w.panel).to_be_visible()
    expect(page.locator("casinra-chat header p")).to_contain_text("Zeynep Çelik")
    answer = w.ask("Kimlik doğrulamam ne durumda?")
    expect(answer).to_contain_text(re.compile("redd|okunamad", re.I))
    shot(page, "17-embed-third-party")
    assert dialogs.seen == []


def test_invalid_token_shows_a_clear_state_and_does_not_retry(new_page, gateway_url):  # type: ignore[no-untyped-def]
    page, _ = new_page(1000, 700)
    sockets: list[str] = []
    page.on("websocket", lambda ws: sockets.append(ws.url))
    page.goto(gateway_url + "/")
    Widget(page, gateway_url).wait_connected()
    page.evaluate("""() => { const el = document.createElement('casinra-chat');
        el.id = 'bad'; el.setAttribute('token', 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJQMTAwMSJ9.bad'); el.setAttribute('open', '');
        document.querySelector('casinra-chat').remove(); document.body.append(el); }""")
    status = page.locator("#bad .status.fatal")
    expect(status).to_contain_text("Oturumunuz geçersiz")
    expect(page.locator("#bad textarea")).to_be_disabled()
    page.wait_for_timeout(1500)
    assert sum("token=eyJhbGciOiJIUzI1NiJ9" in u for u in sockets) == 1, sockets  # no reconnect loop


def test_player_never_sees_an_internal_name_during_a_handoff(new_page, gateway_url, agent_password):  # type: ignore[no-untyped-def]
    agent_page, _ = new_page(1280, 800)
    console = Console(agent_page, gateway_url).login("ayse", agent_password)  # a hand-off queues only with an agent online
    page, _ = new_page(1100, 800)
    w = Widget(page, gateway_url).open_demo("P1001")
    w.open()
    w.ask("Çekim talebim ne durumda?")
    w.send("Bir temsilciyle görüşmek istiyorum")
    expect(w.queue_status).to_be_visible()
    # the queue notice names the topic by its Turkish label (from the gateway's state frame), never by its id
    expect(w.queue_status).to_contain_text(re.compile("|".join(re.escape(label) for label in TOPICS.values())))
    assert internal_ids(w.visible_text()) == [], w.visible_text()

    cid = w.conversation_id
    console.claim(cid)
    try:
        expect(w.title).to_have_text("Ayşe")
        assert internal_ids(w.visible_text()) == [], w.visible_text()
    finally:
        console.resolve(cid)
    expect(w.page.locator("casinra-chat .quick.rating")).to_be_visible()
    assert internal_ids(w.visible_text()) == [], w.visible_text()
