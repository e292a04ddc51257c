from pathlib import Path

import pytest
from casinra_contracts.topics import TOPICS

from casinra_handoff.canned import load_canned

CANNED = Path(__file__).resolve().parents[2] / "handoff" / "canned"


def test_every_canned_file_is_named_after_a_contract_topic():
    topics = load_canned(CANNED)
    assert {t.topic for t in topics} == {"payments", "kyc", "bonus", "security", "responsible_gaming", "support"}
    for t in topics:
        assert t.title == TOPICS[t.topic] and t.replies
        for r in t.replies:
            assert r.shortcut.startswith("/") and r.text.strip()


def test_a_file_with_another_topic_name_is_refused(tmp_path):
    (tmp_path / "genel.yml").write_text("topic: genel\nreplies: []\n", encoding="utf-8")
    with pytest.raises(ValueError, match="named after its topic"):
        load_canned(tmp_path)
    (tmp_path / "genel.yml").rename(tmp_path / "support.yml")
    with pytest.raises(ValueError, match="named after its topic"):
        load_canned(tmp_path)
