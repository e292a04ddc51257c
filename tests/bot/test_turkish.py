import pytest

from bot.turkish import ascii_fold, fold, to_ascii, turkish_lower, turkish_upper


@pytest.mark.parametrize(
    "text, lowered",
    [("İSTANBUL", "istanbul"), ("IŞIK", "ışık"), ("ŞİFREMİ UNUTTUM", "şifremi unuttum"), ("Çekim", "çekim")],
)
def test_turkish_lower_handles_dotted_and_dotless_i(text, lowered):
    assert turkish_lower(text) == lowered
    assert "İ".lower() != "i"  # why this module exists


def test_turkish_upper_round_trips():
    assert turkish_upper("istanbul ışık") == "İSTANBUL IŞIK"


@pytest.mark.parametrize("variant", ["ÇEKİM", "çekim", "cekim", "Cekim", "CEKIM", "çEkİm"])
def test_fold_makes_case_and_letters_irrelevant(variant):
    assert fold(variant) == "cekim"


def test_fold_is_length_preserving_so_offsets_stay_valid():
    for text in ["Para ÇEKEMİYORUM, İPTAL!", "ıİiI şŞ ğĞ", "₺1.500,00"]:
        assert len(fold(text)) == len(text)


def test_ascii_helpers():
    assert ascii_fold("çığöşü") == "cigosu"
    assert to_ascii("Çekim İşlemi Öğle") == "Cekim Islemi Ogle"
