"""Tickets by mail, end to end through real SMTP servers: the action server's repository opens an
e-mail ticket (in .venv-bot, on the same database) → the gateway's mail worker sends the confirmation
through a relay (aiosmtpd, in this process) → an agent takes and answers it in the console's REST →
the answer goes out threaded → the player's reply (with an attachment) reaches the gateway's inbound
SMTP listener, threads into the ticket and reopens it. No mock of the mail library anywhere."""
from __future__ import annotations

import email
import email.policy
import shutil
import smtplib
import subprocess
import time
from email.message import EmailMessage
from pathlib import Path

import httpx
import pytest
from aiosmtpd.controller import Controller

from .conftest import REPO, agent_login, free_port, free_port_block, seed_backoffice

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
BOT_PY = REPO / ".venv-bot" / "bin" / "python"


class Relay:
    """A real SMTP server that keeps what it is given (the relay the gateway sends through)."""

    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        self.messages.append(email.message_from_bytes(envelope.original_content, policy=email.policy.default))
        return "250 OK"

    def wait(self, count: int, timeout: float = 15.0) -> list:
        deadline = time.time() + timeout
        while time.time() < deadline:
            if len(self.messages) >= count:
                return self.messages
            time.sleep(0.1)
        raise AssertionError(f"{len(self.messages)} mails arrived, {count} expected")


@pytest.fixture
def relay():
    handler = Relay()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    handler.port = controller.port  # type: ignore[attr-defined]
    yield handler
    controller.stop()


@pytest.fixture
def mail_gateway(start_gateway, relay, tmp_path):
    db = tmp_path / "backoffice.db"
    seed_backoffice(f"sqlite:///{db}")
    inbound = free_port()
    gw = start_gateway(db_url=f"sqlite:///{db}", CASINRA_MAIL_RELAY_URL=f"smtp://127.0.0.1:{relay.port}",
                       CASINRA_MAIL_INBOUND_PORT=str(inbound), CASINRA_MAIL_POLL_S="0.2",
                       CASINRA_ATTACHMENTS_DIR=str(tmp_path / "files"))
    gw.db = db
    gw.inbound = inbound
    return gw


