"""Debian's Chromium (/usr/bin/chromium, from apt) under Playwright for every browser suite: one
launch, one screenshot helper. No browser is downloaded; the suites skip with a clear reason when
Chromium is missing."""
from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHOTS = ROOT / "docs" / "screenshots"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-dev-shm-usage"]


def without_playwright(*globs: str) -> list[str]:
    """A browser folder's `collect_ignore_glob`: its files in an interpreter without Playwright
    (the bot's environment), nothing in the gateway's."""
    try:
        import playwright  # noqa: F401
    except ImportError:
        return list(globs)
    return []


@contextmanager
def chromium() -> Iterator["Browser"]:  # noqa: F821
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium)")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield browser
        finally:
            browser.close()


def shot(page, name: str, full: bool = False) -> None:  # type: ignore[no-untyped-def]
    """docs/screenshots/<name>.png of the page (the README shows them)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=full)
