"""The action server's guard: only Rasa, holding the action token, may run actions.

`rasa run actions` builds rasa_sdk's Sanic app, then calls the `attach_sanic_app_extensions`
hook of rasa_sdk's plugins; `actions/__init__.py` registers this module as one. At that point
the token is read from the settings — without one the server does not start (`MissingSecret`'s
hint) — and every request except `/health` must carry `Authorization: Bearer <token>`, which
Rasa sends (endpoints.yml); any other request is refused with 401 and logged.
"""
from __future__ import annotations

import hmac
import logging
from typing import Optional

import pluggy
from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

from actions.settings import ActionSettings
from casinra_contracts.stack import MissingSecret

logger = logging.getLogger(__name__)
hookimpl = pluggy.HookimplMarker("rasa_sdk")

OPEN_PATHS = frozenset({"/health"})


def authorised(header: Optional[str], token: str) -> bool:
    """True when an `Authorization` header carries exactly this bearer token."""
    return hmac.compare_digest((header or "").encode(), f"Bearer {token}".encode())


@hookimpl
def attach_sanic_app_extensions(app: Sanic) -> None:
    try:
        token = ActionSettings().action_token
    except MissingSecret as exc:
        raise SystemExit(f"The action server did not start: {exc}") from None

    @app.middleware("request")
    async def require_token(request: Request) -> Optional[HTTPResponse]:
        if request.path in OPEN_PATHS or authorised(request.headers.get("Authorization"), token):
            return None
        logger.warning("refused %s %s from %s: no valid action token", request.method, request.path, request.ip)
        return response.json({"error": "unauthorized", "message": "a valid action token is required"},
                             status=401)
