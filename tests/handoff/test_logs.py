import json
import logging

from casinra_handoff.logs import JsonFormatter
from casinra_handoff.pii import mask, mask_email, mask_phone, mask_text


def test_masks_pii():
    text = ("kartım 4111 1111 1111 1111, IBAN TR33 0006 1005 1978 6457 8413 26, TC 10000000146, "
            "tel 0532 123 45 67 / +90 533 765 43 21, mail ahmet.yilmaz@example.com")
    out = mask_text(text)
    assert "4111 1111 1111 1111" not in out and "[KART ****1111]" in out
    assert "TR33" not in out and "[IBAN]" in out
    assert "10000000146" not in out and "[TCKN]" in out
    assert "123 45 67" not in out and "765 43 21" not in out
    assert "example.com" not in out and "a***@***" in out


def test_keeps_transaction_ids_and_amounts():
    text = "TX-10482733 ve tx10482733 ile 10482733 numaralı 1.500,00 TL işlem, 2024 yılı"
    assert mask_text(text) == text


def test_mask_structures_and_helpers():
    assert mask({"a": ["ahmet@example.com"]}) == {"a": ["a***@***"]}
    assert mask_email("elif@example.com") == "e***@example.com"
    assert mask_phone("+90 532 111 22 33") == "**********33"


def test_json_log_masks(caplog):
    rec = logging.LogRecord("x", logging.INFO, "", 0, "oyuncu mail ahmet@example.com token=abc.def", (), None)
    rec.text = "kart 4111111111111111"
    out = json.loads(JsonFormatter().format(rec))
    assert "ahmet@example.com" not in out["msg"] and "abc.def" not in out["msg"]
    assert "4111111111111111" not in out["text"]
