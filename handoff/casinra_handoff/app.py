"""App factory: `uvicorn --factory casinra_handoff.app:create_app`."""
from __future__ import annotations

import asyncio
import contextlib
import logging
from contextlib import asynccontextmanager
from typing import AsyncIterator

import redis.asyncio as aioredis
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.staticfiles import StaticFiles

from . import __version__
from .backoffice import BackOffice
from .canned import load_canned
from .logs import setup_logging
from .metrics import Metrics
from .pubsub import make_pubsub
from .rasa import RasaClient
from .routes_admin import router as admin_router
from .routes_agent import router as agent_router
from .routes_demo import router as demo_router
from .routes_pages import router as pages_router
from .routes_player import router as player_router
from .service import Gateway
from .settings import Settings
from .sockets import cancel

log = logging.getLogger("casinra.app")


async def _sweeper(gw: Gateway) -> None:
    while True:
        try:
            await gw.sweep()
        except asyncio.CancelledError:
            raise
        except Exception:
            log.exception("sweep failed")
        await asyncio.sleep(gw.settings.sweep_interval_s)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()
    setup_logging(settings.log_level)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        redis = aioredis.from_url(settings.redis_url, decode_responses=True)
        bus = make_pubsub(settings.redis_url)
        await bus.connect()
        rasa = RasaClient(settings.rasa_url, settings.rasa_token, settings.channel_secret, settings.rasa_timeout_s)
        backoffice = BackOffice(settings.backoffice_db_url)
        if settings.demo:
            password = settings.ensure_demo_password()
            await asyncio.to_thread(backoffice.seed_demo_agents, password)
            print(f"[casinra-gateway] demo agents: ayse / burak, password: {password}", flush=True)
        else:
            with contextlib.suppress(Exception):
                await asyncio.to_thread(backoffice.ensure_gateway_tables)
        gw = Gateway(settings, redis, bus, rasa, backoffice, Metrics(), load_canned(settings.canned_dir))
        app.state.gateway = gw
        app.state.settings = settings
        sweeper = asyncio.create_task(_sweeper(gw), name="sweeper")
        log.info("gateway started", extra={"port": settings.gateway_port, "demo": settings.demo})
        try:
            yield
        finally:
            sweeper.cancel()
            pending = list(gw.background)
            if pending:  # let accepted bot turns finish briefly
                await asyncio.wait(pending, timeout=5)
            await cancel(sweeper, *gw.background)
            await bus.disconnect()
            await rasa.aclose()
            await redis.aclose()
            backoffice.dispose()
            log.info("gateway stopped")

    app = FastAPI(
        title="Casinra Destek gateway", version=__version__, lifespan=lifespan,
        description="Hand-off gateway: player and agent websockets (see docs/protocol.md), agent REST, operations.",
    )
    app.state.settings = settings

    @app.middleware("http")
    async def security_headers(request, call_next):  # type: ignore[no-untyped-def]
        response = await call_next(request)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        return response

    app.add_middleware(
        CORSMiddleware, allow_origins=[o.strip() for o in settings.cors_origins.split(",") if o.strip()],
        allow_methods=["GET", "POST"], allow_headers=["Authorization", "Content-Type", "X-Filename"],
        allow_credentials=False,
    )
    app.include_router(admin_router)
    app.include_router(agent_router)
    app.include_router(player_router)
    app.include_router(demo_router)
    app.include_router(pages_router)
    if settings.widget_dir.is_dir():
        app.mount("/widget", StaticFiles(directory=settings.widget_dir), name="widget")
    return app
