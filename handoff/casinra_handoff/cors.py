"""Cross-origin access (CORS) and the pages' security headers.

The REST API answers other sites only where the embedded widget needs it: `POST /api/attachments`
(a player's evidence upload from the page that embeds `widget.js`) for any origin, without
credentials. Every other path answers only the origins of `CASINRA_CORS_ORIGINS` (default: none).
Websockets need no CORS; the pages (`/`, `/console`) carry a content security policy that forbids
framing them (`pages_headers`)."""
from __future__ import annotations

from starlette.datastructures import Headers, MutableHeaders
from starlette.responses import PlainTextResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

WIDGET_PATHS = {"/api/attachments": "POST"}  # what widget.js calls from another site
METHODS = "GET, POST"
HEADERS = "Authorization, Content-Type, X-Filename"

# The demo page and the console: only their own scripts; inline styles (the widget's shadow DOM
# <style>), images from anywhere over https (bot images), the gateway's own websockets, no
# framing, no plugins.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob: https:; "
       "connect-src 'self' ws://{host} wss://{host}; object-src 'none'; base-uri 'none'; form-action 'self'; "
       "frame-ancestors 'none'")


def page_headers(host: str) -> dict[str, str]:
    """The security headers of an HTML page served from `host` (host[:port] of the request)."""
    host = "".join(c for c in host if c.isalnum() or c in ".:-[]") or "localhost"
    return {"Content-Security-Policy": CSP.format(host=host), "X-Frame-Options": "DENY", "Cache-Control": "no-cache"}


def parse_origins(spec: str) -> frozenset[str]:
    return frozenset(o.strip().rstrip("/") for o in spec.split(",") if o.strip())


class Cors:
    """A small CORS middleware with a per-path policy (Starlette's applies one to every path)."""

    def __init__(self, app: ASGIApp, origins: str) -> None:
        self.app = app
        self.origins = parse_origins(origins)

    def _allowed(self, path: str, origin: str, method: str) -> str | None:
        """The Access-Control-Allow-Origin value for this request, or None."""
        if WIDGET_PATHS.get(path) == method:
            return "*"
        if "*" in self.origins:
            return "*"
        return origin if origin in self.origins else None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        origin = headers.get("origin")
        if not origin:
            await self.app(scope, receive, send)
            return
        path = scope["path"]
        preflight = scope["method"] == "OPTIONS" and "access-control-request-method" in headers
        method = headers.get("access-control-request-method", "") if preflight else scope["method"]
        allow = self._allowed(path, origin, method.upper())
        if preflight:
            await self._preflight(allow)(scope, receive, send)
            return

        async def send_with_cors(message: Message) -> None:
            if message["type"] == "http.response.start" and allow:
                out = MutableHeaders(scope=message)
                out["Access-Control-Allow-Origin"] = allow
                if allow != "*":
                    out.add_vary_header("Origin")
            await send(message)

        await self.app(scope, receive, send_with_cors)

    @staticmethod
    def _preflight(allow: str | None) -> Response:
        if not allow:
            return PlainTextResponse("Bu kaynak için başka sitelerden erişim izni yok.", status_code=403)
        return Response(status_code=204, headers={
            "Access-Control-Allow-Origin": allow, "Access-Control-Allow-Methods": METHODS,
            "Access-Control-Allow-Headers": HEADERS, "Access-Control-Max-Age": "600",
            **({"Vary": "Origin"} if allow != "*" else {}),
        })
