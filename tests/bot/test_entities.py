import pytest

from bot.entities import TurkishEntityExtractor


@pytest.fixture
def extractor(tmp_path):
    regexes = {
        "transaction_id": [r"(?<![\w-])(?:TX|tx|Tx|tX)[-\s]?\d{8}(?!\d)", r"(?<![\w+-])\d{8}(?![\d])"],
        "amount": [r"(?<![\w.,])\d{1,3}(?:\.\d{3})+(?:,\d{1,2})?\s?(?:TL|tl|₺|lira)(?!\w)",
                   r"(?<![\w.,])\d+(?:[.,]\d{1,2})?\s?(?:TL|tl|₺|lira)(?!\w)"],
    }
    lookups = {"payment_method": ["papara", "kredi kartı", "havale"], "document_type": ["pasaport"]}
    synonyms = {"papara": "Papara", "havale": "havale/EFT"}
    return TurkishEntityExtractor(None, None, regexes, lookups, synonyms)


@pytest.mark.parametrize(
    "raw, value",
    [("TX-10482733", "TX-10482733"), ("tx10482733", "TX-10482733"), ("TX 10482733", "TX-10482733"),
     ("10482733", "TX-10482733"), ("TX-123", None)],
)
def test_transaction_ids_in_every_written_form(extractor, raw, value):
    assert extractor.canonical("transaction_id", raw) == value


@pytest.mark.parametrize(
    "raw, value",
    [("1.500,00 TL", "1500.00"), ("1500 TL", "1500.00"), ("250₺", "250.00"), ("₺250", "250.00"),
     ("2000 lira", "2000.00"), ("5 bin TL", "5000.00"), ("1.000 TL", "1000.00"), ("12,5 TL", "12.50"),
     ("12.50 TL", "12.50"), ("TL", None)],
)
def test_turkish_amounts(extractor, raw, value):
    assert extractor.canonical("amount", raw) == value


def values(found):
    return {(e["entity"], e["value"]) for e in found}


def test_lookup_matches_ignore_case_and_turkish_letters(extractor):
    text = "KREDİ KARTI ile değil PAPARA'ya 1.500,00 TL yatırdım, tx10000002"
    found = extractor.extract(text)
    assert values(found) == {
        ("payment_method", "kredi kartı"),
        ("payment_method", "Papara"),
        ("amount", "1500.00"),
        ("transaction_id", "TX-10000002"),
    }
    for entity in found:  # offsets point into the original text
        assert text[entity["start"]:entity["end"]].lower() in {"kredi karti", "papara", "1.500,00 tl", "tx10000002"} \
            or text[entity["start"]:entity["end"]] == "KREDİ KARTI"


def test_ascii_spelling_maps_to_the_canonical_value(extractor):
    assert values(extractor.extract("kredi karti ile yatirdim")) == {("payment_method", "kredi kartı")}
    assert values(extractor.extract("havaleyle gönderdim")) == {("payment_method", "havale/EFT")}


def test_phone_numbers_are_not_transaction_ids(extractor):
    assert values(extractor.extract("numaram 05321234567")) == set()


def test_longest_match_wins(extractor):
    found = extractor.extract("TX-10000001")
    assert values(found) == {("transaction_id", "TX-10000001")}
    assert (found[0]["start"], found[0]["end"]) == (0, 11)
