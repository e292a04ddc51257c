"""REST errors without surprises: a request the schema refuses (a body that is not JSON, invalid
UTF-8, a wrong type, a bad path parameter) is a 422 whose details name the field and the problem
but never echo the input — a password stays out of the answer and out of the logs."""
from __future__ import annotations

from casinra_contracts.pii import mask_text
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

MESSAGE = "İstek geçersiz."


def _safe(value: object) -> str:
    return mask_text(str(value).encode("utf-8", "replace").decode("utf-8"))[:200]


async def validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    details = [
        {"loc": [_safe(p) for p in e.get("loc", ())], "msg": _safe(e.get("msg", "")), "type": _safe(e.get("type", ""))}
        for e in exc.errors()
    ][:10]
    return JSONResponse({"detail": details, "message": MESSAGE}, status_code=422)


def install(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, validation_error)
