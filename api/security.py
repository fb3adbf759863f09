"""Security headers, request size cap, browser-origin allow-list, and request metrics."""
import time
import uuid
from typing import Iterable

from fastapi import HTTPException  # FastAPI re-raises its own from a body read (Starlette's becomes a 400)
from starlette.middleware.base import BaseHTTPMiddleware
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api import errors, logging_setup, metrics
from api.settings import Settings


def content_security_policy(origins: Iterable[str]) -> str:
    ancestors = " ".join(["'self'", *[o for o in origins if o != "*"]])
    return (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
        f"frame-ancestors {ancestors}"
    )


class BodyLimitMiddleware:
    """Caps the bytes actually received, whatever the framing.

    The Content-Length check (GatewayMiddleware) refuses a declared large body before reading
    it; a chunked body declares no length, so this counts the bytes as they arrive and stops
    reading at the cap: the route gets a 413 instead of the body, which is never parsed.
    """

    def __init__(self, app: ASGIApp, max_bytes: int):
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        received = 0

        async def limited() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise HTTPException(413, f"Request body is larger than {self.max_bytes} bytes.")
            return message

        await self.app(scope, limited, send)


class GatewayMiddleware(BaseHTTPMiddleware):
    def __init__(self, app, settings: Settings):
        super().__init__(app)
        self.settings = settings
        self.csp = content_security_policy(settings.cors_origins)
        self.any_origin = "*" in settings.cors_origins

    def origin_allowed(self, request: Request) -> bool:
        """CORS only protects browsers; the server refuses unlisted origins itself."""
        origin = request.headers.get("origin")
        if origin is None or self.any_origin:
            return True
        own = f"{request.url.scheme}://{request.url.netloc}"
        return origin.rstrip("/") in (own, *self.settings.cors_origins)

    async def dispatch(self, request: Request, call_next):
        started = time.perf_counter()
        request.state.request_id = uuid.uuid4().hex[:12]
        # Every log record made while this request is handled carries its id (api/logging_setup.py).
        token = logging_setup.REQUEST_ID.set(request.state.request_id)
        try:
            return await self._dispatch(request, call_next, started)
        finally:
            logging_setup.REQUEST_ID.reset(token)

    async def _dispatch(self, request: Request, call_next, started: float):
        length = request.headers.get("content-length")
        if length and length.isdigit() and int(length) > self.settings.max_body_bytes:
            response = errors.error_response(
                413, "payload_too_large", f"Request body is larger than {self.settings.max_body_bytes} bytes."
            )
        elif request.method in ("POST", "DELETE") and not self.origin_allowed(request):
            response = errors.error_response(403, "origin_not_allowed", "This website is not allowed to use the assistant.")
        else:
            try:
                response = await call_next(request)
            except Exception as exc:  # answered here, so it gets the headers and the request id
                response = await errors.unexpected_error(request, exc)
        self.add_headers(request, response)
        route = getattr(request.scope.get("route"), "path", "unmatched")
        metrics.REQUESTS.labels(route, request.method, str(response.status_code)).inc()
        metrics.LATENCY.labels(route).observe(time.perf_counter() - started)
        return response

    def add_headers(self, request: Request, response) -> None:
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        response.headers["Content-Security-Policy"] = self.csp
        response.headers["X-Request-ID"] = request.state.request_id
        if request.url.path.startswith("/api/") or request.url.path in ("/healthz", "/readyz", "/metrics"):
            response.headers["Cache-Control"] = "no-store"
