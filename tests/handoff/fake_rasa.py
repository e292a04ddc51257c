"""A stand-in for the Rasa server, for the gateway's unit tests ONLY (tests/handoff/integration
talks to the real one).

It speaks the real interface and emits what the real bot emits, built from the shared contract:
the signed channel of `bot/channel.py` (checked with `casinra_contracts.signing.verify`, a typed
leading "/" neutralised), Rasa's collected messages (`{"recipient_id", "text"/"buttons"/"custom"}`),
one hand-off message `Handoff(...).message()` with the contract's topics, reasons and risks (then
the conversation pauses), the rating buttons of `rating_buttons()` after
`EXTERNAL_handoff_resolved`, and the e-mail / callback offer after `EXTERNAL_agents_unavailable`.
Its understanding of Turkish is a handful of keywords; tests must not assert on its wording.
"""
from __future__ import annotations

import asyncio
import json
import time

from casinra_contracts.handoff import (
    EXTERNAL_AGENTS_UNAVAILABLE,
    EXTERNAL_HANDOFF_RESOLVED,
    Handoff,
    rating_buttons,
    rating_from_payload,
)
from casinra_contracts.signing import verify
from casinra_contracts.topics import DEFAULT_TOPIC, NEUTRAL_INTENTS, topic_of
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse
from starlette.routing import Route

# What actions/handoff.py offers when the gateway reports that no agent is available.
UNAVAILABLE_BUTTONS = [{"title": "E-posta ile destek kaydı", "payload": "/email_ticket"},
                       {"title": "Beni geri arayın", "payload": "/callback_request"}]
YES_NO = [{"title": "Evet", "payload": "/affirm"}, {"title": "Hayır", "payload": "/deny"}]

# keyword → (intent, the hand-off the bot asks for; None: the bot answers itself)
SAFETY = Handoff(topic="responsible_gaming", reason="safety", priority="urgent", risk="self_harm",
                 intent="responsible_gaming", summary="Oyuncu kendine zarar verebileceğini yazdı.")
FRAUD = Handoff(topic="security", reason="fraud", priority="urgent", risk="unauthorised_activity",
                intent="report_fraud", summary="Oyuncu hesabında yapmadığı işlemler bildiriyor.")


