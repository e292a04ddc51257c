"""The tickets page and the supervisor's overview in Chromium (Playwright, the gateway's environment)
against their own gateway process (tests/handoff/conftest.py) filled with the generated month."""
from __future__ import annotations

from typing import Iterator

import pytest

from tests.chromium import SHOTS, chromium, shot  # noqa: F401 (SHOTS, shot: the tests import them from here)

try:  # the gateway's environment has Playwright; the bot's skips this folder
    import playwright  # noqa: F401
except ImportError:  # pragma: no cover
    collect_ignore_glob = ["test_*.py"]


@pytest.fixture(scope="session")
def browser() -> Iterator["Browser"]:  # noqa: F821
    with chromium() as b:
        yield b
