"""Every error is JSON naming the problem: {"error": {"code", "message", "details"}}."""
import logging
from typing import Any, List, Optional

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from bot.domain import content


def error_response(status: int, code: str, message: str, details: Optional[List[Any]] = None) -> JSONResponse:
    body = {"error": {"code": code, "message": message, "details": details or []}}
    return JSONResponse(body, status_code=status, headers={"Cache-Control": "no-store"})


def _field(loc) -> str:
    parts = [str(p) for p in loc if p not in ("body", "query", "path")]
    return ".".join(parts) or "body"


async def validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
    errors = exc.errors()
    if any(e.get("type") in ("value_error.jsondecode", "json_invalid") for e in errors):
        return error_response(400, "invalid_json", "The request body is not valid JSON.")
    details = [{"field": _field(e.get("loc", ())), "problem": e.get("msg", "invalid")} for e in errors]
    summary = "; ".join(f"{d['field']}: {d['problem']}" for d in details)
    return error_response(422, "invalid_request", f"Invalid request: {summary}", details)


async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
    codes = {404: "not_found", 405: "method_not_allowed", 413: "payload_too_large", 415: "unsupported_media_type"}
    return error_response(exc.status_code, codes.get(exc.status_code, "http_error"), str(exc.detail))


async def unexpected_error(request: Request, exc: Exception) -> JSONResponse:
    # Still JSON, never an HTML error page; the text of the request is not logged.
    # The JSON log formatter keeps the exception's type and frames, never its message.
    route = getattr(request.scope.get("route"), "path", "unmatched")
    logging.getLogger("api").error("unexpected %s on %s", type(exc).__name__, route, exc_info=exc)
    return error_response(500, "internal_error", content.conversation("internal_error"))


def install(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, validation_error)
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(Exception, unexpected_error)
