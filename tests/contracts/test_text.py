from casinra_contracts.text import fold, fold_words, to_ascii, turkish_lower, turkish_upper


def test_turkish_case_rules():
    assert turkish_lower("İSTANBUL IŞIK") == "istanbul ışık"
    assert turkish_upper("istanbul ışık") == "İSTANBUL IŞIK"


def test_fold_is_case_and_letter_insensitive_and_keeps_length():
    for word in ("ÇEKİM", "çekim", "cekim", "Çekim"):
        assert fold(word) == "cekim"
    assert len(fold("İĞNE IŞIK")) == len("İĞNE IŞIK")


def test_fold_words_and_ascii():
    assert fold_words("  Günlük   İPTAL ") == "gunluk iptal"
    assert fold_words(None) == ""
    assert to_ascii("Çekim İşlemi") == "Cekim Islemi"
