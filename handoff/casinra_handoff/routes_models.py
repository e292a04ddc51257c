"""The model registry over HTTP: Rasa's model pull, and for editors the live model on every
replica, the history, promotion behind the guard, and rollback."""
from __future__ import annotations

import asyncio
import hmac
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, HTTPException, Request, Response, status
from fastapi.responses import FileResponse
from pydantic import BaseModel, Field
from starlette.requests import HTTPConnection

from . import promotion
from .content import ContentError, ContentService
from .deps import CurrentEditor, GatewayDep, SettingsDep
from .registry import content_id

router = APIRouter(tags=["models"])


def get_content(conn: HTTPConnection) -> ContentService:
    return conn.app.state.content


ContentDep = Annotated[ContentService, Depends(get_content)]


def refuse(exc: ContentError) -> HTTPException:
    return HTTPException(exc.status, exc.message)


# ------------------------------------------------------------------ Rasa's pull (endpoints.yml `models:`)
@router.get("/api/models/live", response_class=FileResponse, include_in_schema=False,
            responses={304: {}, 401: {}, 404: {}})
async def live_model(content: ContentDep, settings: SettingsDep, request: Request,
                     authorization: Annotated[str | None, Header()] = None) -> Response:
    """The live model for a Rasa server; 304 when its ETag (If-None-Match) is already the live id."""
    token = (authorization or "")[7:].strip() if (authorization or "").lower().startswith("bearer ") else ""
    if not token or not hmac.compare_digest(token.encode(), settings.rasa_token.encode()):
        raise HTTPException(status.HTTP_401_UNAUTHORIZED, "Geçerli bir Rasa belirteci gerekli.")
    mid = await asyncio.to_thread(content.registry.live_id)
    path = content.registry.model_file(mid) if mid else None
    if not mid or path is None or not path.is_file():
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Canlı model yok.")
    etag = f'"{mid}"'
    seen = {t.strip().removeprefix("W/").strip('"') for t in (request.headers.get("if-none-match") or "").split(",")}
    if mid in seen:
        return Response(status_code=304, headers={"ETag": etag})
    # Rasa names the downloaded file after `filename`, so its /status shows the registry id
    return FileResponse(path, media_type="application/gzip", headers={"ETag": etag, "filename": f"{mid}.tar.gz"})


# ------------------------------------------------------------------ editors
@router.get("/api/models")
async def models(editor: CurrentEditor, content: ContentDep) -> dict[str, Any]:
    registry = content.registry

    def read() -> dict[str, Any]:
        return {"live": registry.live(), "models": registry.models(), "history": registry.history(50)}

    return await asyncio.to_thread(read)


@router.get("/api/models/replicas")
async def replicas(editor: CurrentEditor, content: ContentDep) -> dict[str, Any]:
    live = await asyncio.to_thread(content.registry.live_id)
    found = await content.replicas.status()
    for replica in found:
        replica["live"] = bool(live) and replica.get("model_id") == live
    return {"live": live, "replicas": found}


async def _verdict(content: ContentService, name: str) -> tuple[str, Any, promotion.Verdict]:
    try:
        path = content.candidate_file(name)
    except ContentError as exc:
        raise refuse(exc) from None
    mid = await asyncio.to_thread(content_id, path)
    report = await asyncio.to_thread(content.report, mid)
    live = await asyncio.to_thread(content.registry.live_id)
    return mid, path, promotion.check(report, mid, live, content.guards, content.settings.promote_margin)


@router.get("/api/models/check")
async def check(candidate: str, editor: CurrentEditor, content: ContentDep) -> dict[str, Any]:
    """Would this candidate be promoted? (the page shows it before the button is pressed)"""
    mid, _, verdict = await _verdict(content, candidate)
    return {"candidate": mid, "ok": verdict.ok, "problems": verdict.problems, "guards": content.guards,
            "margin": content.settings.promote_margin}


class PromoteIn(BaseModel):
    candidate: str = Field(min_length=1, max_length=120)
    force: bool = False
    reason: str = Field("", max_length=1000)


@router.post("/api/models/promote", responses={409: {"description": "refused by the guard"}})
async def promote(body: PromoteIn, editor: CurrentEditor, content: ContentDep, gw: GatewayDep) -> dict[str, Any]:
    mid, path, verdict = await _verdict(content, body.candidate)
    reason = " ".join(body.reason.split())
    if not verdict.ok:
        if not body.force:
            await gw.audit(editor, "model_promote_refused", mid, problems=[p.code for p in verdict.problems])
            raise HTTPException(status.HTTP_409_CONFLICT, {
                "message": "Aday canlıya alınmadı: korumalardan geçemedi.",
                "problems": [p.__dict__ for p in verdict.problems]})
        if len(reason) < promotion.MIN_REASON_CHARS:
            raise HTTPException(status.HTTP_400_BAD_REQUEST,
                                f"Korumaları aşmak için en az {promotion.MIN_REASON_CHARS} karakterlik bir gerekçe yazın.")
    report = await asyncio.to_thread(content.report, mid) or {}
    figures = {f["name"]: f.get("candidate") for f in report.get("figures") or []}
    registry = content.registry
    info = await asyncio.to_thread(
        lambda: registry.add(path, name=path.name, origin="content", by=editor.username,
                             commit=(report.get("project") or {}).get("commit"), figures=figures, mid=mid))
    forced = not verdict.ok
    entry = await asyncio.to_thread(lambda: registry.set_live(
        info.id, action="promote", actor=editor.username, reason=reason or None, forced=forced, figures=figures))
    await gw.audit(editor, "model_promote_forced" if forced else "model_promote", info.id,
                   previous=entry.previous, reason=reason or None,
                   problems=[p.message for p in verdict.problems] if forced else None)
    return {"live": info, "entry": entry}


class RollbackIn(BaseModel):
    to: str | None = Field(None, max_length=64)


@router.post("/api/models/rollback")
async def rollback(body: RollbackIn, editor: CurrentEditor, content: ContentDep, gw: GatewayDep) -> dict[str, Any]:
    """Back to the model that was live before (or to a given one from the registry): no guard, it was live."""
    registry = content.registry
    current = await asyncio.to_thread(registry.live_id)
    target = body.to
    if not target:
        previous = [h.previous for h in await asyncio.to_thread(registry.history, 200)
                    if h.model == current and h.previous and h.previous != current]
        target = previous[0] if previous else None
    if not target or await asyncio.to_thread(registry.get, target) is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Dönülecek bir önceki model yok.")
    if target == current:
        raise HTTPException(status.HTTP_409_CONFLICT, "Bu model zaten canlı.")
    entry = await asyncio.to_thread(lambda: registry.set_live(target, action="rollback", actor=editor.username,
                                                              reason=f"{current} yerine geri dönüldü"))
    await gw.audit(editor, "model_rollback", target, previous=current)
    return {"live": await asyncio.to_thread(registry.get, target), "entry": entry}
