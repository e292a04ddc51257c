"""The supervisor's REST (role `supervisor`): the live view, the figures of a period, the weekly report
as HTML or PDF. Every read of the figures and every report is audited."""
from __future__ import annotations

import asyncio
from datetime import date, datetime, timedelta
from typing import Annotated, Any

from casinra_contracts.timezone import ISTANBUL
from fastapi import APIRouter, HTTPException, Query, status
from fastapi.responses import HTMLResponse, Response
from starlette.requests import HTTPConnection

from .deps import CurrentSupervisor, GatewayDep
from .figures import compute, load
from .live import Live
from .reports import parse_week, render_html, render_pdf, weekly_figures

router = APIRouter(tags=["supervisor"])
DAY = r"^\d{4}-\d{2}-\d{2}$"
WEEK = r"^(last|\d{4}-W\d{1,2}|\d{4}-\d{2}-\d{2})$"
MAX_DAYS = 366
YEARS = (2000, 2100)  # a period outside these is a mistake (and date arithmetic would overflow)


def get_live(conn: HTTPConnection) -> Live:
    return conn.app.state.live


async def _stored(gw: Any) -> Any:
    return await load(gw.redis, gw.backoffice.engine, gw.settings.tracker_prefix)


async def _names(gw: Any) -> dict[str, str]:
    return {a["username"]: a["display_name"] for a in await asyncio.to_thread(gw.backoffice.list_agents)}


@router.get("/api/supervisor/live")
async def live(supervisor: CurrentSupervisor, conn: HTTPConnection) -> Any:
    """The queue by priority, agents online with their chats, tickets close to or past their SLA."""
    return await get_live(conn).snapshot()


@router.get("/api/supervisor/figures", responses={403: {}, 422: {}})
async def figures(supervisor: CurrentSupervisor, gw: GatewayDep,
                  start: Annotated[str | None, Query(pattern=DAY)] = None,
                  end: Annotated[str | None, Query(pattern=DAY)] = None,
                  bucket: Annotated[str, Query(pattern=r"^(day|week)$")] = "day") -> Any:
    """Istanbul days `start` ≤ day < `end` (default: the last 7 days up to today)."""
    today = datetime.now(ISTANBUL).date()
    try:
        last = date.fromisoformat(end) if end else today + timedelta(days=1)
        first = date.fromisoformat(start) if start else last - timedelta(days=7)
    except (ValueError, OverflowError):
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_ENTITY, "Tarih geçersiz.") from None
    if not (YEARS[0] <= first.year and last.year <= YEARS[1]) or not 0 < (last - first).days <= MAX_DAYS:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_ENTITY, "Dönem 1 ile 366 gün arasında olmalı.")
    stored = await _stored(gw)
    result = compute(stored, first, last, bucket=bucket, agent_names=await _names(gw))
    await gw.audit(supervisor, "figures_read", f"{first}..{last}")
    return result


@router.get("/api/supervisor/report", responses={403: {}, 422: {}})
async def report(supervisor: CurrentSupervisor, gw: GatewayDep,
                 week: Annotated[str, Query(pattern=WEEK)] = "last",
                 format: Annotated[str, Query(pattern=r"^(html|pdf)$")] = "html") -> Response:
    """The weekly report of `week` (2026-W46, a date in it, or the last full week)."""
    try:
        monday = parse_week(week)
    except (ValueError, OverflowError):
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_ENTITY, "Hafta geçersiz.") from None
    html = render_html(weekly_figures(await _stored(gw), monday, agent_names=await _names(gw)))
    await gw.audit(supervisor, "weekly_report", monday.isoformat(), format=format)
    iso = monday.isocalendar()
    name = f"haftalik-rapor-{iso.year}-W{iso.week:02d}"
    if format == "pdf":
        pdf = await render_pdf(html)
        return Response(pdf, media_type="application/pdf",
                        headers={"Content-Disposition": f'attachment; filename="{name}.pdf"'})
    return HTMLResponse(html, headers={"Content-Disposition": f'inline; filename="{name}.html"'})
