"""The content page's REST API (editors only): the review inbox, the content branch's edits and
diff, commits, the long steps as jobs, candidates and their reports. Each call runs the content
kit (`content.py`); every change is audited."""
from __future__ import annotations

import asyncio
import json
import re
from typing import Annotated, Any, Literal

from fastapi import APIRouter, HTTPException, Path, Response
from fastapi.responses import FileResponse, HTMLResponse
from pydantic import BaseModel, Field

from .content import ContentError
from .deps import GatewayDep
from .routes_models import ContentDep, CurrentEditor, refuse

router = APIRouter(prefix="/api/content", tags=["content"])

ModelId = Annotated[str, Path(pattern=r"^[0-9a-f]{16}$")]
INTENT = r"^[A-Za-z0-9_]+(/[A-Za-z0-9_]+)?$"


async def kit(content: Any, *args: str, timeout_s: float = 120.0) -> Any:
    try:
        return await content.kit.stream(list(args), timeout_s=timeout_s)
    except ContentError as exc:
        raise refuse(exc) from None


def _email(username: str) -> str:
    return f"{username}@casinra.local"


# ------------------------------------------------------------------ inbox
@router.get("/inbox")
async def inbox(editor: CurrentEditor, content: ContentDep) -> Any:
    """Messages worth a look, masked and grouped (most frequent first)."""
    return await kit(content, "inbox")


class DecisionIn(BaseModel):
    keys: list[Annotated[str, Field(max_length=400)]] = Field(min_length=1, max_length=200)
    action: Literal["label", "example", "confirm", "ignore"]
    intent: str | None = Field(None, max_length=80, pattern=INTENT)
    text: str | None = Field(None, max_length=300)


@router.post("/inbox/decide")
async def decide(body: DecisionIn, editor: CurrentEditor, content: ContentDep, gw: GatewayDep) -> Any:
    args = ["decide", "--keys", json.dumps(body.keys, ensure_ascii=False), "--action", body.action,
            "--by", editor.username]
    if body.intent:
        args += ["--intent", body.intent]
    if body.text:
        args += ["--text", body.text]
    out = await kit(content, *args)
    await gw.audit(editor, "content_inbox_decision", body.intent, decision=body.action, messages=len(body.keys))
    return out


# ------------------------------------------------------------------ the content branch
@router.get("/workspace")
async def workspace(editor: CurrentEditor, content: ContentDep) -> Any:
    return await kit(content, "workspace", "status")


@router.get("/workspace/info")
async def workspace_info(editor: CurrentEditor, content: ContentDep) -> Any:
    """The branch's intents and answers (for the page's choosers and the answer editor)."""
    return await kit(content, "workspace", "info")


@router.get("/workspace/diff")
async def workspace_diff(editor: CurrentEditor, content: ContentDep, committed: bool = False) -> Any:
    """Uncommitted changes; `committed=true`: what the branch has that main has not."""
    return await kit(content, "workspace", "branch-diff" if committed else "diff")


class ExampleIn(BaseModel):
    intent: str = Field(max_length=80, pattern=INTENT)
    text: str = Field(min_length=1, max_length=300)


@router.post("/examples")
async def add_example(body: ExampleIn, editor: CurrentEditor, content: ContentDep, gw: GatewayDep) -> Any:
    out = await kit(content, "workspace", "add-example", "--intent", body.intent, "--text", body.text)
    await gw.audit(editor, "content_example_added", body.intent, file=out.get("file"), line=out.get("line"))
    return out


class ResponseIn(BaseModel):
    response: str = Field(max_length=120, pattern=r"^utter_[A-Za-z0-9_/]+$")
    index: int = Field(0, ge=0, le=50)
    text: str = Field(min_length=1, max_length=2000)


@router.post("/responses")
async def edit_response(body: ResponseIn, editor: CurrentEditor, content: ContentDep, gw: GatewayDep) -> Any:
    out = await kit(content, "workspace", "edit-response", "--response", body.response, "--index", str(body.index),
                    "--text", body.text)
    await gw.audit(editor, "content_response_edited", body.response, index=body.index)
    return out


class CommitIn(BaseModel):
    message: str = Field(min_length=1, max_length=500)


