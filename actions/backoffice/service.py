"""The process-wide back-office and the one way actions call it: with a time-out."""
from __future__ import annotations

import asyncio
import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Callable, Optional, TypeVar

from actions.backoffice.repository import BackOffice, BackOfficeUnavailable
from actions.settings import ActionSettings

logger = logging.getLogger(__name__)

T = TypeVar("T")

_lock = threading.Lock()
_backoffice: Optional[BackOffice] = None
_pool: Optional[ThreadPoolExecutor] = None


def get_backoffice() -> BackOffice:
    """The shared repository, built from the environment on first use (no I/O here)."""
    global _backoffice
    if _backoffice is None:
        with _lock:
            if _backoffice is None:
                _backoffice = BackOffice(ActionSettings())
    return _backoffice


def set_backoffice(backoffice: Optional[BackOffice]) -> None:
    """Replace the shared repository (tests, other adapters). ``None`` resets to the env."""
    global _backoffice
    with _lock:
        if _backoffice is not None and _backoffice is not backoffice:
            _backoffice.db.dispose()
        _backoffice = backoffice


def _executor() -> ThreadPoolExecutor:
    global _pool
    if _pool is None:
        with _lock:
            if _pool is None:
                _pool = ThreadPoolExecutor(max_workers=8, thread_name_prefix="backoffice")
    return _pool


async def ask(call: Callable[[BackOffice], T], *, timeout: Optional[float] = None) -> T:
    """Run ``call(backoffice)`` in a worker thread; give up after the configured time-out.

    Raises :class:`BackOfficeUnavailable` for any failure, so actions can apologise.
    """
    try:
        backoffice = get_backoffice()
    except ValueError as exc:  # a malformed setting, e.g. CASINRA_BACKOFFICE_CALL_TIMEOUT=abc
        logger.error("back-office settings are invalid: %s", exc)
        raise BackOfficeUnavailable("settings") from exc
    limit = timeout if timeout is not None else backoffice.settings.call_timeout
    loop = asyncio.get_running_loop()
    future = loop.run_in_executor(_executor(), call, backoffice)
    try:
        return await asyncio.wait_for(future, limit)
    except asyncio.TimeoutError as exc:
        logger.warning("back-office call timed out after %.1fs", limit)
        raise BackOfficeUnavailable("timeout") from exc
    except BackOfficeUnavailable:
        raise
    except Exception as exc:  # never let a back-office problem reach the player as a crash
        logger.exception("unexpected back-office failure")
        raise BackOfficeUnavailable(exc.__class__.__name__) from exc
