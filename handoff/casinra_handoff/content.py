"""The content team's loop, served: the content kit run as a subprocess, long steps as jobs, the
model registry and the Rasa replicas.

The kit (`python -m bot …`, in the bot's environment: Rasa, the training data, Git) does the work
— the inbox, the branch's edits, validation, training, evaluation, the journeys — exactly as it
does in a terminal; the gateway only runs it with `--json` and passes on what it says. One long
job (validate, train, evaluate, journeys) runs at a time; its progress lives in Redis, so any
gateway replica can report it.
"""
from __future__ import annotations

import asyncio
import json
import logging
import os
import time
import uuid
from dataclasses import dataclass
from typing import Any, Awaitable, Callable

import httpx
import redis.asyncio as aioredis

from .keys import Keys
from .registry import Registry, content_id
from .settings import REPO_ROOT, Settings
from .tasks import cancel

log = logging.getLogger("casinra.content")

JOBS = {"validate": "Doğrulama", "train": "Eğitim", "evaluate": "Değerlendirme", "journeys": "Konuşma yolculukları"}
JOB_TIMEOUT_S = {"validate": 600, "train": 3600, "evaluate": 1800, "journeys": 3600}
LOCK_TTL_S = 120  # the running job's lock, refreshed while it runs (a crashed gateway frees it)
KEEP_JOBS = 30


class ContentError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass
class Kit:
    """Runs `python -m bot <command> … --json` in the bot's environment."""

    settings: Settings

    def env(self) -> dict[str, str]:
        s = self.settings
        return {
            **os.environ,
            "PYTHONPATH": str(REPO_ROOT), "PYTHONUNBUFFERED": "1", "TF_CPP_MIN_LOG_LEVEL": "2",
            "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
            "CASINRA_CONTENT_DIR": str(s.content_dir), "CASINRA_CONTENT_REPO": str(s.content_repo),
            "CASINRA_CONTENT_BRANCH": s.content_branch, "CASINRA_CONTENT_BASE": s.content_base,
            "CASINRA_REGISTRY_DIR": str(s.registry_dir), "CASINRA_REDIS_URL": s.redis_url,
            "CASINRA_DB_URL": s.db_url,
        }

    async def stream(self, args: list[str], on_progress: Callable[[float, str], Awaitable[None]] | None = None,
                     timeout_s: float = 120.0) -> Any:
        """Run; progress lines go to `on_progress`; → the result, or `ContentError` with the kit's message."""
        if not self.settings.bot_python.exists():
            raise ContentError(503, f"İçerik araçları kurulu değil ({self.settings.bot_python} yok); `make install`.")
        proc = await asyncio.create_subprocess_exec(
            str(self.settings.bot_python), "-m", "bot", *args, "--json", cwd=str(REPO_ROOT), env=self.env(),
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE, limit=1 << 24,
        )
        outcome: dict[str, Any] = {}
        stderr_tail: list[str] = []

        async def read_out() -> None:
            assert proc.stdout is not None
            async for raw in proc.stdout:
                line = raw.decode("utf-8", "replace").strip()
                if not line.startswith("{"):
                    continue
                try:
                    data = json.loads(line)
                except ValueError:
                    continue
                if "progress" in data and on_progress:
                    await on_progress(float(data["progress"]), str(data.get("step", "")))
                elif "result" in data or "error" in data:
                    outcome.update(data)

        async def read_err() -> None:
            assert proc.stderr is not None
            async for raw in proc.stderr:
                stderr_tail.append(raw.decode("utf-8", "replace").rstrip())
                del stderr_tail[:-20]

        try:
            await asyncio.wait_for(asyncio.gather(read_out(), read_err(), proc.wait()), timeout_s)
        except (asyncio.TimeoutError, asyncio.CancelledError):
            if proc.returncode is None:
                proc.kill()
                await proc.wait()
            raise
        if "error" in outcome:
            raise ContentError(400, str(outcome["error"]))
        if proc.returncode != 0 or "result" not in outcome:
            log.warning("content kit failed", extra={"command": args[:2], "code": proc.returncode,
                                                     "stderr": "\n".join(stderr_tail[-8:])})
            detail = next((line for line in reversed(stderr_tail) if line.strip()), "")
            raise ContentError(500, f"İçerik aracı hata verdi ({proc.returncode}): {detail[-300:]}")
        return outcome["result"]


