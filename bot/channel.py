"""Rasa input channel for the hand-off gateway.

Every request is signed by the gateway (`casinra_contracts.signing`: HMAC-SHA256 over the
timestamp and the body, with the channel secret of `bot.settings`). Only this channel sets
`player_id` / `player_name` metadata, so actions can trust it. Typed text is never a Rasa
command: a leading `/` in `kind: text` is removed.
"""
from __future__ import annotations

import json
import logging
from typing import Any, Awaitable, Callable, Dict, Optional, Text

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.settings import BotSettings
from casinra_contracts import signing

logger = logging.getLogger(__name__)

MAX_TEXT_CHARS = 2000
ALLOWED_METADATA = ("player_id", "player_name")


def neutralise_command(text: str) -> str:
    """`/restart` typed by a player becomes the plain text `restart`."""
    stripped = text.lstrip()
    while stripped.startswith("/"):
        stripped = stripped[1:].lstrip()
    return stripped


class CasinraGatewayInput(InputChannel):
    @classmethod
    def name(cls) -> Text:
        return "casinra"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "CasinraGatewayInput":
        """The secret comes from the settings (credentials.yml only names the channel);
        without one this raises `MissingSecret` and Rasa does not start."""
        return cls(BotSettings().channel_secret)

    def __init__(self, secret: str) -> None:
        if not secret:
            raise ValueError("the casinra channel needs a secret (CASINRA_CHANNEL_SECRET)")
        self.secret = secret

    def verify(self, request: Request) -> Optional[str]:
        """None when the request is authentic, otherwise the reason it is not."""
        return signing.verify(self.secret, request.headers, request.body or b"")

    def blueprint(
        self, on_new_message: Callable[[UserMessage], Awaitable[Any]]
    ) -> Blueprint:
        webhook = Blueprint("casinra_webhook", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            problem = self.verify(request)
            if problem:
                logger.warning("casinra channel rejected a request: %s", problem)
                return response.json({"error": "unauthorized", "message": problem}, status=401)
            try:
                body = json.loads(request.body or b"")
            except ValueError:
                return response.json({"error": "bad_request", "message": "invalid JSON"}, status=400)
            if not isinstance(body, dict):
                return response.json({"error": "bad_request", "message": "expected an object"}, status=400)
            sender, text = body.get("sender"), body.get("message")
            kind = body.get("kind", "text")
            metadata = body.get("metadata") or {}
            if not isinstance(sender, str) or not sender or not isinstance(text, str):
                return response.json(
                    {"error": "bad_request", "message": "sender and message must be strings"}, status=400
                )
            if kind not in ("text", "button") or not isinstance(metadata, dict):
                return response.json({"error": "bad_request", "message": "bad kind or metadata"}, status=400)
            if len(text) > MAX_TEXT_CHARS:
                return response.json({"error": "too_large", "message": "message too long"}, status=413)
            if kind == "text":
                text = neutralise_command(text)
            if not text.strip():
                return response.json({"error": "bad_request", "message": "empty message"}, status=400)
            trusted = {k: metadata[k] for k in ALLOWED_METADATA if isinstance(metadata.get(k), str)}
            collector = CollectingOutputChannel()
            await on_new_message(
                UserMessage(
                    text,
                    collector,
                    sender,
                    input_channel=self.name(),
                    metadata=trusted,
                    message_id=body.get("message_id") if isinstance(body.get("message_id"), str) else None,
                )
            )
            return response.json({"messages": collector.messages})

        return webhook
