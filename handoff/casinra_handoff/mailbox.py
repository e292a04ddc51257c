"""The demo's local mail server: an SMTP server (aiosmtpd) that keeps every mail it is given as one
.eml file in a folder, so the mails of `make run` can be read without a real mail provider.

A gateway in demo mode (`CASINRA_DEMO=1`) with no relay of its own starts one on
`CASINRA_MAILBOX_PORT` (default: the gateway's port + 25) and sends its mails there; `/mailbox`
shows them and lets you answer as the player (routes_mailbox.py). Stand-alone:

    python -m casinra_handoff.mailbox --port 8025 --dir var/dev/mailbox
"""
from __future__ import annotations

import argparse
import asyncio
import email
import email.policy
import email.utils
import logging
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from aiosmtpd.smtp import SMTP, Envelope, Session

log = logging.getLogger("casinra.mailbox")
NAME = re.compile(r"^\d{10,}-[0-9a-f]{6}\.eml$")


class FolderHandler:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:  # noqa: N802
        import secrets

        self.folder.mkdir(parents=True, exist_ok=True)
        name = f"{int(time.time() * 1000)}-{secrets.token_hex(3)}.eml"
        (self.folder / name).write_bytes(envelope.original_content or envelope.content or b"")
        log.info("mail kept", extra={"file": name})
        return "250 OK"


async def serve(folder: Path, host: str, port: int) -> asyncio.AbstractServer:
    loop = asyncio.get_running_loop()
    handler = FolderHandler(folder)
    return await loop.create_server(lambda: SMTP(handler, hostname="mailbox.local", ident="Casinra demo mailbox"),
                                    host=host, port=port)


@dataclass(frozen=True)
class Kept:
    name: str
    sender: str
    to: str
    subject: str
    date: str
    message_id: str
    body: str


def read(folder: Path, limit: int = 100) -> list[Kept]:
    """The newest mails first."""
    if not folder.is_dir():
        return []
    out = []
    for path in sorted(folder.glob("*.eml"), reverse=True)[:limit]:
        msg = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
        part = msg.get_body(preferencelist=("plain", "html"))
        out.append(Kept(path.name, str(msg.get("From") or ""), str(msg.get("To") or ""), str(msg.get("Subject") or ""),
                        str(msg.get("Date") or ""), str(msg.get("Message-ID") or ""),
                        part.get_content() if part is not None else ""))
    return out


def find(folder: Path, name: str) -> Kept | None:
    if not NAME.match(name):
        return None
    return next((k for k in read(folder, limit=10_000) if k.name == name), None)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Keep every mail given to this SMTP server as a .eml file.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--dir", required=True, type=Path)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO)

    async def run() -> Any:
        server = await serve(args.dir, args.host, args.port)
        print(f"mailbox: smtp://{args.host}:{args.port} → {args.dir}", flush=True)
        async with server:
            await server.serve_forever()

    try:
        asyncio.run(run())
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
