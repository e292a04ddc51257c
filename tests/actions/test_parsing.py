"""Free-text parsers for form fields (with and without Turkish letters)."""
from __future__ import annotations

from decimal import Decimal

import pytest

from actions.parsing import (
    AmountError,
    fold,
    is_none_answer,
    parse_amount,
    parse_email,
    parse_yes_no,
    transaction_id_in,
)


def test_fold():
    assert fold("İPTAL Işık Günlük ÇAĞRI") == "iptal isik gunluk cagri"


@pytest.mark.parametrize("text,value", [("1500.00", "1500.00"), ("1.500,00 TL", "1500.00"), ("1,5 bin", "1500.00"),
                                        ("250,50", "250.50"), ("₺ 40", "40.00"), ("2 milyon", "2000000.00")])
def test_amounts(text, value):
    assert parse_amount(text) == Decimal(value)


@pytest.mark.parametrize("text,reason", [("-100", "negative"), ("eksi 5", "negative"), ("0,00", "zero"),
                                         ("yüz lira", "unreadable")])
def test_bad_amounts(text, reason):
    with pytest.raises(AmountError) as info:
        parse_amount(text)
    assert info.value.reason == reason


def test_yes_no_none():
    assert parse_yes_no("Evet, eminim") is True
    assert parse_yes_no("hayir istemiyorum") is False
    assert parse_yes_no("evet hayır") is None
    assert is_none_answer("yok") and is_none_answer("Hatırlamıyorum") and not is_none_answer("TX-10000001")


def test_transaction_ids_and_email():
    assert transaction_id_in("işlem no tx-10000004, yatmadı") == "TX-10000004"
    assert transaction_id_in("0532 123 45 67") is None
    assert parse_email("adresim: ELIF@example.com") == "elif@example.com"
    assert parse_email("elif at example") is None
