"""A tiny stand-in for the Rasa HTTP API, for the gateway's unit tests ONLY.

It speaks the same interface as the real server + bot/channel.py (signed webhook, tracker
events, trigger_intent, tracker). Integration tests in tests/handoff/integration use real Rasa.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import time

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse
from starlette.routing import Route

RATING_BUTTONS = [{"title": "★" * i, "payload": '/rate{"rating":%d}' % i} for i in range(5, 0, -1)]


class FakeRasa:
    def __init__(self, secret: str, token: str) -> None:
        self.secret = secret
        self.token = token
        self.paused: dict[str, bool] = {}
        self.events: dict[str, list[dict]] = {}
        self.received: list[dict] = []
        self.triggered: list[tuple[str, str, dict]] = []
        self.fail = False
        self.app = Starlette(routes=[
            Route("/", self.root),
            Route("/webhooks/casinra/webhook", self.webhook, methods=["POST"]),
            Route("/conversations/{cid}/tracker/events", self.add_events, methods=["POST"]),
            Route("/conversations/{cid}/trigger_intent", self.trigger, methods=["POST"]),
            Route("/conversations/{cid}/tracker", self.tracker, methods=["GET"]),
        ])

    async def root(self, request: Request):
        return PlainTextResponse("Hello from Rasa: 3.6.20 (fake)")

    def _token_ok(self, request: Request) -> bool:
        return request.query_params.get("token") == self.token

    async def webhook(self, request: Request):
        if self.fail:
            return JSONResponse({"error": "down"}, status_code=500)
        raw = await request.body()
        ts = request.headers.get("X-Casinra-Timestamp", "")
        sig = request.headers.get("X-Casinra-Signature", "")
        want = "sha256=" + hmac.new(self.secret.encode(), ts.encode() + b"." + raw, hashlib.sha256).hexdigest()
        if not hmac.compare_digest(sig, want) or abs(time.time() - int(ts or 0)) > 300:
            return JSONResponse({"error": "bad signature"}, status_code=401)
        body = json.loads(raw)
        self.received.append(body)
        cid, text, kind = body["sender"], body["message"], body["kind"]
        if kind == "text" and text.startswith("/"):
            text = " " + text  # neutralised, as bot/channel.py does
        intent = "nlu_fallback"
        out: list[dict] = []
        low = text.lower()
        if self.paused.get(cid):
            out = []
        elif kind == "button" and text.startswith("/rate"):
            intent = "rate"
            out = [{"recipient_id": cid, "text": "Değerlendirmeniz için teşekkürler!"}]
        elif "dolandırıcı" in low or "temsilci" in low or "insan" in low:
            intent = "report_fraud" if "dolandırıcı" in low else "human_handoff"
            urgent = intent == "report_fraud"
            out = [
                {"recipient_id": cid, "text": "Sizi canlı destek temsilcisine aktarıyorum."},
                {"recipient_id": cid, "custom": {"handoff": {
                    "reason": intent, "topic": "security" if urgent else "genel",
                    "priority": "urgent" if urgent else "normal",
                    "summary": "Oyuncu dolandırıcılık bildiriyor." if urgent else "Oyuncu canlı destek istedi."}}},
            ]
            self.paused[cid] = True
        elif "çekim" in low:
            intent = "withdrawal_status"
            if body["metadata"].get("player_id") == "P1001":
                out = [{"recipient_id": cid, "text": "TX-10000001 numaralı 1.500,00 TL çekiminiz beklemede."}]
            else:
                out = [{"recipient_id": cid, "text": "Hesap bilgileriniz için lütfen giriş yapın."}]
        else:
            out = [{"recipient_id": cid, "text": f"Anladım: {text.strip()}",
                    "buttons": [{"title": "Evet", "payload": "/affirm"}, {"title": "Hayır", "payload": "/deny"}]}]
        self.events.setdefault(cid, []).append({
            "event": "user", "text": text, "timestamp": time.time(),
            "parse_data": {"intent": {"name": intent, "confidence": 0.93}, "entities": []},
        })
        return JSONResponse({"messages": out})

    async def add_events(self, request: Request):
        if not self._token_ok(request):
            return JSONResponse({"error": "unauthorized"}, status_code=401)
        cid = request.path_params["cid"]
        for ev in await request.json():
            if ev.get("event") == "resume":
                self.paused[cid] = False
        return JSONResponse({"sender_id": cid})

    async def trigger(self, request: Request):
        if not self._token_ok(request):
            return JSONResponse({"error": "unauthorized"}, status_code=401)
        cid = request.path_params["cid"]
        body = await request.json()
        self.triggered.append((cid, body["name"], body.get("entities") or {}))
        if body["name"] == "EXTERNAL_handoff_resolved":
            name = body["entities"].get("agent_name", "")
            msgs = [{"recipient_id": cid, "text": f"Tekrar merhaba! {name} ile görüşmeniz sona erdi. Bizi puanlar mısınız?",
                     "buttons": RATING_BUTTONS}]
        else:
            msgs = [{"recipient_id": cid, "text": "Üzgünüz, şu anda temsilcimiz yok.",
                     "buttons": [{"title": "E-posta talebi", "payload": "/email_ticket"},
                                 {"title": "Geri arama", "payload": "/callback_request"}]}]
        return JSONResponse({"tracker": {}, "messages": msgs})

    async def tracker(self, request: Request):
        if not self._token_ok(request):
            return JSONResponse({"error": "unauthorized"}, status_code=401)
        cid = request.path_params["cid"]
        return JSONResponse({"sender_id": cid, "slots": {"transaction_id": "TX-10000001", "empty": None},
                             "events": self.events.get(cid, [])})
