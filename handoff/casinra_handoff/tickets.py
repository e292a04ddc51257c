"""Tickets for agents and supervisors: the list with each one's SLA state, one ticket with its
thread and history, and the steps an agent takes (take, answer by mail, note, close), plus what an
inbound mail does to a ticket (threads into it and reopens it, or opens a new one).

Synchronous SQLAlchemy Core over the shared schema (the action server opens tickets; the gateway
works them). Callers run these methods in a worker thread. Every step writes the status history
(`ticket_events`) with the due time it sets; `casinra_contracts.backoffice.sla` says what is due when.
"""
from __future__ import annotations

import json
import secrets
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from casinra_contracts import topics
from casinra_contracts.backoffice import mails, sla
from casinra_contracts.backoffice.schema import (
    players,
    ticket_attachments,
    ticket_events,
    ticket_messages,
    tickets,
)
from casinra_contracts.pii import mask_email, mask_text, name_parts
from sqlalchemy import and_, func, insert, or_, select, update
from sqlalchemy.engine import Connection, Engine

OPEN_STATUSES = ("open", "in_progress", "answered")


class TicketError(Exception):
    """A step the ticket's state does not allow; ``status`` is the HTTP status to answer with."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class InboundMail:
    """A parsed mail from a player (``mail.parse_inbound``)."""

    message_id: str | None
    in_reply_to: str | None
    references: tuple[str, ...]
    from_addr: str
    subject: str
    body: str
    attachments: tuple[tuple[str, str, bytes], ...] = ()  # (name, content type, data)


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


class TicketDesk:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    # ------------------------------------------------------------------ reading
    def list(self, *, status: str | None = None, kind: str | None = None, agent: str | None = None,
             sla_state: str | None = None, limit: int = 200, now: datetime | None = None) -> list[dict[str, Any]]:
        """Tickets newest first (``status='active'``: everything not closed), each with its SLA state;
        ordered breached → at risk → the rest, then by due time."""
        now = now or utcnow()
        query = select(tickets, players.c.name.label("player_name")).select_from(
            tickets.outerjoin(players, players.c.id == tickets.c.player_id))
        if status == "active":
            query = query.where(tickets.c.status.in_(OPEN_STATUSES))
        elif status:
            query = query.where(tickets.c.status == status)
        if kind:
            query = query.where(tickets.c.kind == kind)
        if agent:
            query = query.where(tickets.c.assigned_agent == agent)
        with self.engine.connect() as c:
            rows = c.execute(query.order_by(tickets.c.created_at.desc(), tickets.c.id.desc()).limit(limit)).mappings().all()
        items = [self._summary(r, now) for r in rows]
        if sla_state:
            items = [i for i in items if i["sla_state"] == sla_state]
        rank = {"breached": 0, "at_risk": 1, "ok": 2, "none": 3}
        items.sort(key=lambda i: (rank[i["sla_state"]], i["due_at"] or "9999", i["created_at"]))
        return items

    def sla_counts(self, now: datetime | None = None) -> dict[str, int]:
        """How many active tickets are breached, at risk, on time (the gauges and the supervisor's view)."""
        counts = {"breached": 0, "at_risk": 0, "ok": 0}
        for item in self.list(status="active", limit=10_000, now=now):
            if item["sla_state"] in counts:
                counts[item["sla_state"]] += 1
        return counts

    def get(self, reference: str, now: datetime | None = None) -> dict[str, Any] | None:
        now = now or utcnow()
        with self.engine.connect() as c:
            row = c.execute(select(tickets, players.c.name.label("player_name")).select_from(
                tickets.outerjoin(players, players.c.id == tickets.c.player_id))
                .where(tickets.c.reference == reference)).mappings().first()
            if row is None:
                return None
            history = c.execute(select(ticket_events).where(ticket_events.c.ticket_id == row["id"])
                                .order_by(ticket_events.c.at, ticket_events.c.id)).mappings().all()
            thread = c.execute(select(ticket_messages).where(ticket_messages.c.ticket_id == row["id"])
                               .order_by(ticket_messages.c.at, ticket_messages.c.id)).mappings().all()
            files = c.execute(select(ticket_attachments).where(ticket_attachments.c.ticket_id == row["id"])
                              .order_by(ticket_attachments.c.created_at)).mappings().all()
        names = name_parts(row["player_name"]) if row["player_name"] else []
        detail = self._summary(row, now)
        detail.update(
            description=mask_text(row["description"], names) if row["description"] else None,
            transaction_id=row["transaction_id"], preferred_window=row["preferred_window"],
            contact_phone_masked=("*" * 8 + row["contact_phone"][-2:]) if row["contact_phone"] else None,
            history=[{"at": _iso(h["at"]), "from": h["status_from"], "to": h["status_to"],
                      "to_label": sla.TICKET_STATUS_LABELS.get(h["status_to"]), "due_at": _iso(h["due_at"]),
                      "actor_type": h["actor_type"], "actor": h["actor_id"], "note": h["note"]} for h in history],
            thread=[{"id": m["id"], "at": _iso(m["at"]), "direction": m["direction"], "author_type": m["author_type"],
                     "author": m["author_id"], "subject": m["subject"], "body": m["body"],
                     "mail_state": m["mail_state"], "sent_at": _iso(m["sent_at"]),
                     "attachments": [_file(f) for f in files if f["message_id"] == m["id"]]} for m in thread],
            attachments=[_file(f) for f in files],
        )
        return detail

    def attachment(self, attachment_id: str) -> dict[str, Any] | None:
        """An attachment with its ticket's owner (only that agent may download it)."""
        with self.engine.connect() as c:
            row = c.execute(select(ticket_attachments, tickets.c.assigned_agent, tickets.c.reference)
                            .select_from(ticket_attachments.join(tickets, tickets.c.id == ticket_attachments.c.ticket_id))
                            .where(ticket_attachments.c.id == attachment_id)).mappings().first()
        return dict(row) if row else None

    def _summary(self, r: Any, now: datetime) -> dict[str, Any]:
        state = sla.state(r["status"], r["due_at"], now, r["kind"], r["priority"])
        return {
            "reference": r["reference"], "kind": r["kind"], "kind_label": sla.TICKET_KIND_LABELS.get(r["kind"], r["kind"]),
            "priority": r["priority"], "priority_label": topics.priority_label(r["priority"]),
            "status": r["status"], "status_label": sla.TICKET_STATUS_LABELS.get(r["status"], r["status"]),
            "topic": r["topic"], "topic_label": topics.topic_label(r["topic"]) if r["topic"] else None,
            "subject": mask_text(r["subject"]) if r["subject"] else None,
            "player": {"id": r["player_id"], "name": r["player_name"]} if r["player_id"] else None,
            "contact_email": mask_email(r["contact_email"]) if r["contact_email"] else None,
            "assigned_agent": r["assigned_agent"], "conversation_id": r["conversation_id"],
            "created_at": _iso(r["created_at"]), "due_at": _iso(r["due_at"]),
            "first_response_at": _iso(r["first_response_at"]), "closed_at": _iso(r["closed_at"]),
            "sla_state": state, "sla_label": sla.SLA_STATE_LABELS[state],
            "sla_target_hours": sla.target(r["kind"], r["priority"]).total_seconds() / 3600,
            "seconds_left": (r["due_at"] - now).total_seconds() if r["due_at"] and state != "none" else None,
        }

    # ------------------------------------------------------------------ an agent's steps
    def take(self, reference: str, agent: str) -> dict[str, Any]:
        """The agent takes the ticket (from the queue, or from another agent): in progress, theirs."""
        with self.engine.begin() as c:
            row = self._row(c, reference)
            if row["status"] == "closed":
                raise TicketError(409, "Kapatılmış bir talep alınamaz.")
            status = "in_progress" if row["status"] == "open" else row["status"]
            self._set(c, row, status, "agent", agent, "taken", assigned_agent=agent)
        return {"reference": reference, "status": status, "assigned_agent": agent}

    def answer(self, reference: str, agent: str, display_name: str, text: str, *, close: bool = False) -> int:
        """The agent's answer, queued to go out by mail (``mail.MailWorker``); the ticket waits for the
        player (or is closed). Returns the message's id."""
        now = utcnow()
        with self.engine.begin() as c:
            row = self._row(c, reference)
            self._must_own(row, agent)
            if not row["contact_email"]:
                raise TicketError(409, "Bu talepte oyuncunun e-posta adresi yok; sonucu not olarak yazıp kapatın.")
            last_in = c.execute(select(ticket_messages.c.message_id, ticket_messages.c.subject)
                                .where(ticket_messages.c.ticket_id == row["id"], ticket_messages.c.direction == "in")
                                .order_by(ticket_messages.c.at.desc(), ticket_messages.c.id.desc()).limit(1)).first()
            subject = mails.answer_subject(reference, (last_in.subject if last_in else None) or row["subject"])
            body = f"{text.strip()}\n\n{display_name}\nCasinra Destek"
            msg_id = c.execute(insert(ticket_messages).values(
                ticket_id=row["id"], at=now, direction="out", author_type="agent", author_id=agent,
                to_addr=row["contact_email"], subject=subject, body=body,
                in_reply_to=(last_in.message_id if last_in else None) or row["thread_id"],
                mail_state="queued", attempts=0)).inserted_primary_key[0]
            self._set(c, row, "closed" if close else "answered", "agent", agent,
                      "answered and closed" if close else "answered", first_response=True)
        return int(msg_id)

    def note(self, reference: str, agent: str, text: str) -> None:
        with self.engine.begin() as c:
            row = self._row(c, reference)
            c.execute(insert(ticket_messages).values(ticket_id=row["id"], at=utcnow(), direction="note",
                                                     author_type="agent", author_id=agent, body=text.strip()))
            c.execute(update(tickets).where(tickets.c.id == row["id"]).values(updated_at=utcnow()))

    def close(self, reference: str, agent: str, note: str | None = None) -> None:
        """Closed by the agent who has it (a callback: after the call, with what was agreed)."""
        with self.engine.begin() as c:
            row = self._row(c, reference)
            self._must_own(row, agent)
            if row["status"] == "closed":
                raise TicketError(409, "Talep zaten kapalı.")
            if note and note.strip():
                c.execute(insert(ticket_messages).values(ticket_id=row["id"], at=utcnow(), direction="note",
                                                         author_type="agent", author_id=agent, body=note.strip()))
            self._set(c, row, "closed", "agent", agent, "closed", first_response=row["kind"] == "callback")

    # ------------------------------------------------------------------ mail from a player
    def inbound(self, mail: InboundMail, store_file: Any) -> dict[str, Any]:
        """Thread a player's mail into its ticket — by `In-Reply-To`/`References`, else by the
        reference in the subject or body — when it comes from the ticket's address; reopen an answered
        or closed ticket. Anything else becomes a new e-mail ticket. ``store_file(ticket_id, name,
        content_type, data) -> (id, path)`` keeps each attachment. Returns what happened."""
        now = utcnow()
        sender = mail.from_addr.lower()
        with self.engine.begin() as c:
            if mail.message_id and c.execute(select(ticket_messages.c.id)
                                             .where(ticket_messages.c.message_id == mail.message_id)).first():
                return {"outcome": "duplicate"}
            row = self._thread_of(c, mail)
            if row is not None and (row["contact_email"] or "").lower() != sender:
                row = None  # a reply from another address never joins someone's ticket
            if row is None:
                row = self._new_mail_ticket(c, mail, sender, now)
                outcome = "opened"
            else:
                outcome = "threaded"
            player = c.execute(select(players.c.name).where(players.c.id == row["player_id"])).scalar() \
                if row["player_id"] else None
            names = name_parts(player) if player else []
            msg_id = c.execute(insert(ticket_messages).values(
                ticket_id=row["id"], at=now, direction="in", author_type="player", author_id=row["player_id"],
                from_addr=sender, subject=mail.subject[:300], body=mask_text(mail.body, names)[:20000],
                message_id=mail.message_id, in_reply_to=mail.in_reply_to)).inserted_primary_key[0]
            for name, content_type, data in mail.attachments:
                att_id, path = store_file(row["id"], name, content_type, data)
                c.execute(insert(ticket_attachments).values(
                    id=att_id, ticket_id=row["id"], message_id=msg_id, name=name[:200], content_type=content_type,
                    size=len(data), path=path, created_at=now))
            if outcome == "threaded":
                if row["status"] in ("answered", "closed"):
                    status = "in_progress" if row["assigned_agent"] else "open"
                    self._set(c, row, status, "player", row["player_id"], "reopened by the player's mail",
                              new_due=True)
                    outcome = "reopened"
                else:
                    c.execute(update(tickets).where(tickets.c.id == row["id"]).values(updated_at=now))
        return {"outcome": outcome, "reference": row["reference"]}

    def _thread_of(self, c: Connection, mail: InboundMail) -> Any:
        ids = [i for i in (mail.in_reply_to, *mail.references) if i]
        if ids:
            found = c.execute(select(tickets).select_from(
                tickets.outerjoin(ticket_messages, ticket_messages.c.ticket_id == tickets.c.id))
                .where(or_(ticket_messages.c.message_id.in_(ids), tickets.c.thread_id.in_(ids)))
                .limit(1)).mappings().first()
            if found:
                return found
        reference = mails.reference_in(mail.subject) or mails.reference_in(mail.body)
        if reference:
            return c.execute(select(tickets).where(tickets.c.reference == reference)).mappings().first()
        return None

    def _new_mail_ticket(self, c: Connection, mail: InboundMail, sender: str, now: datetime) -> Any:
        player_id = c.execute(select(players.c.id).where(func.lower(players.c.email) == sender)).scalar()
        due = sla.due("email", "normal", now)
        for _ in range(5):
            code = "".join(secrets.choice("ABCDEFGHJKLMNPRSTUVYZ23456789") for _ in range(6))
            reference = f"{sla.TICKET_PREFIXES['email']}-{now:%y%m%d}-{code}"
            if not c.execute(select(tickets.c.id).where(tickets.c.reference == reference)).first():
                break
        tid = c.execute(insert(tickets).values(
            reference=reference, kind="email", priority="normal", status="open", player_id=player_id,
            subject=" ".join(mail.subject.split())[:200] or None, description=mask_text(mail.body)[:4000],
            contact_email=sender, details=json.dumps({"source": "mail"}), due_at=due, created_at=now,
            updated_at=now, topic="support", thread_id=mail.message_id)).inserted_primary_key[0]
        c.execute(insert(ticket_events).values(ticket_id=tid, at=now, status_from=None, status_to="open", due_at=due,
                                               actor_type="player" if player_id else "system", actor_id=player_id,
                                               note="opened by a mail"))
        subject, body = mails.confirmation(reference, "email", mail.subject, due, None)
        c.execute(insert(ticket_messages).values(ticket_id=tid, at=now, direction="out", author_type="system",
                                                 to_addr=sender, subject=subject, body=body, mail_state="queued",
                                                 in_reply_to=mail.message_id, attempts=0))
        return c.execute(select(tickets).where(tickets.c.id == tid)).mappings().first()

    # ------------------------------------------------------------------ the mail worker's side
    def outbox(self, limit: int = 20, max_attempts: int = 5) -> list[dict[str, Any]]:
        with self.engine.connect() as c:
            rows = c.execute(select(ticket_messages, tickets.c.reference, tickets.c.thread_id)
                             .select_from(ticket_messages.join(tickets, tickets.c.id == ticket_messages.c.ticket_id))
                             .where(ticket_messages.c.mail_state == "queued", ticket_messages.c.attempts < max_attempts)
                             .order_by(ticket_messages.c.at, ticket_messages.c.id).limit(limit)).mappings().all()
        return [dict(r) for r in rows]

    def claim(self, message_row_id: int, attempts: int) -> bool:
        """Atomically count an attempt: of two replicas only one sends a given try."""
        with self.engine.begin() as c:
            done = c.execute(update(ticket_messages).where(and_(
                ticket_messages.c.id == message_row_id, ticket_messages.c.attempts == attempts,
                ticket_messages.c.mail_state == "queued")).values(attempts=attempts + 1))
        return bool(done.rowcount)

    def sent(self, message_row_id: int, ticket_id: int, message_id: str) -> None:
        with self.engine.begin() as c:
            c.execute(update(ticket_messages).where(ticket_messages.c.id == message_row_id).values(
                mail_state="sent", sent_at=utcnow(), message_id=message_id, error=None))
            c.execute(update(tickets).where(tickets.c.id == ticket_id, tickets.c.thread_id.is_(None))
                      .values(thread_id=message_id))

    def failed(self, message_row_id: int, error: str, final: bool) -> None:
        with self.engine.begin() as c:
            c.execute(update(ticket_messages).where(ticket_messages.c.id == message_row_id).values(
                error=error[:200], **({"mail_state": "failed"} if final else {})))

    # ------------------------------------------------------------------ helpers
    @staticmethod
    def _row(c: Connection, reference: str) -> Any:
        row = c.execute(select(tickets).where(tickets.c.reference == reference)).mappings().first()
        if row is None:
            raise TicketError(404, "Talep bulunamadı.")
        return row

    @staticmethod
    def _must_own(row: Any, agent: str) -> None:
        if row["assigned_agent"] != agent:
            raise TicketError(409, "Önce talebi üzerinize alın.")

    @staticmethod
    def _set(c: Connection, row: Any, status: str, actor_type: str, actor: str | None, note: str, *,
             assigned_agent: str | None = None, first_response: bool = False, new_due: bool = False) -> None:
        """Change the status, write the history row; the SLA clock runs only while the player waits."""
        now = utcnow()
        if status in sla.OWED_STATUSES:
            due = sla.due(row["kind"], row["priority"], now) if new_due or row["due_at"] is None else row["due_at"]
        else:
            due = None
        values: dict[str, Any] = {"status": status, "due_at": due, "updated_at": now}
        if assigned_agent is not None:
            values["assigned_agent"] = assigned_agent
        if first_response and row["first_response_at"] is None:
            values["first_response_at"] = now
        if status == "closed":
            values["closed_at"] = now
        elif row["status"] == "closed":
            values["closed_at"] = None
        c.execute(update(tickets).where(tickets.c.id == row["id"]).values(**values))
        c.execute(insert(ticket_events).values(ticket_id=row["id"], at=now, status_from=row["status"],
                                               status_to=status, due_at=due, actor_type=actor_type,
                                               actor_id=actor, note=note[:200]))


def _file(f: Any) -> dict[str, Any]:
    return {"id": f["id"], "name": f["name"], "content_type": f["content_type"], "size": f["size"]}
