"""`/mailbox` (demo mode only): the mails the demo sent, read from the local mailbox folder, and a form
to answer one as the player — the answer goes by SMTP to the gateway's inbound listener, so it threads
into its ticket exactly like a real reply. Server-rendered, every text escaped, no script."""
from __future__ import annotations

import asyncio
import email.utils
import smtplib
from email.message import EmailMessage
from html import escape
from urllib.parse import parse_qs

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from . import mailbox
from .cors import page_headers
from .deps import DemoMode, SettingsDep

router = APIRouter(include_in_schema=False, dependencies=[DemoMode])


def _reply(settings, kept: mailbox.Kept, text: str) -> None:  # type: ignore[no-untyped-def]
    msg = EmailMessage()
    msg["From"] = kept.to
    msg["To"] = email.utils.parseaddr(settings.mail_from)[1]
    msg["Subject"] = kept.subject if kept.subject.lower().startswith("re:") else f"Re: {kept.subject}"
    msg["Message-ID"] = email.utils.make_msgid(domain="oyuncu.example")
    if kept.message_id:
        msg["In-Reply-To"] = kept.message_id
        msg["References"] = kept.message_id
    msg.set_content(text)
    with smtplib.SMTP(settings.mail_inbound_host, settings.inbound_port, timeout=10) as client:
        client.send_message(msg)


@router.get("/mailbox", response_class=HTMLResponse)
async def page(settings: SettingsDep, request: Request) -> HTMLResponse:
    kept = await asyncio.to_thread(mailbox.read, settings.mailbox_dir)
    items = "".join(
        f"""<article><header><strong>{escape(k.subject)}</strong><br><small>{escape(k.sender)} → {escape(k.to)} ·
        {escape(k.date)}</small></header><pre>{escape(k.body)}</pre>
        <form method="post" action="/mailbox/{escape(k.name)}/reply"><label>Oyuncu olarak yanıtla<br>
        <textarea name="text" rows="3" cols="80" required></textarea></label><br><button>Yanıtı gönder</button></form>
        </article>""" for k in kept)
    html = f"""<!doctype html><html lang="tr"><head><meta charset="utf-8"><title>Demo posta kutusu</title>
<style>body{{font-family:system-ui,sans-serif;margin:24px;max-width:900px}}article{{border:1px solid #ddd;border-radius:8px;
padding:10px 14px;margin:12px 0}}pre{{white-space:pre-wrap;background:#f7f7fb;padding:8px;border-radius:6px}}</style></head>
<body><h1>Demo posta kutusu</h1><p>Destek sisteminin gönderdiği e-postalar ({escape(str(settings.mailbox_dir))}). Bir
e-postayı oyuncu olarak yanıtlarsanız yanıt, destek adresine SMTP ile gider ve aynı talebe eklenir.</p>
{items or "<p>Henüz e-posta yok.</p>"}</body></html>"""
    return HTMLResponse(html, headers=page_headers(request.url.netloc))


@router.post("/mailbox/{name}/reply")
async def reply(name: str, request: Request, settings: SettingsDep) -> RedirectResponse:
    kept = await asyncio.to_thread(mailbox.find, settings.mailbox_dir, name)
    if kept is None:
        raise HTTPException(404, "E-posta bulunamadı.")
    if not settings.inbound_port:
        raise HTTPException(409, "Gelen posta dinleyicisi kapalı.")
    text = (parse_qs((await request.body()).decode("utf-8", "replace")).get("text") or [""])[0].strip()
    if not text or len(text) > 10_000:
        raise HTTPException(422, "Yanıt boş ya da çok uzun.")
    await asyncio.to_thread(_reply, settings, kept, text)
    return RedirectResponse("/mailbox", status_code=303)

