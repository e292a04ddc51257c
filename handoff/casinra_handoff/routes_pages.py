"""The demo page and the agent console (files from widget/, another package's folder)."""
from __future__ import annotations

from fastapi import APIRouter, HTTPException
from fastapi.responses import FileResponse

from .deps import SettingsDep

router = APIRouter(include_in_schema=False)


def _page(settings, name: str) -> FileResponse:
    path = settings.widget_dir / name
    if not path.is_file():
        raise HTTPException(404, f"{name} bulunamadı (widget/ henüz kurulmadı).")
    return FileResponse(path, media_type="text/html; charset=utf-8", headers={"Cache-Control": "no-cache"})


@router.get("/")
async def demo_page(settings: SettingsDep) -> FileResponse:
    return _page(settings, "demo.html")


@router.get("/console")
async def console_page(settings: SettingsDep) -> FileResponse:
    return _page(settings, "console.html")
