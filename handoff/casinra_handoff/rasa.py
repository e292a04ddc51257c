"""Client for the Rasa server: signed player turns, tracker events, external intents."""
from __future__ import annotations

import hashlib
import hmac
import json
import time
from typing import Any

import httpx


class RasaError(Exception):
    pass


def sign(secret: str, timestamp: str, body: bytes) -> str:
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


class RasaClient:
    def __init__(self, base_url: str, token: str, channel_secret: str, timeout: float = 30.0) -> None:
        self.base = base_url.rstrip("/")
        self.token = token
        self.secret = channel_secret
        self.http = httpx.AsyncClient(timeout=timeout)

    async def aclose(self) -> None:
        await self.http.aclose()

    def _params(self) -> dict[str, str]:
        return {"token": self.token} if self.token else {}

    async def send_turn(
        self, conversation_id: str, message: str, kind: str, message_id: str, metadata: dict[str, Any]
    ) -> list[dict[str, Any]]:
        body = json.dumps(
            {"sender": conversation_id, "message": message, "kind": kind, "message_id": message_id,
             "metadata": metadata},
            ensure_ascii=False,
        ).encode("utf-8")
        ts = str(int(time.time()))
        headers = {
            "Content-Type": "application/json",
            "X-Casinra-Timestamp": ts,
            "X-Casinra-Signature": sign(self.secret, ts, body),
        }
        try:
            resp = await self.http.post(f"{self.base}/webhooks/casinra/webhook", content=body, headers=headers)
        except httpx.HTTPError as exc:
            raise RasaError(f"rasa unreachable: {exc.__class__.__name__}") from exc
        if resp.status_code != 200:
            raise RasaError(f"rasa webhook returned {resp.status_code}")
        return _messages(resp.json())

    async def resume(self, conversation_id: str) -> None:
        try:
            resp = await self.http.post(
                f"{self.base}/conversations/{conversation_id}/tracker/events",
                # The bot paused right after its hand-off action; an action_listen
                # makes the next (external) intent a fresh turn that rules can match.
                params=self._params(),
                json=[{"event": "resume"}, {"event": "action", "name": "action_listen"}],
            )
        except httpx.HTTPError as exc:
            raise RasaError(f"rasa unreachable: {exc.__class__.__name__}") from exc
        if resp.status_code != 200:
            raise RasaError(f"rasa events returned {resp.status_code}")

    async def trigger_intent(
        self, conversation_id: str, name: str, entities: dict[str, Any]
    ) -> list[dict[str, Any]]:
        try:
            resp = await self.http.post(
                f"{self.base}/conversations/{conversation_id}/trigger_intent",
                params=self._params(),
                json={"name": name, "entities": entities},
            )
        except httpx.HTTPError as exc:
            raise RasaError(f"rasa unreachable: {exc.__class__.__name__}") from exc
        if resp.status_code != 200:
            raise RasaError(f"rasa trigger_intent returned {resp.status_code}")
        return _messages(resp.json())

    async def tracker(self, conversation_id: str) -> dict[str, Any]:
        try:
            resp = await self.http.get(
                f"{self.base}/conversations/{conversation_id}/tracker", params=self._params()
            )
        except httpx.HTTPError as exc:
            raise RasaError(f"rasa unreachable: {exc.__class__.__name__}") from exc
        if resp.status_code != 200:
            raise RasaError(f"rasa tracker returned {resp.status_code}")
        return resp.json()

    async def ping(self) -> bool:
        try:
            resp = await self.http.get(f"{self.base}/", timeout=2.0)
            return resp.status_code == 200
        except httpx.HTTPError:
            return False


def _messages(data: Any) -> list[dict[str, Any]]:
    if isinstance(data, dict):
        msgs = data.get("messages") or []
    elif isinstance(data, list):
        msgs = data
    else:
        msgs = []
    return [m for m in msgs if isinstance(m, dict)]


def tracker_context(tracker: dict[str, Any]) -> dict[str, Any]:
    """What the bot knew: the player's turns with intents/confidences, and the filled slots."""
    intents = []
    for ev in tracker.get("events") or []:
        if ev.get("event") != "user":
            continue
        pd = ev.get("parse_data") or {}
        intent = pd.get("intent") or {}
        intents.append({
            "text": ev.get("text"),
            "intent": intent.get("name"),
            "confidence": intent.get("confidence"),
            "ts": ev.get("timestamp"),
            "entities": [{"entity": e.get("entity"), "value": e.get("value")} for e in pd.get("entities") or []],
        })
    slots = {k: v for k, v in (tracker.get("slots") or {}).items() if v not in (None, [], "")}
    return {"intents": intents[-30:], "slots": slots}
