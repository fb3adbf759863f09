"""Per-session and per-client rate limits (the `limits` library; memory or Redis storage).

The client key is a keyed hash of the address, held only for the current minute's window:
the address itself is never stored or logged.
"""
import hashlib
import logging
import os
from typing import Optional

from limits import RateLimitItemPerMinute
from limits.storage import storage_from_string
from limits.strategies import FixedWindowRateLimiter

from bot.runtime.settings import Settings

log = logging.getLogger("api.ratelimit")


class RateLimits:
    def __init__(self, settings: Settings):
        # Bounded waits: Redis calls block the event loop, and a lost Redis must not hang a turn.
        redis_options = {"socket_timeout": 2, "socket_connect_timeout": 2} if settings.redis_url else {}
        self.storage = storage_from_string(settings.redis_url or "memory://", **redis_options)
        self.limiter = FixedWindowRateLimiter(self.storage)
        self.per_session = RateLimitItemPerMinute(settings.rate_limit_per_session) if settings.rate_limit_per_session else None
        self.per_client = RateLimitItemPerMinute(settings.rate_limit_per_client) if settings.rate_limit_per_client else None
        # Replicas sharing Redis need the same key to share per-client counts.
        secret = settings.client_key_secret or ""
        self._secret = secret.encode() or os.urandom(16)

    def client_key(self, address: Optional[str]) -> str:
        return hashlib.blake2b((address or "unknown").encode(), key=self._secret, digest_size=12).hexdigest()

    def exceeded(self, session_id: Optional[str], address: Optional[str]) -> Optional[str]:
        """The name of the limit this request breaks, or None. Each check counts one hit.

        If the shared storage (Redis) cannot be reached, nobody is refused: a message about a
        child in danger must still get its answer (which will then be the degraded one).
        """
        try:
            return self._exceeded(session_id, address)
        except Exception as exc:  # redis-py's ConnectionError/TimeoutError, whatever the storage
            log.warning("rate limits not checked, storage unavailable: %s", type(exc).__name__)
            return None

    def _exceeded(self, session_id: Optional[str], address: Optional[str]) -> Optional[str]:
        if self.per_client and not self.limiter.hit(self.per_client, "client", self.client_key(address)):
            return "client"
        if session_id and self.per_session and not self.limiter.hit(self.per_session, "session", session_id):
            return "session"
        return None
