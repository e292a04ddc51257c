import pytest

from casinra_contracts.ids import is_conversation_id, normalise_transaction_id, transaction_id_in, transaction_ids_in


@pytest.mark.parametrize("raw", ["TX-10000004", "tx10000004", "TX 10000004", "tx_10000004", "#10000004", "10000004"])
def test_every_written_form_of_a_transaction_id(raw):
    assert normalise_transaction_id(raw) == "TX-10000004"
    assert transaction_id_in(f"{raw} nedir") == "TX-10000004"


def test_ids_inside_text_in_order_without_repeats():
    assert transaction_ids_in("tx10000004 ve TX-10000001, yine tx10000004") == ["TX-10000004", "TX-10000001"]
    assert transaction_ids_in("telefonum 05321234567") == []
    assert normalise_transaction_id("1234567") is None


def test_conversation_ids():
    assert is_conversation_id("c_0123abcd")
    assert not is_conversation_id("x:seq")
    assert not is_conversation_id("")
