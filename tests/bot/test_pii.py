from bot.pii import mask_pii


def test_masks_every_kind_of_personal_data():
    text = ("kartım 4543 1234 5678 9012, IBAN TR12 0006 2000 1234 0006 7890 12, TC 12345678950, "
            "tel 0532 123 45 67, mail ahmet.yilmaz@example.com")
    masked = mask_pii(text)
    for secret in ["4543 1234", "TR12", "12345678950", "0532", "ahmet.yilmaz"]:
        assert secret not in masked
    assert "[kart]" in masked and "[IBAN]" in masked and "[TCKN]" in masked
    assert "[telefon]" in masked and "[e-posta]" in masked


def test_transaction_ids_and_amounts_survive():
    assert mask_pii("TX-10000001 için 1.500,00 TL") == "TX-10000001 için 1.500,00 TL"
