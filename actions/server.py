"""The action server's guard: only Rasa, holding the action token, may run actions.

`rasa run actions` builds rasa_sdk's Sanic app, then calls the `attach_sanic_app_extensions`
hook of rasa_sdk's plugins; `actions/__init__.py` registers this module as one. At that point
the token is read from the settings — without one the server does not start (`MissingSecret`'s
hint) — and every request except `/health` must carry `Authorization: Bearer <token>`, which
Rasa sends (endpoints.yml). Any other request is refused with 401, logged (method, path, peer;
never the body) and written to the back-office audit log (`actor_type` system, `action_refused`).

The server listens on loopback unless `CASINRA_ACTION_HOST` says otherwise: rasa_sdk binds to
`SANIC_HOST` (default 0.0.0.0), which it reads only after this hook has run, so the hook sets it.
"""
from __future__ import annotations

import asyncio
import hmac
import json
import logging
import os
from datetime import datetime, timezone
from typing import Optional

import pluggy
from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from actions.backoffice.db import Database
from actions.settings import ActionSettings
from casinra_contracts.backoffice.schema import audit_log
from casinra_contracts.stack import MissingSecret

logger = logging.getLogger(__name__)
hookimpl = pluggy.HookimplMarker("rasa_sdk")

OPEN_PATHS = frozenset({"/health"})
DEFAULT_HOST = "127.0.0.1"


def authorised(header: Optional[str], token: str) -> bool:
    """True when an `Authorization` header carries exactly this bearer token."""
    return hmac.compare_digest((header or "").encode(), f"Bearer {token}".encode())


class RefusalAudit:
    """Writes a refused request to the audit log; a database problem never changes the answer."""

    def __init__(self, settings: ActionSettings) -> None:
        self.db = Database(settings)

    def write(self, method: str, path: str, peer: str, reason: str) -> None:
        self.db.ensure_schema()
        with self.db.engine.begin() as conn:
            conn.execute(audit_log.insert().values(
                at=datetime.now(timezone.utc), actor_type="system", actor_id="action_server",
                action="action_refused", target=path[:128],
                details=json.dumps({"method": method, "peer": peer, "reason": reason}),
            ))

    async def __call__(self, method: str, path: str, peer: str, reason: str) -> None:
        try:
            await asyncio.to_thread(self.write, method, path, peer, reason)
        except Exception as exc:  # the refusal stands; the log line above still records it
            logger.warning("audit of a refused request failed: %s", exc.__class__.__name__)


@hookimpl
def attach_sanic_app_extensions(app: Sanic) -> None:
    try:
        settings = ActionSettings()
        token = settings.action_token
    except MissingSecret as exc:
        raise SystemExit(f"The action server did not start: {exc}") from None
    os.environ["SANIC_HOST"] = os.environ.get("CASINRA_ACTION_HOST") or DEFAULT_HOST
    audit = RefusalAudit(settings)

    @app.middleware("request")
    async def require_token(request: Request) -> Optional[HTTPResponse]:
        header = request.headers.get("Authorization")
        if request.path in OPEN_PATHS or authorised(header, token):
            return None
        reason = "no token" if (header or "").strip() in ("", "Bearer") else "wrong token"
        logger.warning("refused %s %s from %s: %s", request.method, request.path, request.ip, reason)
        await audit(request.method, request.path, request.ip, reason)
        return response.json({"error": "unauthorized", "message": "a valid action token is required"},
                             status=401)
