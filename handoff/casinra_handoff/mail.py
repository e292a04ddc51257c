"""Tickets by mail: the worker that sends queued mails through the SMTP relay, and the inbound
SMTP listener whose mails thread into their tickets (`tickets.TicketDesk.inbound`).

Outbound: `CASINRA_MAIL_RELAY_URL` — `smtp://host:port` (plain), `smtp+starttls://…` or
`smtps://…` (TLS), with `user:password@` when the relay wants a login; empty: mails stay queued (in
demo mode they go to the local mailbox, mailbox.py).
Every mail gets a Message-ID under the support address's domain, `In-Reply-To`/`References` of its
thread and the ticket's reference in the subject. A failed try is retried with backoff
(`CASINRA_MAIL_MAX_ATTEMPTS` tries), each try claimed in the database so replicas never send one twice.

Inbound: an aiosmtpd server on `CASINRA_MAIL_INBOUND_HOST:CASINRA_MAIL_INBOUND_PORT` (0: off; in demo
mode by default the gateway's port + 26) takes
mail for the support address's domain; PNG, JPEG and PDF attachments whose content matches their
type are kept under the attachments folder (`tickets/`), readable only by the ticket's agent.
"""
from __future__ import annotations

import asyncio
import email
import email.policy
import email.utils
import logging
import re
import secrets
import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from html import unescape
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import redis.asyncio as aioredis
from aiosmtpd.smtp import SMTP, Envelope, Session

from .attachments import SIGNATURES, content_matches, safe_name
from .keys import Keys
from .metrics import Metrics
from .settings import Settings
from .tickets import InboundMail, TicketDesk

log = logging.getLogger("casinra.mail")

# ------------------------------------------------------------------------------------ outbound


@dataclass(frozen=True)
class Relay:
    host: str
    port: int
    security: str  # plain | starttls | tls
    user: str | None = None
    password: str | None = None

    @classmethod
    def from_url(cls, url: str) -> "Relay":
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        security = {"smtp": "plain", "smtp+starttls": "starttls", "smtps": "tls"}.get(scheme)
        if security is None or not parts.hostname:
            raise ValueError("mail relay URL: smtp://, smtp+starttls:// or smtps://host[:port]")
        port = parts.port or {"plain": 25, "starttls": 587, "tls": 465}[security]
        return cls(parts.hostname, port, security, unquote(parts.username) if parts.username else None,
                   unquote(parts.password) if parts.password else None)

    def send(self, msg: EmailMessage, timeout: float = 15.0) -> None:
        if self.security == "tls":
            client: smtplib.SMTP = smtplib.SMTP_SSL(self.host, self.port, timeout=timeout,
                                                    context=ssl.create_default_context())
        else:
            client = smtplib.SMTP(self.host, self.port, timeout=timeout)
        with client:
            if self.security == "starttls":
                client.starttls(context=ssl.create_default_context())
            if self.user:
                client.login(self.user, self.password or "")
            client.send_message(msg)


def domain_of(address: str) -> str:
    return email.utils.parseaddr(address)[1].rpartition("@")[2] or "localhost"


def build_message(row: dict[str, Any], sender: str) -> tuple[EmailMessage, str]:
    """The mail of a queued ticket message, and its new Message-ID."""
    message_id = f"<{row['reference']}.{row['id']}.{secrets.token_hex(6)}@{domain_of(sender)}>"
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = row["to_addr"]
    msg["Subject"] = row["subject"]
    msg["Message-ID"] = message_id
    msg["Date"] = email.utils.format_datetime(row["at"])
    thread = [i for i in (row.get("thread_id"), row.get("in_reply_to")) if i]
    if row.get("in_reply_to"):
        msg["In-Reply-To"] = row["in_reply_to"]
    if thread:
        msg["References"] = " ".join(dict.fromkeys(thread))
    msg["X-Casinra-Ticket"] = row["reference"]
    msg.set_content(row["body"] or "")
    return msg, message_id


