from pathlib import Path

from casinra_handoff.canned import load_canned

CANNED = Path(__file__).resolve().parents[2] / "handoff" / "canned"


def test_every_canned_file_is_valid_and_turkish():
    topics = load_canned(CANNED)
    assert {t.topic for t in topics} >= {"genel", "payments", "kyc", "bonus", "security", "responsible_gaming"}
    for t in topics:
        assert t.replies
        for r in t.replies:
            assert r.shortcut.startswith("/") and r.text.strip()
