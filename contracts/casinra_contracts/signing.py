"""Signatures between services.

The gateway → Rasa channel: every request carries ``X-Casinra-Timestamp`` (unix seconds) and
``X-Casinra-Signature: sha256=<hex HMAC-SHA256(secret, f"{timestamp}.{body}")>``; a request older or
newer than ``MAX_SKEW_S`` is refused.
"""
from __future__ import annotations

import hashlib
import hmac
import time
from typing import Callable, Mapping, Optional

TIMESTAMP_HEADER = "X-Casinra-Timestamp"
SIGNATURE_HEADER = "X-Casinra-Signature"
MAX_SKEW_S = 300


def sign(secret: str, timestamp: str, body: bytes) -> str:
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def signed_headers(secret: str, body: bytes, now: Optional[float] = None) -> dict[str, str]:
    timestamp = str(int(time.time() if now is None else now))
    return {TIMESTAMP_HEADER: timestamp, SIGNATURE_HEADER: sign(secret, timestamp, body)}


def verify(
    secret: str, headers: Mapping[str, str] | Callable[[str], Optional[str]], body: bytes,
    now: Optional[float] = None,
) -> Optional[str]:
    """None when the request is authentic, otherwise why it is not."""
    get = headers if callable(headers) else headers.get
    timestamp = get(TIMESTAMP_HEADER) or ""
    signature = get(SIGNATURE_HEADER) or ""
    if not timestamp.isdigit() or not signature:
        return "missing signature"
    if abs((time.time() if now is None else now) - int(timestamp)) > MAX_SKEW_S:
        return "stale timestamp"
    if not hmac.compare_digest(sign(secret, timestamp, body), signature):
        return "bad signature"
    return None