class MailWorker:
    """Sends what is queued in `ticket_messages`; any number of replicas may run one."""

    def __init__(self, settings: Settings, desk: TicketDesk, redis: aioredis.Redis, keys: Keys,
                 metrics: Metrics) -> None:
        self.settings = settings
        self.desk = desk
        self.redis = redis
        self.keys = keys
        self.metrics = metrics
        self.relay = Relay.from_url(settings.relay_url) if settings.relay_url else None
        self.wake = asyncio.Event()

    async def run(self) -> None:
        while True:
            try:
                if self.relay is not None:
                    await self.send_queued()
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # the database or Redis is away: next round
                log.warning("mail round failed: %s", exc.__class__.__name__)
            try:
                await asyncio.wait_for(self.wake.wait(), self.settings.mail_poll_s)
            except asyncio.TimeoutError:
                pass
            self.wake.clear()

    async def send_queued(self) -> int:
        """One round: every queued mail not waiting for its backoff; returns how many went out."""
        assert self.relay is not None
        sent = 0
        limit = self.settings.mail_max_attempts
        for row in await asyncio.to_thread(self.desk.outbox, 20, limit):
            if await self.redis.exists(self.keys.mail_backoff(row["id"])):
                continue
            if not await asyncio.to_thread(self.desk.claim, row["id"], row["attempts"]):
                continue  # another replica is on it
            msg, message_id = build_message(row, self.settings.mail_from)
            try:
                await asyncio.to_thread(self.relay.send, msg)
            except (OSError, smtplib.SMTPException) as exc:
                final = row["attempts"] + 1 >= limit
                await asyncio.to_thread(self.desk.failed, row["id"], exc.__class__.__name__, final)
                await self.redis.set(self.keys.mail_backoff(row["id"]), 1, ex=min(600, 5 * 2 ** row["attempts"]))
                self.metrics.mails.labels("out", "failed" if final else "retry").inc()
                log.warning("mail not sent", extra={"ticket": row["reference"], "error": exc.__class__.__name__,
                                                   "final": final})
                continue
            await asyncio.to_thread(self.desk.sent, row["id"], row["ticket_id"], message_id)
            self.metrics.mails.labels("out", "sent").inc()
            log.info("mail sent", extra={"ticket": row["reference"]})
            sent += 1
        return sent


# ------------------------------------------------------------------------------------ inbound
_QUOTE_HEADER = re.compile(r"^(on .+ wrote:|.+ tarihinde .+ (şunu )?yazdı:|-----\s*original message\s*-----)\s*$",
                           re.IGNORECASE)


def _reply_text(text: str) -> str:
    """What the player wrote, without the quoted mail below it."""
    out = []
    for line in text.splitlines():
        if _QUOTE_HEADER.match(line.strip()):
            break
        if not line.lstrip().startswith(">"):
            out.append(line.rstrip())
    return "\n".join(out).strip()


def _html_text(html: str) -> str:
    html = re.sub(r"(?is)<(script|style).*?</\1>", " ", html)
    html = re.sub(r"(?i)<br\s*/?>|</p>", "\n", html)
    return unescape(re.sub(r"<[^>]+>", " ", html))


def parse_inbound(raw: bytes, max_attachment_bytes: int) -> InboundMail:
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    body_part = msg.get_body(preferencelist=("plain", "html"))
    body = ""
    if body_part is not None:
        content = body_part.get_content()
        body = _html_text(content) if body_part.get_content_type() == "text/html" else content
    files = []
    for part in msg.iter_attachments():
        ctype = part.get_content_type()
        data = part.get_payload(decode=True) or b""
        if ctype in SIGNATURES and 0 < len(data) <= max_attachment_bytes and content_matches(ctype, data):
            files.append((safe_name(part.get_filename() or "ek"), ctype, data))
        else:
            log.info("mail attachment refused", extra={"content_type": ctype, "size": len(data)})
    references = tuple(re.findall(r"<[^<>\s]+>", str(msg.get("References") or "")))
    in_reply_to = re.findall(r"<[^<>\s]+>", str(msg.get("In-Reply-To") or ""))
    message_id = re.findall(r"<[^<>\s]+>", str(msg.get("Message-ID") or ""))
    return InboundMail(
        message_id=message_id[0] if message_id else None,
        in_reply_to=in_reply_to[0] if in_reply_to else None,
        references=references,
        from_addr=email.utils.parseaddr(str(msg.get("From") or ""))[1],
        subject=str(msg.get("Subject") or ""),
        body=_reply_text(body),
        attachments=tuple(files),
    )


