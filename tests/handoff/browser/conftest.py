"""The tickets page and the supervisor's overview in Chromium (Playwright, the gateway's environment)
against their own gateway process (tests/handoff/conftest.py) filled with the generated month."""
from __future__ import annotations

from typing import Iterator

import pytest

from tests.chromium import SHOTS, chromium, without_playwright, shot  # noqa: F401 (SHOTS, shot: the tests import them from here)

collect_ignore_glob = without_playwright("test_*.py")  # the bot's environment skips this folder


@pytest.fixture(scope="session")
def browser() -> Iterator["Browser"]:  # noqa: F821
    with chromium() as b:
        yield b
