"""Where conversations and their locks live, chosen by configuration.

- Embedded default (no SIGNPOST_REDIS_URL): conversations in this process's memory
  (ExpiringInMemoryTrackerStore, swept after the idle expiry) and Rasa's InMemoryLockStore.
- Scale-out (SIGNPOST_REDIS_URL=redis://host:port/db): Rasa's RedisTrackerStore, whose
  `record_exp` is the idle expiry (Redis deletes a conversation that many seconds after its last
  turn), and a Redis lock (api/lock_store.py), so a conversation's turns are handled one at a
  time even when they reach different replicas or workers. Any replica can then serve any turn: no sticky
  sessions. The rate limits use the same Redis (api/ratelimit.py).
"""
import logging
from dataclasses import dataclass
from typing import Optional, Text
from urllib.parse import unquote, urlsplit

from rasa.core.lock_store import InMemoryLockStore, LockStore
from rasa.core.tracker_store import RedisTrackerStore, TrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker

from api.lock_store import RedisTurnLockStore
from api.settings import Settings
from api.tracker_store import ExpiringInMemoryTrackerStore

log = logging.getLogger("api.stores")

# Alphanumeric (Rasa ignores other prefixes): keys are "signpost:tracker:<id>", "signpost:lock:<id>".
KEY_PREFIX = "signpost"


class ExpiringRedisTrackerStore(RedisTrackerStore):
    """Rasa's RedisTrackerStore plus `forget` (DELETE /api/v1/sessions/{id}), and a save that
    only writes.

    Rasa's save reads the stored conversation back and merges it with the new one before
    writing, to keep the earlier Rasa sessions of a conversation (a session here ends after 30
    minutes of silence, when the conversation itself expires). The turns of a conversation never
    overlap (api/lock_store.py), so the tracker being saved already holds everything this turn
    read; like the in-memory store, only the current session is kept.
    """

    def key(self, sender_id: Text) -> Text:
        return self.key_prefix + sender_id

    async def save(self, tracker: DialogueStateTracker, timeout: Optional[float] = None) -> None:
        await self.stream_events(tracker)  # nothing without an event broker (none is configured)
        self.red.set(self.key(tracker.sender_id), self.serialise_tracker(tracker), ex=timeout or self.record_exp)

    def forget(self, sender_id: Text) -> bool:
        return bool(self.red.delete(self.key(sender_id)))

    async def exists(self, conversation_id: Text) -> bool:
        return bool(self.red.exists(self.key(conversation_id)))


@dataclass
class Stores:
    tracker_store: TrackerStore
    lock_store: LockStore
    # The in-memory store needs a periodic sweep; Redis expires keys itself.
    sweep_every_seconds: Optional[float] = None

    def sweep(self) -> int:
        return self.tracker_store.sweep() if isinstance(self.tracker_store, ExpiringInMemoryTrackerStore) else 0


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
    tracker_store = ExpiringRedisTrackerStore(
        Domain.empty(), record_exp=expiry_seconds(settings), key_prefix=KEY_PREFIX, **options
    )
    lock_store = RedisTurnLockStore(key_prefix=KEY_PREFIX, **options)
    for client in (tracker_store.red, lock_store.red):
        bound_waits(client)
    log.info("conversations in Redis at %s:%s/%s", options["host"], options["port"], options["db"])
    return Stores(tracker_store, lock_store)
