from datetime import date, datetime, timezone
from decimal import Decimal

import pytest

from casinra_contracts.dates import add_business_days, format_date, format_datetime
from casinra_contracts.money import AmountError, format_money, format_percent, normalise_amount, parse_amount, to_minor


@pytest.mark.parametrize("text,value", [
    ("1.500,00 TL", "1500.00"), ("₺1500", "1500.00"), ("2 bin", "2000.00"), ("1,5 bin TL", "1500.00"),
    ("1,500.50", "1500.50"), ("750", "750.00"), ("bin", "1000.00"),
])
def test_amounts_as_players_write_them(text, value):
    assert parse_amount(text) == Decimal(value)
    assert normalise_amount(text) == value


@pytest.mark.parametrize("text,reason", [("-50 TL", "negative"), ("0", "zero"), ("çok", "unreadable")])
def test_amount_errors(text, reason):
    with pytest.raises(AmountError) as err:
        parse_amount(text)
    assert err.value.reason == reason


def test_money_and_percent_in_turkish():
    assert format_money(150000) == "1.500,00 TL"
    assert format_money(-5) == "-0,05 TL"
    assert format_money(None) is None
    assert to_minor("12.345") == 1235
    assert format_percent(2340, 5000) == "%46,8"
    assert format_percent(5000, 5000) == "%100"


def test_dates_in_istanbul_time():
    assert format_date(date(2026, 11, 23)) == "23 Kasım 2026"
    late_utc = datetime(2026, 11, 23, 22, 30, tzinfo=timezone.utc)
    assert format_date(late_utc) == "24 Kasım 2026"
    assert format_datetime(late_utc) == "24 Kasım 2026, 01:30"
    friday = datetime(2026, 11, 27, 9, 0, tzinfo=timezone.utc)
    assert add_business_days(friday, 1).date() == date(2026, 11, 30)
