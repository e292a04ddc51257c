"""App factory: `uvicorn --factory casinra_handoff.app:create_app` (what `make run` starts)."""
from __future__ import annotations

import asyncio
import logging
from contextlib import asynccontextmanager
from typing import AsyncIterator

from casinra_contracts.stack import MissingSecret
from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

from . import __version__, errors
from .content import ContentService
from .cors import Cors
from .live import Live
from .logs import setup_logging
from .mail import MailWorker, start_inbound, start_mailbox
from .routes_admin import router as admin_router
from .routes_agent import router as agent_router
from .routes_content import router as content_router
from .routes_demo import router as demo_router
from .routes_models import router as models_router
from .routes_pages import router as pages_router
from .routes_mailbox import router as mailbox_router
from .routes_player import router as player_router
from .routes_supervisor import router as supervisor_router
from .routes_tickets import router as tickets_router
from .service import Gateway
from .settings import Settings
from .tasks import cancel
from .tickets import TicketDesk

log = logging.getLogger("casinra.app")


def load_settings() -> Settings:
    """The settings, or a clear refusal to start (a missing secret or a bad value, not a stack trace)."""
    try:
        return Settings()
    except (MissingSecret, ValueError) as exc:  # pydantic's ValidationError is a ValueError
        raise SystemExit(f"casinra gateway: cannot start: {exc}") from None


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or load_settings()
    setup_logging(settings.log_level)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        gw = await Gateway.start(settings)
        app.state.gateway = gw
        app.state.content = content = ContentService(settings, gw.redis, gw.keys)  # the content team's loop
        await content.start()
        # tickets, their mail and the supervisor's live figures (issue 14)
        app.state.tickets = desk = TicketDesk(gw.backoffice.engine)
        app.state.mail = mailer = MailWorker(settings, desk, gw.redis, gw.keys, gw.metrics)
        app.state.live = live = Live(gw, desk)
        inbound = await start_inbound(settings, desk, gw.metrics, mailer.wake)
        local_mailbox = await start_mailbox(settings)
        service_tasks = (asyncio.create_task(mailer.run(), name="mail"), asyncio.create_task(live.run(), name="live"))
        sweeper = asyncio.create_task(gw.sweeper.run(), name="sweeper")
        outbox = asyncio.create_task(gw.outbox.run(gw.resume_turn), name="outbox")
        log.info("gateway started", extra={"port": settings.gateway_port, "demo": settings.demo})
        try:
            yield
        finally:
            await cancel(sweeper, outbox, *service_tasks)
            for server in (inbound, local_mailbox):
                if server is not None:
                    server.close()
            await content.stop()
            await gw.stop()
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

    app.add_middleware(Cors, origins=settings.cors_origins)
    errors.install(app)
    app.include_router(admin_router)
    app.include_router(agent_router)
    app.include_router(player_router)
    app.include_router(demo_router)
    app.include_router(models_router)
    app.include_router(content_router)
    app.include_router(tickets_router)
    app.include_router(supervisor_router)
    app.include_router(mailbox_router)
    app.include_router(pages_router)
    if settings.widget_dir.is_dir():
        app.mount("/widget", StaticFiles(directory=settings.widget_dir), name="widget")
    return app