class Jobs:
    """Long steps, one at a time; state and progress in Redis."""

    def __init__(self, redis: aioredis.Redis, keys: Keys, kit: Kit) -> None:
        self.r = redis
        self.k = keys
        self.kit = kit
        self.tasks: set[asyncio.Task[Any]] = set()

    async def start(self, kind: str, args: list[str], by: str) -> dict[str, Any]:
        if kind not in JOBS:
            raise ContentError(400, f"Bilinmeyen iş: {kind}")
        jid = uuid.uuid4().hex[:12]
        if not await self.r.set(self.k.content_lock, jid, nx=True, ex=LOCK_TTL_S):
            running = await self.get(await self.r.get(self.k.content_lock) or "")
            what = f"{running['label']} (%{int(running['progress'] * 100)})" if running else "başka bir iş"
            raise ContentError(409, f"Şu anda {what} sürüyor; bitince yeniden deneyin.")
        job = {"id": jid, "kind": kind, "label": JOBS[kind], "by": by, "state": "running", "progress": 0.0,
               "step": "Başlıyor", "started_at": time.time(), "finished_at": None, "result": None, "error": None}
        await self._save(job)
        await self.r.lpush(self.k.content_jobs, jid)
        await self.r.ltrim(self.k.content_jobs, 0, KEEP_JOBS - 1)
        task = asyncio.create_task(self._run(job, args), name=f"content-{kind}")
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)
        return job

    async def _save(self, job: dict[str, Any]) -> None:
        await self.r.set(self.k.content_job(job["id"]), json.dumps(job, ensure_ascii=False), ex=7 * 24 * 3600)

    async def _run(self, job: dict[str, Any], args: list[str]) -> None:
        last = 0.0

        async def progress(fraction: float, step: str) -> None:
            nonlocal last
            job["progress"], job["step"] = fraction, step
            if time.monotonic() - last > 0.5 or fraction >= 1.0:
                last = time.monotonic()
                await self._save(job)
                await self.r.expire(self.k.content_lock, LOCK_TTL_S)

        async def heartbeat() -> None:
            while True:
                await asyncio.sleep(LOCK_TTL_S / 3)
                await self.r.expire(self.k.content_lock, LOCK_TTL_S)

        beat = asyncio.create_task(heartbeat())
        try:
            job["result"] = await self.kit.stream(args, progress, JOB_TIMEOUT_S[job["kind"]])
            job["state"], job["progress"], job["step"] = "done", 1.0, "Bitti"
        except ContentError as exc:
            job["state"], job["error"] = "failed", exc.message
        except asyncio.TimeoutError:
            job["state"], job["error"] = "failed", "İş zaman aşımına uğradı."
        except asyncio.CancelledError:
            job["state"], job["error"] = "failed", "Ağ geçidi kapanırken iş yarıda kaldı."
            raise
        except Exception as exc:  # the job's record must end, whatever happened
            log.exception("content job failed")
            job["state"], job["error"] = "failed", f"Beklenmeyen hata: {exc.__class__.__name__}"
        finally:
            await cancel(beat)
            job["finished_at"] = time.time()
            try:
                await self._save(job)
                if await self.r.get(self.k.content_lock) == job["id"]:
                    await self.r.delete(self.k.content_lock)
            except Exception:
                log.warning("content job state not saved", extra={"job": job["id"]})

    async def get(self, jid: str) -> dict[str, Any] | None:
        raw = await self.r.get(self.k.content_job(jid)) if jid else None
        return json.loads(raw) if raw else None

    async def recent(self, limit: int = 10) -> list[dict[str, Any]]:
        ids = await self.r.lrange(self.k.content_jobs, 0, limit - 1)
        jobs = [await self.get(i) for i in ids]
        return [j for j in jobs if j]

    async def stop(self) -> None:
        await cancel(*self.tasks)