class InboundHandler:
    """aiosmtpd handler: mail for the support address's domain becomes ticket messages."""

    def __init__(self, settings: Settings, desk: TicketDesk, metrics: Metrics, wake: asyncio.Event) -> None:
        self.settings = settings
        self.desk = desk
        self.metrics = metrics
        self.wake = wake
        self.domain = domain_of(settings.mail_from).lower()
        self.folder = Path(settings.attachments_dir) / "tickets"

    async def handle_RCPT(self, server: SMTP, session: Session, envelope: Envelope, address: str,
                          rcpt_options: list[str]) -> str:
        if address.rpartition("@")[2].lower() != self.domain:
            return "550 5.1.1 not a mailbox of this support desk"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        try:
            mail = parse_inbound(envelope.original_content or envelope.content or b"",
                                 self.settings.max_attachment_bytes)
            if not mail.from_addr or "@" not in mail.from_addr:
                return "550 5.1.7 a sender address is needed"
            result = await asyncio.to_thread(self.desk.inbound, mail, self.store_file)
        except Exception as exc:
            log.warning("inbound mail not stored: %s", exc.__class__.__name__)
            self.metrics.mails.labels("in", "failed").inc()
            return "451 4.3.0 try again later"
        self.metrics.mails.labels("in", result["outcome"]).inc()
        log.info("mail received", extra={"ticket": result.get("reference"), "outcome": result["outcome"]})
        self.wake.set()  # a new ticket's confirmation goes out at once
        return "250 OK"

    def store_file(self, ticket_id: int, name: str, content_type: str, data: bytes) -> tuple[str, str]:
        att_id = "ta_" + secrets.token_hex(16)
        self.folder.mkdir(parents=True, exist_ok=True)
        (self.folder / att_id).write_bytes(data)
        return att_id, f"tickets/{att_id}"


async def start_inbound(settings: Settings, desk: TicketDesk, metrics: Metrics,
                        wake: asyncio.Event) -> asyncio.AbstractServer | None:
    """The listener, or None when it is off or its port is taken (another replica listens)."""
    if not settings.inbound_port:
        return None
    handler = InboundHandler(settings, desk, metrics, wake)
    loop = asyncio.get_running_loop()
    limit = settings.max_attachment_bytes * 3
    try:
        server = await loop.create_server(
            lambda: SMTP(handler, data_size_limit=limit, enable_SMTPUTF8=True, hostname=handler.domain,
                         ident="Casinra Destek"),
            host=settings.mail_inbound_host, port=settings.inbound_port)
    except OSError as exc:
        log.warning("inbound mail listener not started: %s", exc.__class__.__name__,
                    extra={"port": settings.inbound_port})
        return None
    log.info("inbound mail listener", extra={"host": settings.mail_inbound_host, "port": settings.inbound_port})
    return server


async def start_mailbox(settings: Settings) -> asyncio.AbstractServer | None:
    """The demo's local mailbox (mailbox.py), when this gateway is its relay; None otherwise or when its
    port is taken (another replica keeps it)."""
    port = settings.local_mailbox_port
    if not port:
        return None
    from .mailbox import serve

    try:
        server = await serve(Path(settings.mailbox_dir), "127.0.0.1", port)
    except OSError as exc:
        log.warning("local mailbox not started: %s", exc.__class__.__name__, extra={"port": port})
        return None
    log.info("local mailbox", extra={"port": port, "folder": str(settings.mailbox_dir)})
    return server
