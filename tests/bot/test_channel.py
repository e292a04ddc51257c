import json
import time
from types import SimpleNamespace

import pytest

from bot.channel import CasinraGatewayInput, neutralise_command
from casinra_contracts.signing import sign
from casinra_contracts.stack import MissingSecret

SECRET = "test-secret"


def request(body: bytes, timestamp=None, signature=None):
    timestamp = str(int(time.time())) if timestamp is None else timestamp
    signature = sign(SECRET, timestamp, body) if signature is None else signature
    return SimpleNamespace(body=body, headers={"X-Casinra-Timestamp": timestamp, "X-Casinra-Signature": signature})


@pytest.fixture
def channel():
    return CasinraGatewayInput(SECRET)


def test_authentic_request_passes(channel):
    assert channel.verify(request(b'{"sender":"c1","message":"selam"}')) is None


def test_tampered_body_is_rejected(channel):
    good = request(b'{"metadata":{"player_id":"P1002"}}')
    good.body = b'{"metadata":{"player_id":"P1001"}}'
    assert channel.verify(good) == "bad signature"


def test_stale_or_missing_signature_is_rejected(channel):
    assert channel.verify(request(b"{}", timestamp=str(int(time.time()) - 3600))) == "stale timestamp"
    assert channel.verify(request(b"{}", signature="")) == "missing signature"
    assert channel.verify(request(b"{}", timestamp="abc")) == "missing signature"


def test_wrong_secret_is_rejected(channel):
    body = json.dumps({"sender": "x"}).encode()
    ts = str(int(time.time()))
    assert channel.verify(request(body, ts, sign("other", ts, body))) == "bad signature"


@pytest.mark.parametrize(
    "typed, sent",
    [("/human_handoff", "human_handoff"), ("  //restart", "restart"), ('/rate{"rating":5}', 'rate{"rating":5}'),
     ("merhaba / selam", "merhaba / selam")],
)
def test_typed_commands_are_neutralised(typed, sent):
    assert neutralise_command(typed) == sent


def test_channel_needs_a_secret():
    with pytest.raises(ValueError):
        CasinraGatewayInput("")


def test_channel_takes_its_secret_from_the_settings(monkeypatch, tmp_path):
    monkeypatch.setenv("CASINRA_STATE_DIR", str(tmp_path))
    monkeypatch.setenv("CASINRA_CHANNEL_SECRET", "from-the-environment")
    assert CasinraGatewayInput.from_credentials(None).secret == "from-the-environment"
    monkeypatch.delenv("CASINRA_CHANNEL_SECRET")
    (tmp_path / "secrets.json").write_text('{"CASINRA_CHANNEL_SECRET": "from-the-stack"}')
    assert CasinraGatewayInput.from_credentials(None).secret == "from-the-stack"


def test_channel_without_a_secret_refuses_with_the_hint(monkeypatch, tmp_path):
    monkeypatch.setenv("CASINRA_STATE_DIR", str(tmp_path))
    monkeypatch.delenv("CASINRA_CHANNEL_SECRET", raising=False)
    with pytest.raises(MissingSecret, match=r"CASINRA_CHANNEL_SECRET.*make -s env"):
        CasinraGatewayInput.from_credentials({})
