"""Signed requests to the `casinra` input channel (what the gateway does, in Python).

Used by `make chat`, the end-to-end tests and the benchmark.
"""
from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass
from typing import Any, Dict, List, Optional

import requests

from casinra_contracts.signing import SIGNATURE_HEADER, TIMESTAMP_HEADER, sign

WEBHOOK = "/webhooks/casinra/webhook"


@dataclass
class Identity:
    player_id: Optional[str] = None
    player_name: Optional[str] = None

    def metadata(self) -> Dict[str, str]:
        if not self.player_id:
            return {}
        return {"player_id": self.player_id, "player_name": self.player_name or ""}


class ChannelClient:
    def __init__(self, rasa_url: str, secret: str, timeout: float = 30.0) -> None:
        self.rasa_url = rasa_url.rstrip("/")
        self.secret = secret
        self.timeout = timeout
        self.session = requests.Session()

    def post_raw(self, body: bytes, timestamp: Optional[str] = None, signature: Optional[str] = None) -> requests.Response:
        timestamp = timestamp or str(int(time.time()))
        headers = {
            "Content-Type": "application/json",
            TIMESTAMP_HEADER: timestamp,
            SIGNATURE_HEADER: signature or sign(self.secret, timestamp, body),
        }
        return self.session.post(self.rasa_url + WEBHOOK, data=body, headers=headers, timeout=self.timeout)

    def send(self, sender: str, text: str, identity: Identity, kind: str = "text") -> List[Dict[str, Any]]:
        body = json.dumps(
            {
                "sender": sender,
                "message": text,
                "kind": kind,
                "message_id": uuid.uuid4().hex,
                "metadata": identity.metadata(),
            },
            ensure_ascii=False,
        ).encode()
        response = self.post_raw(body)
        response.raise_for_status()
        return response.json()["messages"]
