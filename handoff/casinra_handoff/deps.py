"""FastAPI dependencies as named `Annotated` aliases."""
from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, HTTPException, status
from starlette.requests import HTTPConnection

from .auth import AgentIdentity
from .service import Gateway
from .settings import Settings


def get_gateway(conn: HTTPConnection) -> Gateway:
    return conn.app.state.gateway


def get_settings_dep(conn: HTTPConnection) -> Settings:
    return conn.app.state.settings


GatewayDep = Annotated[Gateway, Depends(get_gateway)]
SettingsDep = Annotated[Settings, Depends(get_settings_dep)]


def bearer(authorization: Annotated[str | None, Header()] = None) -> str | None:
    if authorization and authorization.lower().startswith("bearer "):
        return authorization[7:].strip()
    return None


BearerToken = Annotated[str | None, Depends(bearer)]


async def current_agent(gw: GatewayDep, token: BearerToken) -> AgentIdentity:
    agent = await gw.sessions.get(token)
    if agent is None:
        raise HTTPException(
            status.HTTP_401_UNAUTHORIZED, "Geçerli bir temsilci oturumu gerekli.",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return agent


CurrentAgent = Annotated[AgentIdentity, Depends(current_agent)]


def role_guard(role: str, refusal: str) -> object:
    """A dependency alias: the signed-in agent whose role is `role`, else 403 with `refusal`."""
    async def signed_in_as(agent: CurrentAgent) -> AgentIdentity:
        if agent.role != role:
            raise HTTPException(status.HTTP_403_FORBIDDEN, refusal)
        return agent
    return Annotated[AgentIdentity, Depends(signed_in_as)]


CurrentSupervisor = role_guard("supervisor", "Bu bölüm yalnızca süpervizörler içindir.")
CurrentEditor = role_guard("editor", "Bu bölüm yalnızca içerik editörleri içindir.")


def require_demo(settings: SettingsDep) -> None:
    if not settings.demo:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Not Found")


DemoMode = Depends(require_demo)
