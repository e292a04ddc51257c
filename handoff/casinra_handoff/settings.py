"""One typed settings object, read from the environment (full-stack-fastapi-template style)."""
from __future__ import annotations

import datetime as dt
import secrets
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

REPO_ROOT = Path(__file__).resolve().parents[2]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=None, extra="ignore", populate_by_name=True)

    redis_url: str = Field("redis://127.0.0.1:6379/0", alias="REDIS_URL")
    rasa_url: str = Field("http://127.0.0.1:5005", alias="RASA_URL")
    rasa_token: str = Field("", alias="CASINRA_RASA_TOKEN")
    channel_secret: str = Field("dev-channel-secret", alias="CASINRA_CHANNEL_SECRET")
    jwt_secret: str = Field("dev-jwt-secret-change-me-32-bytes!", alias="CASINRA_JWT_SECRET")
    backoffice_db_url: str = Field(
        f"sqlite:///{REPO_ROOT / 'var' / 'backoffice.db'}", alias="BACKOFFICE_DB_URL"
    )
    gateway_port: int = Field(8000, alias="GATEWAY_PORT")
    demo: bool = Field(False, alias="CASINRA_DEMO")
    demo_agent_password: str = Field("", alias="CASINRA_DEMO_AGENT_PASSWORD")
    support_hours: str = Field("00:00-24:00", alias="SUPPORT_HOURS")
    support_tz: str = Field("Europe/Istanbul", alias="SUPPORT_TZ")
    widget_dir: Path = Field(REPO_ROOT / "widget", alias="CASINRA_WIDGET_DIR")
    canned_dir: Path = Field(Path(__file__).resolve().parents[1] / "canned", alias="CASINRA_CANNED_DIR")
    attachments_dir: Path = Field(REPO_ROOT / "var" / "attachments", alias="CASINRA_ATTACHMENTS_DIR")
    key_prefix: str = Field("casinra", alias="CASINRA_KEY_PREFIX")
    # sites allowed to call the REST API from the browser (the widget is embedded on other sites)
    cors_origins: str = Field("*", alias="CASINRA_CORS_ORIGINS")

    # grace periods and timings (seconds)
    agent_grace_s: float = Field(60.0, alias="AGENT_GRACE_S")
    queue_offline_grace_s: float = Field(30.0, alias="QUEUE_OFFLINE_GRACE_S")
    presence_heartbeat_s: float = Field(3.0, alias="PRESENCE_HEARTBEAT_S")
    presence_ttl_s: float = Field(10.0, alias="PRESENCE_TTL_S")
    sweep_interval_s: float = Field(1.0, alias="SWEEP_INTERVAL_S")
    conversation_ttl_s: int = Field(7 * 24 * 3600, alias="CONVERSATION_TTL_S")
    agent_session_ttl_s: int = Field(12 * 3600, alias="AGENT_SESSION_TTL_S")
    default_handle_time_s: float = Field(180.0, alias="DEFAULT_HANDLE_TIME_S")
    rasa_timeout_s: float = Field(30.0, alias="RASA_TIMEOUT_S")

    # rate limits (token bucket per connection) and size limits
    player_rate_per_s: float = Field(1.0, alias="PLAYER_RATE_PER_S")
    player_burst: int = Field(8, alias="PLAYER_BURST")
    agent_rate_per_s: float = Field(5.0, alias="AGENT_RATE_PER_S")
    agent_burst: int = Field(30, alias="AGENT_BURST")
    login_rate_per_min: int = Field(10, alias="LOGIN_RATE_PER_MIN")
    max_frame_bytes: int = Field(8192, alias="MAX_FRAME_BYTES")
    max_text_chars: int = Field(2000, alias="MAX_TEXT_CHARS")
    max_attachment_bytes: int = Field(5 * 1024 * 1024, alias="MAX_ATTACHMENT_BYTES")

    log_level: str = Field("INFO", alias="LOG_LEVEL")

    @field_validator("support_hours")
    @classmethod
    def _check_hours(cls, v: str) -> str:
        parse_hours(v)
        return v

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.support_tz)

    def within_support_hours(self, now: dt.datetime | None = None) -> bool:
        now = (now or dt.datetime.now(dt.timezone.utc)).astimezone(self.tz)
        minute = now.hour * 60 + now.minute
        for start, end in parse_hours(self.support_hours):
            if start <= end:
                if start <= minute < end:
                    return True
            elif minute >= start or minute < end:  # wraps midnight, e.g. 22:00-06:00
                return True
        return False

    def ensure_demo_password(self) -> str:
        if not self.demo_agent_password:
            self.demo_agent_password = secrets.token_urlsafe(9)
        return self.demo_agent_password


def parse_hours(spec: str) -> list[tuple[int, int]]:
    """`"09:00-18:00,20:00-24:00"` → [(540, 1080), (1200, 1440)] minutes of the day."""
    out = []
    for part in spec.split(","):
        part = part.strip()
        try:
            a, b = part.split("-")
            ha, ma = (int(x) for x in a.split(":"))
            hb, mb = (int(x) for x in b.split(":"))
        except ValueError as exc:
            raise ValueError(f"bad SUPPORT_HOURS range {part!r}, expected HH:MM-HH:MM") from exc
        start, end = ha * 60 + ma, hb * 60 + mb
        if not (0 <= start <= 1440 and 0 <= end <= 1440):
            raise ValueError(f"bad SUPPORT_HOURS range {part!r}")
        out.append((start, end))
    return out


@lru_cache
def get_settings() -> Settings:
    return Settings()
