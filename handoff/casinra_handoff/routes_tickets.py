"""Tickets for agents and supervisors (the console's tickets page): the list with SLA states, one
ticket, and the steps — take, answer by mail, note, close. Every step is audited. Editors have no
tickets; a mail's attachment is the ticket's agent's only."""
from __future__ import annotations

import asyncio
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Path, Query, status
from fastapi.responses import FileResponse
from pydantic import BaseModel, Field, field_validator
from starlette.requests import HTTPConnection

from .auth import AgentIdentity
from .deps import CurrentAgent, GatewayDep
from .frames import encodable
from .tickets import TicketDesk, TicketError

router = APIRouter(tags=["tickets"])

REFERENCE = r"^[A-Z]{3,4}-\d{6}-[A-Z0-9]{6}$"
TICKET_ATTACHMENT = r"^ta_[0-9a-f]{32}$"
ReferencePath = Annotated[str, Path(pattern=REFERENCE, max_length=32)]
STAFF_ROLES = ("agent", "supervisor")


def get_desk(conn: HTTPConnection) -> TicketDesk:
    return conn.app.state.tickets


DeskDep = Annotated[TicketDesk, Depends(get_desk)]


async def current_staff(agent: CurrentAgent) -> AgentIdentity:
    if agent.role not in STAFF_ROLES:
        raise HTTPException(status.HTTP_403_FORBIDDEN, "Talepler yalnızca temsilciler ve süpervizörler içindir.")
    return agent


CurrentStaff = Annotated[AgentIdentity, Depends(current_staff)]


def _storable(value: str | None) -> str | None:
    """A text with a lone UTF-16 surrogate (JSON's "\\ud800") cannot be stored or mailed: 422."""
    if value is not None and not encodable(value):
        raise ValueError("metin geçersiz karakter içeriyor")
    return value


class AnswerIn(BaseModel):
    text: str = Field(min_length=1, max_length=10_000)
    close: bool = False
    _text = field_validator("text")(_storable)


class NoteIn(BaseModel):
    text: str = Field(min_length=1, max_length=4000)
    _text = field_validator("text")(_storable)


class CloseIn(BaseModel):
    note: str | None = Field(None, max_length=4000)
    _note = field_validator("note")(_storable)


def _refuse(exc: TicketError) -> HTTPException:
    return HTTPException(exc.status, exc.message)


@router.get("/api/tickets")
async def list_tickets(staff: CurrentStaff, desk: DeskDep,
                       status_: Annotated[str | None, Query(alias="status", pattern=r"^(active|open|in_progress|answered|closed)$")] = "active",
                       kind: Annotated[str | None, Query(pattern=r"^[a-z_]{1,16}$")] = None,
                       mine: bool = False,
                       sla: Annotated[str | None, Query(pattern=r"^(breached|at_risk|ok|none)$")] = None) -> Any:
    """Breached first, then at risk, then by due time. `mine=true`: the caller's tickets."""
    items = await asyncio.to_thread(desk.list, status=status_, kind=kind, agent=staff.username if mine else None,
                                    sla_state=sla)
    counts = await asyncio.to_thread(desk.sla_counts)
    return {"items": items, "sla": counts}


@router.get("/api/tickets/{reference}", responses={404: {}})
async def get_ticket(reference: ReferencePath, staff: CurrentStaff, desk: DeskDep) -> Any:
    detail = await asyncio.to_thread(desk.get, reference)
    if detail is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Talep bulunamadı.")
    return detail


@router.post("/api/tickets/{reference}/take", responses={404: {}, 409: {}})
async def take(reference: ReferencePath, staff: CurrentStaff, desk: DeskDep, gw: GatewayDep) -> Any:
    try:
        out = await asyncio.to_thread(desk.take, reference, staff.username)
    except TicketError as exc:
        raise _refuse(exc) from None
    await gw.audit(staff, "ticket_take", reference)
    return out


@router.post("/api/tickets/{reference}/answer", responses={404: {}, 409: {}})
async def answer(reference: ReferencePath, body: AnswerIn, staff: CurrentStaff, desk: DeskDep,
                 gw: GatewayDep, conn: HTTPConnection) -> Any:
    """The answer goes out by mail (the mail worker sends it within seconds); the ticket then waits
    for the player, or is closed with `close: true`."""
    try:
        message = await asyncio.to_thread(desk.answer, reference, staff.username, staff.display_name, body.text,
                                          close=body.close)
    except TicketError as exc:
        raise _refuse(exc) from None
    await gw.audit(staff, "ticket_answer", reference, chars=len(body.text), close=body.close)
    conn.app.state.mail.wake.set()
    return {"reference": reference, "message": message, "status": "closed" if body.close else "answered"}


@router.post("/api/tickets/{reference}/note", status_code=204, responses={404: {}})
async def note(reference: ReferencePath, body: NoteIn, staff: CurrentStaff, desk: DeskDep, gw: GatewayDep) -> None:
    try:
        await asyncio.to_thread(desk.note, reference, staff.username, body.text)
    except TicketError as exc:
        raise _refuse(exc) from None
    await gw.audit(staff, "ticket_note", reference, chars=len(body.text))


@router.post("/api/tickets/{reference}/close", status_code=204, responses={404: {}, 409: {}})
async def close(reference: ReferencePath, body: CloseIn, staff: CurrentStaff, desk: DeskDep, gw: GatewayDep) -> None:
    try:
        await asyncio.to_thread(desk.close, reference, staff.username, body.note)
    except TicketError as exc:
        raise _refuse(exc) from None
    await gw.audit(staff, "ticket_close", reference)


@router.get("/api/ticket-attachments/{attachment_id}", responses={403: {}, 404: {}})
async def ticket_attachment(attachment_id: Annotated[str, Path(pattern=TICKET_ATTACHMENT)], staff: CurrentStaff,
                            desk: DeskDep, gw: GatewayDep) -> FileResponse:
    """A file that came with a player's mail: for the agent the ticket is assigned to, only."""
    row = await asyncio.to_thread(desk.attachment, attachment_id)
    if row is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Dosya bulunamadı.")
    if row["assigned_agent"] != staff.username:
        await gw.audit(staff, "ticket_attachment_refused", row["reference"])
        raise HTTPException(status.HTTP_403_FORBIDDEN, "Bu dosyayı yalnızca talebi üstlenen temsilci açabilir.")
    await gw.audit(staff, "ticket_attachment", row["reference"], attachment=attachment_id)
    return FileResponse(gw.settings.attachments_dir / row["path"], media_type=row["content_type"],
                        filename=row["name"], content_disposition_type="attachment")
