"""The content page in Chromium (Playwright, the gateway's environment) against its own gateway, a
Rasa replica and the fixture project in a temporary Git repository."""
from __future__ import annotations

from typing import Iterator

import pytest

from tests.chromium import chromium, shot  # noqa: F401 (shot: the tests import it from here)

try:  # the gateway's environment has Playwright; the bot's skips this folder
    import playwright  # noqa: F401
except ImportError:  # pragma: no cover
    collect_ignore_glob = ["test_*.py"]


@pytest.fixture(scope="session")
def browser() -> Iterator["Browser"]:  # noqa: F821
    with chromium() as b:
        yield b
