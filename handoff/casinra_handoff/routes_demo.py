"""Demo-mode helpers: list the demo players and mint their tokens (404 unless CASINRA_DEMO=1)."""
from __future__ import annotations

import asyncio

from fastapi import APIRouter, HTTPException, status
from pydantic import BaseModel, Field

from . import frames as F
from .auth import mint_player_token
from .deps import DemoMode, GatewayDep
from .service import Gateway

router = APIRouter(prefix="/api/demo", tags=["demo"], dependencies=[DemoMode])

FALLBACK_PLAYERS = [
    {"id": "P1001", "name": "Ahmet Yılmaz"}, {"id": "P1002", "name": "Elif Demir"},
    {"id": "P1003", "name": "Mehmet Kaya"}, {"id": "P1004", "name": "Zeynep Çelik"},
]


class TokenIn(BaseModel):
    player_id: str = Field(min_length=1, max_length=16)


class TokenOut(BaseModel):
    token: str
    player: F.PlayerRef


async def _players(gw: Gateway) -> list[dict[str, str]]:
    try:
        rows = [dict(p) for p in await asyncio.to_thread(gw.backoffice.players.first, 4)]
    except Exception:
        rows = []
    return rows or FALLBACK_PLAYERS


@router.get("/players", response_model=list[F.PlayerRef])
async def demo_players(gw: GatewayDep) -> list[F.PlayerRef]:
    return [F.PlayerRef(**p) for p in await _players(gw)]


@router.post("/token", response_model=TokenOut)
async def demo_token(body: TokenIn, gw: GatewayDep) -> TokenOut:
    player = next((p for p in await _players(gw) if p["id"] == body.player_id), None)
    if player is None:
        raise HTTPException(status.HTTP_404_NOT_FOUND, "Oyuncu bulunamadı.")
    token = mint_player_token(player["id"], player["name"], gw.settings.jwt_secret)
    return TokenOut(token=token, player=F.PlayerRef(**player))
