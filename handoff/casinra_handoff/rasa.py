"""Client for the Rasa server: signed player turns (`casinra_contracts.signing`, checked by
`bot/channel.py`), tracker events, external intents."""
from __future__ import annotations

import json
from typing import Any

import httpx
from casinra_contracts.signing import signed_headers


class RasaError(Exception):
    pass


class RasaClient:
    def __init__(self, base_url: str, token: str, channel_secret: str, timeout: float = 30.0) -> None:
        self.base = base_url.rstrip("/")
        self.token = token
        self.secret = channel_secret
        self.http = httpx.AsyncClient(timeout=timeout)

    async def aclose(self) -> None:
        await self.http.aclose()

    async def _call(self, what: str, method: str, path: str, **kw: Any) -> Any:
        """One request; anything but a 200 with JSON is a `RasaError`."""
        try:
            resp = await self.http.request(method, f"{self.base}{path}", **kw)
            if resp.status_code != 200:
                raise RasaError(f"rasa {what} returned {resp.status_code}")
            return resp.json()
        except httpx.HTTPError as exc:
            raise RasaError(f"rasa unreachable: {exc.__class__.__name__}") from exc
        except ValueError as exc:
            raise RasaError(f"rasa {what} answered with invalid JSON") from exc

    async def _api(self, what: str, method: str, path: str, **kw: Any) -> Any:
        """A call to Rasa's HTTP API (authenticated with the token)."""
        return await self._call(what, method, path, params={"token": self.token} if self.token else {}, **kw)

    async def send_turn(
        self, conversation_id: str, message: str, kind: str, message_id: str, metadata: dict[str, Any]
    ) -> list[dict[str, Any]]:
        body = json.dumps(
            {"sender": conversation_id, "message": message, "kind": kind, "message_id": message_id,
             "metadata": metadata},
            ensure_ascii=False,
        ).encode("utf-8")
        headers = {"Content-Type": "application/json", **signed_headers(self.secret, body)}
        return _messages(await self._call("webhook", "POST", "/webhooks/casinra/webhook", content=body, headers=headers))

    async def resume(self, conversation_id: str) -> None:
        # The bot paused right after its hand-off action; an action_listen makes the next
        # (external) intent a fresh turn that rules can match.
        await self._api("events", "POST", f"/conversations/{conversation_id}/tracker/events",
                        json=[{"event": "resume"}, {"event": "action", "name": "action_listen"}])

    async def trigger_intent(self, conversation_id: str, name: str, entities: dict[str, Any]) -> list[dict[str, Any]]:
        return _messages(await self._api("trigger_intent", "POST", f"/conversations/{conversation_id}/trigger_intent",
                                         json={"name": name, "entities": entities}))

    async def tracker(self, conversation_id: str) -> dict[str, Any]:
        return await self._api("tracker", "GET", f"/conversations/{conversation_id}/tracker")

    async def ready(self, timeout: httpx.Timeout | None = None) -> bool:
        """Rasa answers and has a model loaded (`GET /status`, authenticated)."""
        data = await self._api("status", "GET", "/status", **({"timeout": timeout} if timeout is not None else {}))
        return isinstance(data, dict) and bool(data.get("model_file") or data.get("model_id"))

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
