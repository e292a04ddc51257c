"""The demo page and the agent console (files from widget/, another package's folder)."""
from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import FileResponse

from .cors import page_headers
from .deps import SettingsDep

router = APIRouter(include_in_schema=False)


def _page(settings, request: Request, name: str) -> FileResponse:  # type: ignore[no-untyped-def]
    path = settings.widget_dir / name
    if not path.is_file():
        raise HTTPException(404, f"{name} bulunamadı (widget/ henüz kurulmadı).")
    return FileResponse(path, media_type="text/html; charset=utf-8", headers=page_headers(request.url.netloc))


@router.get("/")
async def demo_page(settings: SettingsDep, request: Request) -> FileResponse:
    return _page(settings, request, "demo.html")


@router.get("/console")
async def console_page(settings: SettingsDep, request: Request) -> FileResponse:
    return _page(settings, request, "console.html")
