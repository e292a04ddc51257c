"""Logs are JSON, with personal data masked by the shared contract (casinra_contracts.pii)."""
import json
import logging

from casinra_handoff.logs import JsonFormatter


def test_json_log_masks_personal_data_and_tokens():
    rec = logging.LogRecord("x", logging.INFO, "", 0, "oyuncu mail ahmet@example.com token=abc.def", (), None)
    rec.text = "kart 4111 1111 1111 1111, tel 0532 123 45 67"
    rec.details = {"iban": "TR33 0006 1005 1978 6457 8413 26"}
    out = json.loads(JsonFormatter().format(rec))
    assert out["msg"] == "oyuncu mail [e-posta] token=***" and out["level"] == "info"
    assert out["text"] == "kart [kart ****1111], tel [telefon]"
    assert out["details"] == {"iban": "[IBAN]"}


def test_tracebacks_are_masked():
    try:
        raise ValueError("bad phone 0532 123 45 67")
    except ValueError:
        rec = logging.LogRecord("x", logging.ERROR, "", 0, "failed", (), None)
        import sys
        rec.exc_info = sys.exc_info()
    out = json.loads(JsonFormatter().format(rec))
    assert "123 45 67" not in out["exc"] and "[telefon]" in out["exc"]
