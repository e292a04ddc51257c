"""The content page in Chromium (Playwright, the gateway's environment) against its own gateway, a
Rasa replica and the fixture project in a temporary Git repository."""
from __future__ import annotations

from typing import Iterator

import pytest

from tests.chromium import chromium, shot, without_playwright  # noqa: F401 (shot: the tests import it from here)

collect_ignore_glob = without_playwright("test_*.py")  # the bot's environment skips this folder


@pytest.fixture(scope="session")
def browser() -> Iterator["Browser"]:  # noqa: F821
    with chromium() as b:
        yield b
