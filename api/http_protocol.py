"""uvicorn's h11 protocol plus a request-read timeout (slow clients, "slowloris").

uvicorn times out an idle keep-alive connection, but not one that sends its request slowly: it
resets the keep-alive timer on every byte, and has no timer while headers or a body arrive, so a
client trickling a byte every few seconds holds a connection (and, with many, the server)
forever. Here each request must arrive whole (headers and body) within REQUEST_READ_SECONDS of
the connection opening or the previous response ending; otherwise the connection is closed.
Behind the reverse proxy (deploy/nginx.conf) the proxy's own timeouts apply first.

Used by `api.serve` (make run, Docker) and by `uvicorn --http api.http_protocol:TimedH11Protocol`.
"""
import asyncio
from typing import Optional

from uvicorn.protocols.http.h11_impl import H11Protocol

from bot.runtime.settings import Settings

REQUEST_READ_SECONDS = Settings().request_read_timeout_seconds  # SIGNPOST_REQUEST_READ_TIMEOUT_SECONDS


class TimedH11Protocol(H11Protocol):
    _read_timer: Optional[asyncio.TimerHandle] = None

    def _arm(self) -> None:
        self._disarm()
        self._read_timer = self.loop.call_later(REQUEST_READ_SECONDS, self._too_slow)

    def _disarm(self) -> None:
        if self._read_timer is not None:
            self._read_timer.cancel()
            self._read_timer = None

    def _too_slow(self) -> None:
        self._read_timer = None
        if not self.transport.is_closing():
            if self.cycle is not None and not self.cycle.response_complete:
                self.cycle.disconnected = True
                self.cycle.message_event.set()
            self.transport.close()

    def connection_made(self, transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def connection_lost(self, exc) -> None:
        self._disarm()
        super().connection_lost(exc)

    def handle_events(self) -> None:
        super().handle_events()
        # The whole request is in once the current (unanswered) cycle has no more body to come.
        if self.cycle is not None and not self.cycle.response_complete and not self.cycle.more_body:
            self._disarm()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing():
            self._arm()