@router.post("/commit")
async def commit(body: CommitIn, editor: CurrentEditor, content: ContentDep, gw: GatewayDep) -> Any:
    out = await kit(content, "workspace", "commit", "--message", body.message, "--author", editor.display_name,
                    "--email", _email(editor.username))
    await gw.audit(editor, "content_commit", out.get("sha"), message=body.message)
    return out


@router.post("/discard")
async def discard(editor: CurrentEditor, content: ContentDep, gw: GatewayDep) -> Any:
    out = await kit(content, "workspace", "discard")
    await gw.audit(editor, "content_discard", None)
    return out


# ------------------------------------------------------------------ jobs
class JobIn(BaseModel):
    kind: Literal["validate", "train", "evaluate", "journeys"]
    model: str | None = Field(None, max_length=120, pattern=r"^[A-Za-z0-9_.\-]+$")  # evaluate, journeys


@router.post("/jobs", status_code=202, responses={409: {"description": "another job is running"}})
async def start_job(body: JobIn, editor: CurrentEditor, content: ContentDep, gw: GatewayDep) -> Any:
    project = str(content.settings.content_dir / "workspace")
    await kit(content, "workspace", "status")  # the worktree exists before a job reads it
    if body.kind == "validate":
        args = ["validate", "--project", project]
    elif body.kind == "train":
        args = ["train", "--project", project]
    else:
        if not body.model:
            raise HTTPException(400, "Bir model seçin.")
        if body.kind == "evaluate" and body.model == "live":
            raise HTTPException(400, "Değerlendirilecek bir aday seçin.")
        if body.model != "live":
            try:
                content.candidate_file(body.model)
            except ContentError as exc:
                raise refuse(exc) from None
        args = (["evaluate", "--candidate", body.model] if body.kind == "evaluate" else ["journeys", "--model", body.model])
        args += ["--project", project]
    try:
        job = await content.jobs.start(body.kind, args, editor.username)
    except ContentError as exc:
        raise refuse(exc) from None
    await gw.audit(editor, "content_job", body.kind, model=body.model)
    return job


@router.get("/jobs")
async def jobs(editor: CurrentEditor, content: ContentDep) -> list[dict[str, Any]]:
    return await content.jobs.recent()


@router.get("/jobs/{job_id}")
async def job(job_id: Annotated[str, Path(pattern=r"^[0-9a-f]{12}$")], editor: CurrentEditor, content: ContentDep) -> Any:
    found = await content.jobs.get(job_id)
    if found is None:
        raise HTTPException(404, "İş bulunamadı.")
    return found


# ------------------------------------------------------------------ candidates and reports
@router.get("/candidates")
async def candidates(editor: CurrentEditor, content: ContentDep) -> list[dict[str, Any]]:
    return await content.candidates()


@router.get("/reports/{model_id}", response_class=HTMLResponse)
async def report_html(model_id: ModelId, editor: CurrentEditor, content: ContentDep) -> Response:
    """The comparison report (self-contained HTML, no scripts; the page shows it in a sandboxed frame)."""
    path = content.settings.content_dir / "reports" / model_id / "report.html"
    if not path.is_file():
        raise HTTPException(404, "Bu model için rapor yok.")
    html = await asyncio.to_thread(path.read_text, encoding="utf-8")
    return HTMLResponse(html, headers={"Content-Security-Policy": "default-src 'none'; img-src data:; style-src 'unsafe-inline'",
                                       "Cache-Control": "no-store"})


@router.get("/reports/{model_id}/report.json")
async def report_json(model_id: ModelId, editor: CurrentEditor, content: ContentDep) -> Any:
    found = await asyncio.to_thread(content.report, model_id)
    if found is None:
        raise HTTPException(404, "Bu model için rapor yok.")
    return found


@router.get("/reports/{model_id}/{image}", response_class=FileResponse)
async def report_image(model_id: ModelId, image: Annotated[str, Path(pattern=r"^confusion(-live)?\.png$")],
                       editor: CurrentEditor, content: ContentDep) -> FileResponse:
    path = content.settings.content_dir / "reports" / model_id / image
    if not path.is_file() or not re.match(r"^confusion(-live)?\.png$", path.name):
        raise HTTPException(404, "Görsel yok.")
    return FileResponse(path, media_type="image/png")
