"""Health, readiness and Prometheus metrics."""
from __future__ import annotations

from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from . import readiness
from .deps import GatewayDep

router = APIRouter(tags=["operations"])


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    """The process is alive."""
    return {"status": "ok"}


@router.get("/readyz", responses={503: {"description": "a dependency is unreachable; `failing` names it"}})
async def readyz(gw: GatewayDep) -> JSONResponse:
    """Ready when Redis, Rasa (with its model), the action server and the back-office database answer;
    a Rasa or action server that is connected but answering late is `busy` and still counts as up."""
    parts = await readiness.check(gw)
    failing = [name for name, up in parts.items() if not up]
    busy = [name for name, up in parts.items() if up == readiness.BUSY]
    body = {"status": "unavailable" if failing else "ok", **{k: bool(v) for k, v in parts.items()}, "failing": failing}
    if busy:
        body["busy"] = busy
    return JSONResponse(body, status_code=503 if failing else 200)


@router.get("/metrics", response_class=Response)
async def metrics(gw: GatewayDep) -> Response:
    try:
        gw.metrics.queue_length.set(await gw.queue.length())
        gw.metrics.agents_online.set(len(await gw.presence.online()))
    except Exception:
        pass
    return Response(generate_latest(gw.metrics.registry), media_type=CONTENT_TYPE_LATEST)
