import datetime as dt

import pytest

from casinra_handoff.hours import open_at, parse_hours


def test_parse_hours():
    assert parse_hours("09:00-18:00, 20:00-24:00") == [(540, 1080), (1200, 1440)]
    for bad in ("9-18", "09:00-25:00", "x"):
        with pytest.raises(ValueError):
            parse_hours(bad)


def test_support_hours_are_istanbul_time():
    # 07:00 UTC = 10:00 in Istanbul
    assert open_at("09:00-18:00", dt.datetime(2024, 5, 1, 7, 0, tzinfo=dt.timezone.utc))
    assert not open_at("09:00-18:00", dt.datetime(2024, 5, 1, 16, 0, tzinfo=dt.timezone.utc))
    assert open_at("22:00-06:00", dt.datetime(2024, 5, 1, 0, 0, tzinfo=dt.timezone.utc))  # 03:00, wraps midnight
    assert open_at("00:00-24:00")