class Replicas:
    """Which model each Rasa server has loaded (its `/status`)."""

    def __init__(self, settings: Settings) -> None:
        self.urls = [u.strip().rstrip("/") for u in (settings.rasa_replicas or settings.rasa_url).split(",") if u.strip()]
        self.token = settings.rasa_token

    async def status(self) -> list[dict[str, Any]]:
        async with httpx.AsyncClient(timeout=3.0) as http:
            return list(await asyncio.gather(*(self._one(http, url) for url in self.urls)))

    async def _one(self, http: httpx.AsyncClient, url: str) -> dict[str, Any]:
        try:
            resp = await http.get(f"{url}/status", params={"token": self.token})
            data = resp.json() if resp.status_code == 200 else {}
        except (httpx.HTTPError, ValueError) as exc:
            return {"url": url, "ok": False, "error": f"ulaşılamıyor ({exc.__class__.__name__})"}
        if not data:
            return {"url": url, "ok": False, "error": f"durum alınamadı (HTTP {resp.status_code})"}
        model_file = str(data.get("model_file") or "")
        stem = model_file.rsplit("/", 1)[-1].split(".", 1)[0]
        return {"url": url, "ok": True, "model_file": model_file, "rasa_model_id": data.get("model_id"),
                "model_id": stem if len(stem) == 16 and all(c in "0123456789abcdef" for c in stem) else None}


class ContentService:
    """What the content routes use: the kit, the jobs, the registry, the replicas."""

    def __init__(self, settings: Settings, redis: aioredis.Redis, keys: Keys) -> None:
        self.settings = settings
        self.kit = Kit(settings)
        self.jobs = Jobs(redis, keys, self.kit)
        self.registry = Registry(settings.registry_dir)
        self.replicas = Replicas(settings)

    @property
    def guards(self) -> list[str]:
        return [g.strip() for g in self.settings.promote_guards.split(",") if g.strip()]

    async def start(self) -> None:
        """Adopt `make train`'s model into the registry when it is new (it goes live)."""
        try:
            info = await asyncio.to_thread(self.registry.adopt_seed, self.settings.model_seed)
            if info:
                log.info("model adopted from the build", extra={"model": info.id})
        except OSError:
            log.exception("model registry: the build's model was not adopted")

    async def stop(self) -> None:
        await self.jobs.stop()

    def candidate_file(self, name: str):  # type: ignore[no-untyped-def]
        name = name[:-7] if name.endswith(".tar.gz") else name
        if not name or "/" in name or name.startswith(".") or len(name) > 100:
            raise ContentError(400, "Geçersiz model adı.")
        path = self.settings.content_dir / "models" / f"{name}.tar.gz"
        if not path.is_file():
            raise ContentError(404, f"“{name}” adında eğitilmiş bir aday yok.")
        return path

    async def candidates(self) -> list[dict[str, Any]]:
        def scan() -> list[dict[str, Any]]:
            out = []
            for meta in sorted((self.settings.content_dir / "models").glob("*.json"), reverse=True):
                try:
                    data = json.loads(meta.read_text(encoding="utf-8"))
                except (OSError, ValueError):
                    continue
                model = meta.with_suffix(".tar.gz")
                if not model.is_file():
                    continue
                mid = data.get("id") or content_id(model)
                if "id" not in data:  # remember the hash: models are large
                    data["id"] = mid
                    meta.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
                report = self.settings.content_dir / "reports" / mid / "report.json"
                out.append({**data, "report": report.is_file(), "registered": self.registry.get(mid) is not None})
            return out

        return await asyncio.to_thread(scan)

    def report(self, mid: str) -> dict[str, Any] | None:
        path = self.settings.content_dir / "reports" / mid / "report.json"
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
