"""End-to-end fixtures: the real Rasa server and action server of the test stack
(scripts/test.sh starts them and exports their URLs and secrets)."""
import os
import uuid

import pytest
import requests

from bot.gateway_client import ChannelClient, Identity


@pytest.fixture(scope="session")
def rasa_url():
    url = os.environ.get("CASINRA_RASA_URL")
    if not url:
        pytest.skip("CASINRA_RASA_URL is not set: run through `make test` (scripts/test.sh starts the stack)")
    return url


@pytest.fixture(scope="session")
def client(rasa_url):
    return ChannelClient(rasa_url, os.environ["CASINRA_CHANNEL_SECRET"])


@pytest.fixture
def conversation():
    return f"e2e-{uuid.uuid4().hex[:12]}"


@pytest.fixture
def api(rasa_url):
    token = os.environ["CASINRA_RASA_TOKEN"]

    def call(method, path, **kwargs):
        response = requests.request(method, f"{rasa_url}{path}", params={"token": token}, timeout=60, **kwargs)
        response.raise_for_status()
        return response.json()

    return call


AHMET = Identity("P1001", "Ahmet Yılmaz")
ELIF = Identity("P1002", "Elif Demir")
MEHMET = Identity("P1003", "Mehmet Kaya")
ZEYNEP = Identity("P1004", "Zeynep Çelik")
GUEST = Identity()
