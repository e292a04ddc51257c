from casinra_contracts.pii import mask, mask_email, mask_phone, mask_text, name_parts


def test_every_kind_of_personal_data_is_masked():
    text = ("kart 4111 1111 1111 1111, IBAN TR33 0006 1005 1978 6457 8413 26, TC 12345678901, "
            "tel +90 532 123 45 67 ya da 0532 123 45 67, posta ahmet.yilmaz@example.com")
    masked = mask_text(text)
    assert "4111" not in masked.replace("****1111", "")
    assert "[kart ****1111]" in masked and "[IBAN]" in masked and "[T.C. kimlik no]" in masked
    assert masked.count("[telefon]") == 2 and "[e-posta]" in masked
    assert "example.com" not in masked


def test_transaction_ids_and_amounts_stay():
    assert mask_text("TX-10000001 için 1.500,00 TL, 10000002") == "TX-10000001 için 1.500,00 TL, 10000002"


def test_names_and_nested_values():
    assert mask_text("Ben Ahmet Yılmaz, ahmet diyebilirsiniz", name_parts("Ahmet Yılmaz")) == "Ben [ad], [ad] diyebilirsiniz"
    assert mask({"a": ["tel 05321234567"], "n": 3}) == {"a": ["tel [telefon]"], "n": 3}
    assert mask_email("ahmet@example.com") == "a***@example.com"
    assert mask_phone("+90 532 123 45 67") == "**********67"


def test_digits_inside_identifiers_are_not_personal_data():
    cid = "c_15af795dbc2840193801234567890123"
    assert mask_text(f"conversation {cid} failed") == f"conversation {cid} failed"
    assert mask_text("kart: 4111111111111111.") == "kart: [kart ****1111]."
