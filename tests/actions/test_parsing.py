"""Free-text parsers for form fields (with and without Turkish letters)."""
from __future__ import annotations

from actions.parsing import is_none_answer, parse_email, parse_yes_no


def test_yes_no_none():
    assert parse_yes_no("Evet, eminim") is True
    assert parse_yes_no("hayir istemiyorum") is False
    assert parse_yes_no("evet hayır") is None
    assert is_none_answer("yok") and is_none_answer("Hatırlamıyorum") and not is_none_answer("TX-10000001")


def test_email():
    assert parse_email("adresim: ELIF@example.com") == "elif@example.com"
    assert parse_email("elif at example") is None
