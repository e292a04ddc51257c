"""One typed settings object, read from `CASINRA_*` environment variables.

Defaults follow the local stack (`casinra_contracts.stack`), so a gateway started by hand finds the
same Redis, back-office database, Rasa server and state folder as `make run`. Secrets have no
default: each comes from the environment, else from the local stack's `var/<profile>/secrets.json`
(written by `make run`); without it the gateway refuses to start (`MissingSecret`).
"""
from __future__ import annotations

from pathlib import Path

from casinra_contracts import stack
from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from .clientip import parse_proxies
from .hours import parse_hours

REPO_ROOT = Path(__file__).resolve().parents[2]

# field → its environment variable; the demo agents' password is needed in demo mode only
SECRETS = {"jwt_secret": "CASINRA_JWT_SECRET", "channel_secret": "CASINRA_CHANNEL_SECRET",
           "rasa_token": "CASINRA_RASA_TOKEN"}
DEMO_SECRETS = {"demo_agent_password": "CASINRA_DEMO_AGENT_PASSWORD"}


def _layout() -> stack.StackLayout:
    return stack.StackLayout.from_env()


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CASINRA_", env_file=None, extra="ignore")

    # where the other parts live (defaults: the local stack's profile)
    redis_url: str = Field(default_factory=lambda: _layout().redis_url)  # state, queues, pub/sub, quotas
    db_url: str = Field(default_factory=lambda: _layout().db_url)  # the back-office (SQLAlchemy URL)
    rasa_url: str = Field(default_factory=lambda: _layout().rasa_url)  # the Rasa server (or HAProxy in front of several)
    # the action server Rasa calls (its /health is part of /readyz)
    action_url: str = Field(default_factory=lambda: _layout().action_url)
    gateway_host: str = "127.0.0.1"  # interface the gateway binds
    gateway_port: int = Field(default_factory=lambda: _layout().port("gateway"))  # its HTTP and websocket port
    attachments_dir: Path = Field(default_factory=lambda: _layout().state_dir / "attachments")  # uploaded files
    widget_dir: Path = REPO_ROOT / "widget"  # the widget, console and demo site it serves
    canned_dir: Path = Path(__file__).resolve().parents[1] / "canned"  # the agents' canned replies
    key_prefix: str = "casinra"  # every Redis key starts with it (keys.py)
    demo: bool = False  # demo mode: demo site, demo tokens, local mailbox
    # other sites allowed to call the REST API from a browser, comma-separated (default none; the
    # widget's upload is open to every site, see cors.py)
    cors_origins: str = ""
    # reverse proxies (IPs or CIDRs, comma-separated) whose X-Forwarded-For is believed (clientip.py)
    trusted_proxies: str = ""
    log_level: str = "INFO"  # Python logging level

    # secrets (see the module docstring); never printed
    jwt_secret: str = Field("", repr=False)  # signs player and agent tokens
    channel_secret: str = Field("", repr=False)  # HMAC of the gateway → Rasa channel
    rasa_token: str = Field("", repr=False)  # token of Rasa's HTTP API
    demo_agent_password: str = Field("", repr=False)  # the demo users' password (demo mode only)

    # live support (Istanbul time) and timings, in seconds
    support_hours: str = "00:00-24:00"  # when agents work, e.g. "09:00-23:00" (hours.py)
    agent_grace_s: float = 60.0  # an agent's chats wait this long for a dropped console to return
    queue_offline_grace_s: float = 30.0  # with no agent online this long, queued chats go back to the bot
    presence_heartbeat_s: float = 3.0  # how often a console renews its presence
    presence_ttl_s: float = 10.0  # a console not heard of for this long counts as offline
    sweep_interval_s: float = 1.0  # how often the sweeper checks graces and timeouts (sweeper.py)
    conversation_ttl_s: int = 7 * 24 * 3600  # a conversation's live state and history in Redis
    # a conversation nobody has written in yet (a socket opened and left) is forgotten after this
    idle_conversation_ttl_s: int = 900
    agent_session_ttl_s: int = 12 * 3600  # an agent's login
    default_handle_time_s: float = 180.0  # assumed chat length for the wait estimate until one is measured
    rasa_timeout_s: float = 30.0  # one turn's wait for Rasa before the player gets the apology
    # how long a socket's background loops retry a lost Redis before the socket is ended (the client reconnects)
    redis_retry_s: float = 30.0

    # tickets by mail (mail.py): the outbound relay by URL (smtp://, smtp+starttls://, smtps://, with
    # user:password@; empty: mails stay queued), the inbound SMTP listener (port 0: off) and the support
    # address players write to; make run points them at the local mailbox (scripts/mailbox.py)
    mail_relay_url: str = Field("", repr=False)  # outbound SMTP relay (empty: the demo mailbox, else queued)
    mail_from: str = "Casinra Destek <destek@casinra.com>"  # sender and support address
    mail_inbound_host: str = "127.0.0.1"  # interface of the inbound SMTP listener
    mail_inbound_port: int = -1  # -1: the gateway's port + 26 in demo mode, else off; 0: off
    mail_poll_s: float = 2.0  # how often the outbox of mails is sent
    mail_max_attempts: int = 5  # sending attempts before a mail is marked failed
    # the demo's local mailbox (mailbox.py): in demo mode without a relay, an SMTP server on this port
    # (-1: the gateway's port + 25; 0: none) keeps every mail as a .eml file here, shown at /mailbox
    mailbox_port: int = -1
    mailbox_dir: Path = Field(default_factory=lambda: _layout().state_dir / "mailbox")  # the demo mailbox's .eml files
    live_interval_s: float = 5.0  # how often live.py refreshes the SLA and queue gauges
    # where Rasa keeps its trackers (bot/stores.py), read by the supervisor's figures (figures.py)
    tracker_prefix: str = "casinra:tracker:"
    # how often one replica copies the trackers' facts to the archive (conversation_facts), well within
    # the trackers' lifetime (CASINRA_TRACKER_TTL_S, 7 days)
    facts_interval_s: float = 600.0

    # rate limits (token bucket per connection) and sizes
    player_rate_per_s: float = 1.0  # a player socket's messages per second …
    player_burst: int = 8  # … and burst
    agent_rate_per_s: float = 5.0  # a console socket's frames per second …
    agent_burst: int = 30  # … and burst
    login_rate_per_min: int = 10  # login attempts per client IP
    login_lockout_failures: int = 5  # failed logins of one user name before it is locked out …
    login_lockout_s: int = 900  # … for this long
    # quotas shared by every replica (quota.py; 0 = no limit)
    quota_frames_per_min_who: int = 120  # inbound frames of one player (a guest: one conversation) or agent
    quota_frames_per_min_ip: int = 600  # inbound frames per client IP
    quota_frames_per_s_all: int = 2000  # inbound frames of everybody
    quota_sockets_per_min_ip: int = 60  # sockets opened per client IP
    quota_guest_conversations_per_hour_ip: int = 60  # guest conversations started per client IP
    quota_guest_uploads_per_hour_ip: int = 10  # guests' uploads per client IP
    quota_player_uploads_per_hour_ip: int = 60  # signed-in players' uploads per client IP
    quota_upload_bytes_per_conversation: int = 25 * 1024 * 1024  # all uploads of one conversation
    max_frame_bytes: int = 8192  # a JSON frame above this is refused with an error frame
    # a websocket message above this is refused by the protocol layer (error frame, then close 1009)
    ws_max_bytes: int = 1024 * 1024
    # permessage-deflate on the sockets: chat frames are small, and compressing each one costs CPU on
    # the relay's path and a zlib context per socket; on for clients on slow links, at that price
    ws_compression: bool = False
    # refused frames (rate limited, invalid) a socket may send, refilled 1/s, before it is closed as a flood
    flood_strikes: int = 30
    max_text_chars: int = 2000  # the longest message
    max_attachment_bytes: int = 5 * 1024 * 1024  # the largest attachment

    # the content team's loop (routes_content.py, routes_models.py): the model registry Rasa pulls
    # the live model from, the Git worktree of the content branch and the kit that works on it
    registry_dir: Path = Field(default_factory=lambda: _layout().state_dir / "registry")  # models and promotion history
    model_seed: Path = REPO_ROOT / "models" / "casinra.tar.gz"  # `make train`'s model, adopted when new
    rasa_replicas: str = ""  # every Rasa server (comma-separated URLs) the page reports on; default rasa_url
    content_dir: Path = REPO_ROOT / "var" / "content"  # worktree, candidates and reports of the content loop
    content_repo: Path = REPO_ROOT  # the Git repository editors commit to
    content_branch: str = "content"  # the branch of their commits
    content_base: str = "main"  # the branch it starts from
    bot_python: Path = REPO_ROOT / ".venv-bot" / "bin" / "python"  # runs the content kit (Rasa's environment)
    promote_margin: float = 0.01  # a guarded figure may be at most this much below the live model's
    promote_guards: str = "safety_recall,handoff_recall,macro_f1,journey_pass_rate"  # figures a promotion must not worsen

    @property
    def inbound_port(self) -> int:
        """Where the inbound SMTP listener listens (0: it does not)."""
        if self.mail_inbound_port >= 0:
            return self.mail_inbound_port
        return self.gateway_port + 26 if self.demo else 0

    @property
    def local_mailbox_port(self) -> int:
        """The demo's local mailbox port (0: none, a relay is configured or this is not a demo)."""
        if self.mail_relay_url or not self.demo:
            return 0
        return self.mailbox_port if self.mailbox_port >= 0 else self.gateway_port + 25

    @property
    def relay_url(self) -> str:
        """The relay mails go out through: the configured one, else the demo's local mailbox."""
        port = self.local_mailbox_port
        return self.mail_relay_url or (f"smtp://127.0.0.1:{port}" if port else "")

    @field_validator("trusted_proxies")
    @classmethod
    def _check_proxies(cls, v: str) -> str:
        parse_proxies(v)
        return v

    @field_validator("support_hours")
    @classmethod
    def _check_hours(cls, v: str) -> str:
        parse_hours(v)
        return v

    @model_validator(mode="after")
    def _load_secrets(self) -> "Settings":
        """Fill every missing secret from the stack's secrets file, or raise `MissingSecret`."""
        for field, name in {**SECRETS, **(DEMO_SECRETS if self.demo else {})}.items():
            if not getattr(self, field):
                setattr(self, field, stack.secret(name))
        return self
