import datetime as dt

import pytest

from casinra_handoff.settings import Settings, parse_hours


def test_parse_hours():
    assert parse_hours("09:00-18:00, 20:00-24:00") == [(540, 1080), (1200, 1440)]
    with pytest.raises(ValueError):
        parse_hours("9-18")


def test_support_hours_in_istanbul(monkeypatch):
    s = Settings(SUPPORT_HOURS="09:00-18:00")
    # 07:00 UTC = 10:00 Istanbul
    assert s.within_support_hours(dt.datetime(2024, 5, 1, 7, 0, tzinfo=dt.timezone.utc))
    assert not s.within_support_hours(dt.datetime(2024, 5, 1, 16, 0, tzinfo=dt.timezone.utc))
    night = Settings(SUPPORT_HOURS="22:00-06:00")
    assert night.within_support_hours(dt.datetime(2024, 5, 1, 0, 0, tzinfo=dt.timezone.utc))  # 03:00
    assert Settings(SUPPORT_HOURS="00:00-24:00").within_support_hours()


def test_env(monkeypatch):
    monkeypatch.setenv("GATEWAY_PORT", "8123")
    monkeypatch.setenv("CASINRA_DEMO", "1")
    s = Settings()
    assert s.gateway_port == 8123 and s.demo
    assert s.ensure_demo_password()
