"""Security headers, request size cap, browser-origin allow-list, and request metrics."""
import logging
import re
import time
import uuid
from typing import Iterable

from fastapi import HTTPException  # FastAPI re-raises its own from a body read (Starlette's becomes a 400)
from starlette.datastructures import MutableHeaders
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api import errors, metrics
from api.routes.pages import FRAME_PATH
from bot.runtime import logging_setup
from bot.runtime.settings import Settings

log = logging.getLogger("api.security")
# A host name or an IPv4/IPv6 address, with an optional port (RFC 9110 "Host").
_HOST = re.compile(r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?"
                   r"|\[[0-9A-Fa-f:.]{2,45}\])(?::[0-9]{1,5})?")


def content_security_policy(origins: Iterable[str], any_ancestor: bool = False) -> str:
    """`frame-ancestors`: this origin and the listed school origins. `any_ancestor` (only for the
    widget's chat frame, and only with the development wildcard origin): any site may show it."""
    ancestors = "*" if any_ancestor else " ".join(["'self'", *[o for o in origins if o != "*"]])
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


class GatewayMiddleware:
    """Request id, body-size and origin checks, security headers and request metrics.

    Plain ASGI rather than Starlette's BaseHTTPMiddleware, which copies every request and
    response through extra streams and tasks (a measurable share of a turn, `make bench-profile`).
    """

    def __init__(self, app: ASGIApp, settings: Settings):
        self.app = app
        self.settings = settings
        self.csp = content_security_policy(settings.cors_origins)
        self.any_origin = "*" in settings.cors_origins
        # The widget's chat frame (api/routes/pages.py) is shown inside the school sites listed in
        # SIGNPOST_CORS_ORIGINS, as every page here is; with the development wildcard, in any site.
        self.frame_csp = content_security_policy(settings.cors_origins, any_ancestor=self.any_origin)

    def origin_allowed(self, request: Request) -> bool:
        """CORS only protects browsers; the server refuses unlisted origins itself."""
        origin = request.headers.get("origin")
        if origin is None or self.any_origin:
            return True
        own = f"{request.url.scheme}://{request.url.netloc}"
        return origin.rstrip("/") in (own, *self.settings.cors_origins)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        request = Request(scope)
        request.state.request_id = uuid.uuid4().hex[:12]
        # Every log record made while this request is handled carries its id (bot/runtime/logging_setup.py).
        token = logging_setup.REQUEST_ID.set(request.state.request_id)
        status = {"code": 500, "started": False}

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"], status["started"] = message["status"], True
                self.add_headers(request, MutableHeaders(scope=message))
            await send(message)

        try:
            response = self.refusal(request)
            if response is None:
                try:
                    await self.app(scope, receive, send_with_headers)
                except Exception as exc:  # answered here, so it gets the headers and the request id
                    if status["started"]:
                        raise
                    response = await errors.unexpected_error(request, exc)
            if response is not None:
                await response(scope, receive, send_with_headers)
        finally:
            route = getattr(scope.get("route"), "path", "unmatched")
            metrics.REQUESTS.labels(route, request.method, str(status["code"])).inc()
            metrics.LATENCY.labels(route).observe(time.perf_counter() - started)
            logging_setup.REQUEST_ID.reset(token)

    def refusal(self, request: Request):
        """The error response for a request refused before it reaches a route, else None."""
        host = request.headers.get("host")
        if host is not None and not _HOST.fullmatch(host):
            # Starlette cannot make the request's URL from it (a 500, twice logged, before).
            log.warning("refused: malformed Host header")
            return errors.error_response(400, "bad_host", "The Host header is not a valid host name.")
        length = request.headers.get("content-length")
        if length and length.isdigit() and int(length) > self.settings.max_body_bytes:
            return errors.error_response(
                413, "payload_too_large", f"Request body is larger than {self.settings.max_body_bytes} bytes."
            )
        if request.method in ("POST", "DELETE") and not self.origin_allowed(request):
            return errors.error_response(403, "origin_not_allowed", "This website is not allowed to use the assistant.")
        return None

    def add_headers(self, request: Request, headers: MutableHeaders) -> None:
        headers["X-Content-Type-Options"] = "nosniff"
        headers["Referrer-Policy"] = "no-referrer"
        path = request.scope.get("path", "")  # not request.url: it parses the Host header
        headers["Content-Security-Policy"] = self.frame_csp if FRAME_PATH.match(path) else self.csp
        headers["X-Request-ID"] = request.state.request_id
        if path.startswith("/api/") or path in ("/healthz", "/readyz", "/metrics"):
            headers["Cache-Control"] = "no-store"
