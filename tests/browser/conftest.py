"""Browser tests: Playwright (sync API) driving Debian's Chromium against a running stack.

Needs `GATEWAY_URL` (e.g. from `python3 scripts/devstack.py env --profile test`) and the demo agents'
password (`CASINRA_DEMO_AGENT_PASSWORD`, else `$CASINRA_STATE_DIR/demo-agent-password` or
`var/test/demo-agent-password`). Without `GATEWAY_URL` every test is skipped with the reason.
Screenshots of each step go to docs/screenshots/.
"""
from __future__ import annotations

import json
import os
import re
import urllib.error
import urllib.request
from pathlib import Path
from typing import Iterator

import pytest

from tests.chromium import SHOTS, chromium, without_playwright

collect_ignore_glob = without_playwright("test_*.py", "pages.py")  # the bot's environment skips this folder

ROOT = Path(__file__).resolve().parents[2]
XSS = "<img src=x onerror=alert(1)>"


def internal_ids(text: str) -> list[str]:
    """Internal names in text meant for people: `snake_case` identifiers and the contract's ids
    (topics, intents, reasons, risks) — except ids that are also ordinary words ("bonus", "KYC", "phishing")."""
    from casinra_contracts import topics

    ids = set(topics.TOPICS) | set(topics.INTENTS) | set(topics.REASONS) | set(topics.RISKS)
    words = {w for w in ids if "_" not in w} - {"bonus", "kyc", "dispute", "complaint", "language", "safety", "phishing"}
    found = re.findall(r"\b[a-z]+(?:_[a-z]+)+\b", text)
    found += [w for w in re.findall(r"\b[a-z]+\b", text) if w in words]
    return found


def capitalised(label: str) -> str:
    """A lower-case contract label as a table cell shows it ("inceleniyor" → "İnceleniyor")."""
    first = {"i": "İ", "ı": "I"}.get(label[:1], label[:1].upper())
    return first + label[1:]


# one bot turn goes through the gateway, Rasa (2 CPU cores shared) and the action server
BOT_TIMEOUT_MS = int(os.environ.get("BROWSER_BOT_TIMEOUT_MS", "45000"))


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if os.environ.get("GATEWAY_URL"):
        return
    skip = pytest.mark.skip(reason="GATEWAY_URL is not set: start the stack (python3 scripts/devstack.py start "
                                   "--profile test) and export `python3 scripts/devstack.py env --profile test`")
    for item in items:
        if Path(str(item.fspath)).resolve().is_relative_to(Path(__file__).parent):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def gateway_url() -> str:
    url = os.environ["GATEWAY_URL"].rstrip("/")
    try:
        with urllib.request.urlopen(url + "/readyz", timeout=5) as r:
            ready = json.loads(r.read())
    except urllib.error.HTTPError as exc:
        pytest.fail(f"gateway at {url} is not ready: {exc.code} {exc.read()[:200]!r}")
    except OSError as exc:
        pytest.fail(f"gateway at {url} is not reachable ({exc}); is the stack running?")
    assert ready.get("status") == "ok", ready
    try:
        with urllib.request.urlopen(url + "/api/demo/players", timeout=5) as r:
            json.loads(r.read())
    except urllib.error.HTTPError:
        pytest.skip("the gateway is not in demo mode (CASINRA_DEMO=1): the demo page cannot mint tokens")
    return url


@pytest.fixture(scope="session")
def agent_password() -> str:
    if os.environ.get("CASINRA_DEMO_AGENT_PASSWORD"):
        return os.environ["CASINRA_DEMO_AGENT_PASSWORD"]
    for folder in filter(None, [os.environ.get("CASINRA_STATE_DIR"), str(ROOT / "var" / "test")]):
        path = Path(folder) / "demo-agent-password"
        if path.is_file():
            return path.read_text().strip()
    pytest.skip("the demo agents' password is unknown: set CASINRA_DEMO_AGENT_PASSWORD")


@pytest.fixture(scope="session")
def browser() -> Iterator["Browser"]:  # noqa: F821
    with chromium() as b:
        yield b


class Dialogs:
    """Records every JS dialog (alert/confirm/prompt) a page opens; an XSS would show up here."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    def __call__(self, dialog) -> None:  # type: ignore[no-untyped-def]
        self.seen.append(f"{dialog.type}: {dialog.message}")
        dialog.dismiss()


@pytest.fixture
def new_page(browser, gateway_url):  # type: ignore[no-untyped-def]
    """new_page(width=1280, height=800) → (page, dialogs) in a fresh context (own storage = own player)."""
    contexts = []

    def make(width: int = 1280, height: int = 800, **kw):  # type: ignore[no-untyped-def]
        ctx = browser.new_context(viewport={"width": width, "height": height}, locale="tr-TR",
                                  timezone_id="Europe/Istanbul", **kw)
        ctx.set_default_timeout(BOT_TIMEOUT_MS)
        contexts.append(ctx)
        page = ctx.new_page()
        dialogs = Dialogs()
        page.on("dialog", dialogs)
        errors: list[str] = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.js_errors = errors  # type: ignore[attr-defined]
        return page, dialogs

    yield make
    for ctx in contexts:
        ctx.close()


def shot(page, name: str, **kw) -> Path:  # type: ignore[no-untyped-def]
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path), **kw)
    return path
