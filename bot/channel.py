"""Rasa input channel for the hand-off gateway.

Every request is signed by the gateway (`casinra_contracts.signing`: HMAC-SHA256 over the
timestamp and the body, with the channel secret of `bot.settings`). Only this channel sets
`player_id` / `player_name` metadata, so actions can trust it. Typed text is never a Rasa
command: a leading `/` in `kind: text` is removed.

A turn is processed once per `message_id` (the gateway's turn id): a gateway that resends a turn
after a crash (its outbox) gets the first answer back instead of a second turn (`TurnLedger`).
"""
from __future__ import annotations

import asyncio
import json
import logging
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text

import redis.asyncio as aioredis

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.settings import BotSettings
from casinra_contracts import signing

logger = logging.getLogger(__name__)

MAX_TEXT_CHARS = 2000
ALLOWED_METADATA = ("player_id", "player_name")
LEDGER_PREFIX = "casinra:turn:"  # the stores' prefix (bot/stores.py)


class TurnLedger:
    """Turns already processed, by message id, in Redis (shared by every Rasa replica): the first
    request claims the id, a repeat waits for and gets the first answer."""

    PENDING = "pending"

    def __init__(self, redis_url: str, pending_ttl_s: int = 120, answer_ttl_s: int = 3600,
                 wait_s: float = 25.0) -> None:
        self.redis_url = redis_url
        self.pending_ttl_s = pending_ttl_s
        self.answer_ttl_s = answer_ttl_s
        self.wait_s = wait_s
        self._redis: Optional[aioredis.Redis] = None

    @property
    def redis(self) -> aioredis.Redis:
        if self._redis is None:  # made in the server's event loop, on first use
            self._redis = aioredis.from_url(self.redis_url, decode_responses=True)
        return self._redis

    async def claim(self, message_id: str) -> bool:
        """True when this request is the first with this id (then `answer` must follow)."""
        return bool(await self.redis.set(LEDGER_PREFIX + message_id, self.PENDING, nx=True, ex=self.pending_ttl_s))

    async def first_answer(self, message_id: str) -> Optional[List[Dict[str, Any]]]:
        """The messages the first request got; None if it is still running after `wait_s`."""
        deadline = asyncio.get_running_loop().time() + self.wait_s
        while True:
            stored = await self.redis.get(LEDGER_PREFIX + message_id)
            if stored is None:  # the first one failed and released the id
                return None
            if stored != self.PENDING:
                return json.loads(stored)
            if asyncio.get_running_loop().time() > deadline:
                return None
            await asyncio.sleep(0.1)

    async def answer(self, message_id: str, messages: List[Dict[str, Any]]) -> None:
        await self.redis.set(LEDGER_PREFIX + message_id, json.dumps(messages, ensure_ascii=False), ex=self.answer_ttl_s)

    async def release(self, message_id: str) -> None:
        await self.redis.delete(LEDGER_PREFIX + message_id)


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
        settings = BotSettings()
        return cls(settings.channel_secret, TurnLedger(settings.redis_url))

    def __init__(self, secret: str, ledger: Optional[TurnLedger] = None) -> None:
        if not secret:
            raise ValueError("the casinra channel needs a secret (CASINRA_CHANNEL_SECRET)")
        self.secret = secret
        self.ledger = ledger

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
            message_id = body.get("message_id") if isinstance(body.get("message_id"), str) else None
            ledger = self.ledger if message_id else None
            if ledger is not None and not await ledger.claim(message_id):
                first = await ledger.first_answer(message_id)
                if first is None:
                    return response.json({"error": "in_progress", "message": "this turn is being processed"},
                                         status=409)
                logger.info("casinra channel: repeated turn %s answered from the ledger", message_id)
                return response.json({"messages": first})
            collector = CollectingOutputChannel()
            try:
                await on_new_message(
                    UserMessage(text, collector, sender, input_channel=self.name(), metadata=trusted,
                                message_id=message_id)
                )
            except BaseException:
                if ledger is not None:
                    await ledger.release(message_id)
                raise
            if ledger is not None:
                await ledger.answer(message_id, collector.messages)
            return response.json({"messages": collector.messages})

        return webhook
