"""Where conversations and their locks live, chosen by configuration.

- Embedded default (no SIGNPOST_REDIS_URL): conversations in this process's memory
  (ExpiringInMemoryTrackerStore, swept after the idle expiry) and Rasa's InMemoryLockStore.
- Scale-out (SIGNPOST_REDIS_URL=redis://host:port/db): each conversation a Redis list of its
  events (bot/engine/redis_tracker_store.py), deleted by Redis after the idle expiry, and a Redis lock
  (bot/engine/lock_store.py), so a conversation's turns are handled one at a time even when they reach
  different replicas or workers. Any replica can then serve any turn: no sticky sessions. The rate limits use the same Redis (api/ratelimit.py).
"""
import logging
from dataclasses import dataclass
from typing import Optional
from urllib.parse import unquote, urlsplit

from rasa.core.lock_store import InMemoryLockStore, LockStore
from rasa.core.tracker_store import TrackerStore
from rasa.shared.core.domain import Domain

from bot.engine.lock_store import RedisTurnLockStore
from bot.engine.redis_tracker_store import RedisEventTrackerStore
from bot.runtime.settings import Settings
from bot.engine.tracker_store import ExpiringInMemoryTrackerStore

log = logging.getLogger("api.stores")

# Alphanumeric (Rasa ignores other prefixes): keys are "signpost:events:<id>", "signpost:lock:<id>".
KEY_PREFIX = "signpost"


@dataclass
class Stores:
    tracker_store: TrackerStore
    lock_store: LockStore
    # Both stores drop idle conversations kept in this process's memory (Redis expires its own).
    sweep_every_seconds: Optional[float] = None

    def sweep(self) -> int:
        sweep = getattr(self.tracker_store, "sweep", None)
        return sweep() if sweep else 0


def expiry_seconds(settings: Settings) -> int:
    # Redis's SET ... EX takes whole seconds; redis-py raises on a float, and Rasa's
    # FailSafeTrackerStore would then quietly fall back to memory. At least 1 s.
    return max(1, round(settings.session_expiry_minutes * 60))


def redis_options(url: str) -> dict:
    """redis://[user:password@]host[:port][/db] or rediss://… → Rasa's store arguments."""
    parts = urlsplit(url)
    if parts.scheme not in ("redis", "rediss"):
        raise ValueError(f"SIGNPOST_REDIS_URL must start with redis:// or rediss://, not {parts.scheme!r}")
    db = parts.path.strip("/") or "0"
    return {
        "host": parts.hostname or "localhost",
        "port": parts.port or 6379,
        "db": int(db),
        "username": unquote(parts.username) if parts.username else None,
        "password": unquote(parts.password) if parts.password else None,
        "use_ssl": parts.scheme == "rediss",
    }


def bound_waits(client, seconds: float = 2.0) -> None:
    """Rasa's Redis stores make blocking calls on the event loop, and the tracker store sets no
    timeout: a lost Redis would freeze the worker for the OS's connect timeout (minutes).
    With a bound, the turn fails fast and gets the degraded reply. Connections are made lazily,
    so this applies to all of them."""
    client.connection_pool.connection_kwargs.update(socket_timeout=seconds, socket_connect_timeout=seconds)


def build_stores(settings: Settings) -> Stores:
    if not settings.redis_url:
        ttl = settings.session_expiry_minutes * 60
        return Stores(ExpiringInMemoryTrackerStore(ttl), InMemoryLockStore(), sweep_every_seconds=min(60.0, ttl))
    options = redis_options(settings.redis_url)
    tracker_store = RedisEventTrackerStore(
        Domain.empty(), record_exp=expiry_seconds(settings), key_prefix=KEY_PREFIX, **options
    )
    lock_store = RedisTurnLockStore(key_prefix=KEY_PREFIX, **options)
    for client in (tracker_store.red, lock_store.red):
        bound_waits(client)
    log.info("conversations in Redis at %s:%s/%s", options["host"], options["port"], options["db"])
    return Stores(tracker_store, lock_store, sweep_every_seconds=min(60.0, tracker_store.record_exp))
