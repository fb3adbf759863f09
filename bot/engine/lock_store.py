"""One conversation's turns, one at a time across replicas, in two Redis round trips.

Rasa's RedisLockStore keeps a JSON "ticket lock" per conversation and reads and writes it about
seven times a turn (issue a ticket, check it, clean it up), and a turn that has to wait sleeps a
whole second between checks. Here the lock is redis-py's own Lock: SET NX PX to take it (one
round trip when nobody else holds it), a compare-and-delete script to give it back (one more).
It expires after `lock_lifetime`, as Rasa's does, so a worker that dies mid-turn cannot block
the conversation for longer. A turn that finds the conversation busy (a double-sent message)
tries again every POLL_SECONDS; after `lock_lifetime` it gets a LockError, which the API
answers with the degraded reply, as before.
"""
import asyncio
import logging
import time
from contextlib import asynccontextmanager
from typing import AsyncGenerator, Text

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore
from redis.exceptions import LockError as RedisLockError

log = logging.getLogger("api.lock_store")

POLL_SECONDS = 0.02


class RedisTurnLockStore(RedisLockStore):
    @asynccontextmanager
    async def lock(self, conversation_id: Text, lock_lifetime: float = LOCK_LIFETIME,
                   wait_time_in_seconds: float = 1) -> AsyncGenerator[TicketLock, None]:
        turn = self.red.lock(self.key_prefix + conversation_id, timeout=lock_lifetime, thread_local=False)
        deadline = time.monotonic() + lock_lifetime
        try:
            while not turn.acquire(blocking=False):
                if time.monotonic() >= deadline:
                    raise LockError(f"The conversation stayed busy for {lock_lifetime} s.")
                await asyncio.sleep(min(POLL_SECONDS, wait_time_in_seconds))
        except RedisLockError as e:
            raise LockError(f"Error while acquiring lock. Error:\n{e}") from e
        try:
            yield TicketLock(conversation_id)
        finally:
            try:
                turn.release()
            except RedisLockError:  # held for longer than its lifetime: another turn may own it now
                log.warning("a turn outlived its conversation lock (%s s)", lock_lifetime)
