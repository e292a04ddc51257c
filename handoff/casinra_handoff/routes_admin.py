"""Health, readiness and Prometheus metrics."""
from __future__ import annotations

import asyncio

from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from .deps import GatewayDep

router = APIRouter(tags=["operations"])


@router.get("/healthz")
async def healthz() -> dict[str, str]:
    """The process is alive."""
    return {"status": "ok"}


@router.get("/readyz", responses={503: {"description": "Redis or Rasa unreachable"}})
async def readyz(gw: GatewayDep) -> JSONResponse:
    """Ready when Redis and Rasa answer."""
    async def redis_ok() -> bool:
        try:
            return bool(await asyncio.wait_for(gw.redis.ping(), 2.0))
        except Exception:
            return False

    redis_up, rasa_up = await asyncio.gather(redis_ok(), gw.rasa.ping())
    body = {"redis": redis_up, "rasa": rasa_up}
    return JSONResponse({"status": "ok" if redis_up and rasa_up else "unavailable", **body},
                        status_code=200 if redis_up and rasa_up else 503)


@router.get("/metrics", response_class=Response)
async def metrics(gw: GatewayDep) -> Response:
    try:
        gw.metrics.queue_length.set(await gw.queue.length())
        gw.metrics.agents_online.set(len(await gw.presence.online()))
    except Exception:
        pass
    return Response(generate_latest(gw.metrics.registry), media_type=CONTENT_TYPE_LATEST)