class FakeRasa:
    def __init__(self, secret: str, token: str) -> None:
        self.secret = secret
        self.token = token
        self.paused: dict[str, bool] = {}
        self.events: dict[str, list[dict]] = {}
        self.received: list[dict] = []
        self.triggered: list[tuple[str, str, dict]] = []
        self.answers: dict[str, dict] = {}  # message id → the first answer (bot/channel.py's ledger)
        self.repeats: list[str] = []  # message ids sent again
        self.slow: dict[str, float] = {}  # a word in the text → seconds to wait before answering
        self.fail = False
        # the action server: when it is down, a turn that needs a custom action gets no message at all
        # (Rasa logs the failed action and carries on), and its /health does not answer 200
        self.actions_up = True
        self.app = Starlette(routes=[
            Route("/", self.root),
            Route("/status", self.status),
            Route("/health", self.actions_health),
            Route("/webhooks/casinra/webhook", self.webhook, methods=["POST"]),
            Route("/conversations/{cid}/tracker/events", self.add_events, methods=["POST"]),
            Route("/conversations/{cid}/trigger_intent", self.trigger, methods=["POST"]),
            Route("/conversations/{cid}/tracker", self.tracker, methods=["GET"]),
        ])

    async def root(self, request: Request):
        return PlainTextResponse("Hello from Rasa: 3.6.21")

    async def status(self, request: Request):
        if not self._token_ok(request):
            return JSONResponse({"error": "unauthorized"}, status_code=401)
        return JSONResponse({"model_file": "casinra.tar.gz", "model_id": "fake", "num_active_training_jobs": 0})

    async def actions_health(self, request: Request):
        """The action server's /health (the fake serves both; CASINRA_ACTION_URL points here)."""
        if not self.actions_up:
            return JSONResponse({"status": "down"}, status_code=503)
        return JSONResponse({"status": "ok"})

    def _token_ok(self, request: Request) -> bool:
        return request.query_params.get("token") == self.token

    def _need(self, cid: str) -> str | None:
        """The player's last substantive intent (what actions/handoff.py reports as the need)."""
        for ev in reversed(self.events.get(cid, [])):
            intent = ev["parse_data"]["intent"]["name"]
            if intent not in NEUTRAL_INTENTS and topic_of(intent):
                return intent
        return None

    async def webhook(self, request: Request):
        if self.fail:
            return JSONResponse({"error": "down"}, status_code=500)
        raw = await request.body()
        problem = verify(self.secret, request.headers, raw)
        if problem:
            return JSONResponse({"error": "unauthorized", "message": problem}, status_code=401)
        body = json.loads(raw)
        message_id = body.get("message_id")
        if message_id in self.answers:  # a repeat of a processed turn: the first answer, processed once
            self.repeats.append(message_id)
            return JSONResponse(self.answers[message_id])
        self.received.append(body)
        cid, text, kind = body["sender"], body["message"], body["kind"]
        for word, seconds in self.slow.items():
            if word in text:
                await asyncio.sleep(seconds)
        if kind == "text":
            text = text.lstrip("/ ")  # neutralised, as bot/channel.py does
        intent, out = self._understand(cid, text, kind, body["metadata"])
        if not self.actions_up and intent != "nlu_fallback":  # its answer comes from a custom action
            out = []
        self.events.setdefault(cid, []).append({
            "event": "user", "text": text, "timestamp": time.time(),
            "parse_data": {"intent": {"name": intent, "confidence": 0.93}, "entities": []},
        })
        answer = {"messages": [{"recipient_id": cid, **m} for m in out]}
        if message_id:
            self.answers[message_id] = answer
        return JSONResponse(answer)

    def _understand(self, cid: str, text: str, kind: str, metadata: dict) -> tuple[str, list[dict]]:
        low = text.lower()
        if self.paused.get(cid):
            return "nlu_fallback", []
        if kind == "button" and rating_from_payload(text) is not None:
            return "rate", [{"text": "Değerlendirmeniz için teşekkür ederim."}]
        if "dayanamıyorum" in low or "dolandırıcı" in low:
            handoff = SAFETY if "dayanamıyorum" in low else FRAUD
            self.paused[cid] = True
            return handoff.intent or "", [{"custom": handoff.message()}]
        if "temsilci" in low or "insan" in low:
            need = self._need(cid) or "human_handoff"
            handoff = Handoff(topic=topic_of(need) or DEFAULT_TOPIC, reason="player_request", intent=need,
                              summary="Oyuncu canlı destek istedi.")
            self.paused[cid] = True
            return "human_handoff", [{"custom": handoff.message()}]
        if "çekim" in low:
            if metadata.get("player_id") == "P1001":
                return "withdrawal_status", [{"text": "TX-10000001 numaralı 1.500,00 TL çekiminiz beklemede."}]
            return "withdrawal_status", [{"text": "Hesap bilgileriniz için lütfen giriş yapın."}]
        return "nlu_fallback", [{"text": f"Anladım: {text.strip()}", "buttons": YES_NO}]

    async def add_events(self, request: Request):
        if not self._token_ok(request):
            return JSONResponse({"error": "unauthorized"}, status_code=401)
        cid = request.path_params["cid"]
        for ev in await request.json():
            if ev.get("event") == "resume":
                self.paused[cid] = False
        return JSONResponse({"sender_id": cid, "events": self.events.get(cid, [])})

    async def trigger(self, request: Request):
        if not self._token_ok(request):
            return JSONResponse({"error": "unauthorized"}, status_code=401)
        cid = request.path_params["cid"]
        body = await request.json()
        name, entities = body["name"], body.get("entities") or {}
        if name == EXTERNAL_HANDOFF_RESOLVED:
            msgs = [{"recipient_id": cid, "buttons": rating_buttons(),
                     "text": f"{entities.get('agent_name')} ile görüşmeniz tamamlandı. Puanlar mısınız?"}]
        elif name == EXTERNAL_AGENTS_UNAVAILABLE:
            msgs = [{"recipient_id": cid, "text": "Şu anda temsilcimiz yok.", "buttons": UNAVAILABLE_BUTTONS}]
        else:
            return JSONResponse({"error": f"unknown intent {name}"}, status_code=404)
        self.triggered.append((cid, name, entities))
        return JSONResponse({"tracker": {}, "messages": msgs})

    async def tracker(self, request: Request):
        if not self._token_ok(request):
            return JSONResponse({"error": "unauthorized"}, status_code=401)
        cid = request.path_params["cid"]
        return JSONResponse({"sender_id": cid, "slots": {"transaction_id": "TX-10000001", "empty": None},
                             "events": self.events.get(cid, [])})