def open_ticket_as_the_bot(db: Path, player_id: str | None, email_addr: str | None, subject: str) -> str:
    """The action server's own repository opens the ticket (what action_email_ticket_submit does)."""
    if not BOT_PY.exists():
        pytest.skip("no .venv-bot (the action server's environment)")
    code = ("import sys; from actions.backoffice.repository import BackOffice; from actions.settings import ActionSettings;"
            "bo = BackOffice(ActionSettings(db_url=sys.argv[1]));"
            "t = bo.open_ticket('email', player_id=sys.argv[2] or None, contact_email=sys.argv[3] or None,"
            " subject=sys.argv[4], description='Çekimim üç gündür gelmedi.');"
            "print(t.reference)")
    out = subprocess.run([str(BOT_PY), "-c", code, f"sqlite:///{db}", player_id or "", email_addr or "", subject],
                         cwd=REPO, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return out.stdout.strip().splitlines()[-1]


def send_mail(port: int, *, sender: str, subject: str, body: str, in_reply_to: str | None = None,
              attachment: bytes | None = None) -> None:
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = sender, "destek@casinra.com", subject
    msg["Message-ID"] = email.utils.make_msgid(domain="example.com")
    if in_reply_to:
        msg["In-Reply-To"] = in_reply_to
        msg["References"] = in_reply_to
    msg.set_content(body)
    if attachment:
        msg.add_attachment(attachment, maintype="image", subtype="png", filename="dekont.png")
    with smtplib.SMTP("127.0.0.1", port, timeout=10) as client:
        client.send_message(msg)


def api(gw, token):
    return httpx.Client(base_url=gw.url, headers={"Authorization": f"Bearer {token}"}, timeout=10)


def test_confirmation_answer_reply_threads_and_reopens(mail_gateway, relay):
    gw = mail_gateway
    reference = open_ticket_as_the_bot(gw.db, "P1001", "ahmet@example.com", "[TX-10000001] Çekim gecikti")
    # 1. the confirmation, with the reference in the subject
    confirmation = relay.wait(1)[0]
    assert confirmation["To"] == "ahmet@example.com"
    assert confirmation["Subject"] == f"[{reference}] [TX-10000001] Çekim gecikti"
    assert reference in confirmation.get_content() and "Merhaba Ahmet," in confirmation.get_content()
    # 2. the agent sees it on time, takes it and answers
    ayse = api(gw, agent_login(gw, "ayse"))
    items = ayse.get("/api/tickets").json()["items"]
    mine = next(i for i in items if i["reference"] == reference)
    assert (mine["status"], mine["sla_state"], mine["sla_target_hours"]) == ("open", "ok", 72.0)
    assert ayse.post(f"/api/tickets/{reference}/answer", json={"text": "Merhaba"}).status_code == 409  # not taken
    assert ayse.post(f"/api/tickets/{reference}/take").json()["status"] == "in_progress"
    r = ayse.post(f"/api/tickets/{reference}/answer",
                  json={"text": "Merhaba Ahmet Bey, çekiminiz bugün bankaya iletildi."})
    assert r.status_code == 200, r.text
    answer = relay.wait(2)[1]
    assert answer["Subject"] == f"Re: [{reference}] [TX-10000001] Çekim gecikti"
    assert answer["In-Reply-To"] == confirmation["Message-ID"]
    assert confirmation["Message-ID"] in answer["References"]
    assert "bankaya iletildi" in answer.get_content() and "Ayşe" in answer.get_content()
    detail = ayse.get(f"/api/tickets/{reference}").json()
    assert detail["status"] == "answered" and detail["due_at"] is None and detail["first_response_at"]
    # 3. the player replies to the answer with a receipt: threaded, reopened, the SLA clock runs again
    send_mail(gw.inbound, sender="Ahmet Yılmaz <ahmet@example.com>", subject=f"Re: {answer['Subject']}",
              body="Teşekkürler, dekont ekte. Kartım 4111 1111 1111 1111.\n\n> eski metin",
              in_reply_to=answer["Message-ID"], attachment=PNG)
    deadline = time.time() + 10
    while time.time() < deadline:
        detail = ayse.get(f"/api/tickets/{reference}").json()
        if detail["status"] != "answered":
            break
        time.sleep(0.2)
    assert detail["status"] == "in_progress" and detail["assigned_agent"] == "ayse" and detail["due_at"]
    assert [h["to"] for h in detail["history"]] == ["open", "in_progress", "answered", "in_progress"]
    assert detail["history"][-1]["note"] == "reopened by the player's mail"
    reply = detail["thread"][-1]
    assert reply["direction"] == "in" and "dekont ekte" in reply["body"]
    assert "4111 1111" not in reply["body"] and "eski metin" not in reply["body"]  # masked; quote cut
    assert [a["name"] for a in reply["attachments"]] == ["dekont.png"]
    # 4. the attachment is the ticket's agent's only
    aid = reply["attachments"][0]["id"]
    got = ayse.get(f"/api/ticket-attachments/{aid}")
    assert got.status_code == 200 and got.content == PNG
    burak = api(gw, agent_login(gw, "burak"))
    assert burak.get(f"/api/ticket-attachments/{aid}").status_code == 403
    # 5. closing: the ticket owes nothing more
    assert ayse.post(f"/api/tickets/{reference}/close", json={"note": "Çekim ulaştı."}).status_code == 204
    closed = ayse.get(f"/api/tickets/{reference}").json()
    assert closed["status"] == "closed" and closed["sla_state"] == "none" and closed["closed_at"]


def test_mail_without_a_thread_or_from_a_stranger_opens_a_new_ticket(mail_gateway, relay):
    gw = mail_gateway
    reference = open_ticket_as_the_bot(gw.db, "P1002", "elif@example.com", "Belge")
    relay.wait(1)
    # someone else writes with Elif's reference in the subject: never joins her ticket
    send_mail(gw.inbound, sender="baskasi@example.org", subject=f"Re: [{reference}] Belge", body="Bu talep benim.")
    # Elif writes a new mail to the support address
    send_mail(gw.inbound, sender="elif@example.com", subject="Bonusum yüklenmedi", body="Hoş geldin bonusu yok.")
    mails = relay.wait(3)
    to = sorted(m["To"] for m in mails[1:])
    assert to == ["baskasi@example.org", "elif@example.com"]  # each got a confirmation of a new ticket
    ayse = api(gw, agent_login(gw, "ayse"))
    items = {i["reference"]: i for i in ayse.get("/api/tickets").json()["items"]}
    assert len(items) == 3 and items[reference]["status"] == "open"
    new_elif = next(i for i in items.values() if i["subject"] == "Bonusum yüklenmedi")
    assert new_elif["player"] == {"id": "P1002", "name": "Elif Demir"}  # known address → her account
    stranger = next(i for i in items.values() if i["reference"] not in (reference, new_elif["reference"]))
    assert stranger["player"] is None
    thread = ayse.get(f"/api/tickets/{reference}").json()["thread"]
    assert [m["direction"] for m in thread] == ["out"]  # nothing was added to Elif's ticket


def test_editors_have_no_tickets_and_mail_only_for_our_domain(mail_gateway):
    gw = mail_gateway
    deniz = api(gw, agent_login(gw, "deniz"))
    assert deniz.get("/api/tickets").status_code == 403
    with smtplib.SMTP("127.0.0.1", gw.inbound, timeout=10) as client:
        client.ehlo()
        client.mail("x@example.com")
        code, _ = client.rcpt("someone@elsewhere.example")
        assert code == 550


def test_a_relay_that_is_down_keeps_the_mail_queued_then_sends_it(start_gateway, tmp_path):
    db = tmp_path / "backoffice.db"
    seed_backoffice(f"sqlite:///{db}")
    port = free_port()
    gw = start_gateway(db_url=f"sqlite:///{db}", CASINRA_MAIL_RELAY_URL=f"smtp://127.0.0.1:{port}",
                       CASINRA_MAIL_POLL_S="0.2")
    reference = open_ticket_as_the_bot(db, "P1001", "ahmet@example.com", "Relay kapalı")
    time.sleep(1.5)  # tries fail (nobody listens); the mail waits with its backoff
    handler = Relay()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        mail = handler.wait(1, timeout=30)[0]
    finally:
        controller.stop()
    assert mail["Subject"].startswith(f"[{reference}]")
    assert "mail not sent" in gw.log.read_text() and "Traceback" not in gw.log.read_text()
    shutil.rmtree(tmp_path / "state", ignore_errors=True)


def test_the_demo_mailbox_keeps_the_mails_and_answers_as_the_player(start_gateway, tmp_path):
    """make run: a demo gateway without a relay keeps its mails in the local mailbox (port + 25) and
    listens for replies on port + 26; /mailbox shows them and answers as the player."""
    db = tmp_path / "backoffice.db"
    seed_backoffice(f"sqlite:///{db}")
    gw = start_gateway(db_url=f"sqlite:///{db}", port=free_port_block(25, 26), CASINRA_MAIL_POLL_S="0.2")
    reference = open_ticket_as_the_bot(db, "P1001", "ahmet@example.com", "Bonus yüklenmedi")
    folder = tmp_path / "state" / "mailbox"
    deadline = time.time() + 15
    while time.time() < deadline and not list(folder.glob("*.eml")):
        time.sleep(0.2)
    kept = list(folder.glob("*.eml"))
    assert len(kept) == 1 and reference in kept[0].read_text(), gw.log.read_text()[-3000:]
    page = httpx.get(f"{gw.url}/mailbox", timeout=10)
    assert page.status_code == 200 and f"[{reference}] Bonus yüklenmedi" in page.text
    r = httpx.post(f"{gw.url}/mailbox/{kept[0].name}/reply", data={"text": "Ekran görüntüsünü ekledim."},
                   timeout=10, follow_redirects=False)
    assert r.status_code == 303
    ayse = api(gw, agent_login(gw, "ayse"))
    deadline = time.time() + 10
    while time.time() < deadline:
        thread = ayse.get(f"/api/tickets/{reference}").json()["thread"]
        if thread[-1]["direction"] == "in":
            break
        time.sleep(0.2)
    assert thread[-1]["direction"] == "in" and "Ekran görüntüsünü" in thread[-1]["body"]
    assert httpx.get(f"{gw.url}/mailbox/../../etc/passwd", timeout=5).status_code == 404
