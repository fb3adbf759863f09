"""Conversations in Redis as a list of events that each turn appends to (scale-out).

Rasa's RedisTrackerStore keeps a conversation as one JSON text. Every turn read it whole, made
its events again and replayed them, then wrote it whole again, so a turn's cost grew with the
conversation. Here the conversation is a Redis list, one event per item, and each worker keeps
the trackers it has served:

- a turn reads, in one round trip, the list's length, its first item and the items this worker
  has not seen (usually none, or the last turn if another worker or replica took it);
- a turn writes, in one round trip (MULTI/EXEC), only the events it added, and the expiry.

The first item (the session start, with its timestamp) tells a conversation that expired and
was started again apart from the one this worker knew; then, as for any conversation this worker
has not seen, the whole list is read. A tracker changed by a turn that failed before saving is
rebuilt from the events last saved (as in the embedded store, bot/engine/tracker_store.py).

The turns of a conversation never overlap (bot/engine/lock_store.py), so nothing else writes the list
between a turn's read and its write. A worker's copies are only served after Redis has said the
conversation is still there and unchanged; they are dropped when this worker forgets the
conversation, and otherwise by the periodic sweep (api/main.py, every minute) once Redis no
longer has the conversation (expired, or deleted through another worker).
"""
import json
import time
from collections import OrderedDict
from dataclasses import dataclass
from itertools import islice
from typing import Iterable, List, Optional, Sequence, Text, Tuple

from rasa.core.tracker_store import RedisTrackerStore
from rasa.shared.core.events import Event
from rasa.shared.core.trackers import DialogueStateTracker

from bot.engine.conversation_cap import capped
from bot.engine.tracker_store import DELETED_KEPT_SECONDS, handed_out, rebuilt, untouched

# Workers keep at most this many conversations (the least recently used go first); a
# three-turn conversation takes about 10 kB, so about 20 MB at most.
KEPT_CONVERSATIONS = 2000


@dataclass
class Kept:
    tracker: DialogueStateTracker
    events: Tuple[Event, ...]  # the conversation's events as stored in Redis, in order
    first: str  # the stored text of the first of them
    used: float  # time.monotonic() of the last read or write


def dumps(event: Event) -> str:
    return json.dumps(event.as_dict())


def loads(stored: Iterable[str]) -> Tuple[Event, ...]:
    return tuple(Event.from_parameters(json.loads(text)) for text in stored)


class RedisEventTrackerStore(RedisTrackerStore):
    """Rasa's RedisTrackerStore (its connection and options), storing events as a list.

    `record_exp` is the idle expiry: Redis deletes a conversation that many seconds after the
    last turn that saved it. Keys are "<key_prefix>:events:<conversation id>".
    """

    def __init__(self, *args, kept_conversations: int = KEPT_CONVERSATIONS, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.kept: "OrderedDict[Text, Kept]" = OrderedDict()
        self.kept_conversations = kept_conversations

    def _set_key_prefix(self, key_prefix: Text) -> None:
        self.key_prefix = f"{key_prefix}:events:"

    def key(self, sender_id: Text) -> Text:
        return self.key_prefix + sender_id

    async def save(self, tracker: DialogueStateTracker, timeout: Optional[float] = None) -> None:
        await self.stream_events(tracker)  # nothing without an event broker (none is configured)
        tracker = capped(tracker)  # a size cap on one conversation: then written whole, smaller
        sender_id, key = tracker.sender_id, self.key(tracker.sender_id)
        kept = self.kept.get(sender_id)
        known = len(kept.events) if kept and kept.tracker is tracker else -1
        if known >= 0 and len(tracker.events) >= known and (
                known == 0 or tracker.events[known - 1] is kept.events[-1]):
            new = tuple(islice(tracker.events, known, None))
            events, whole = kept.events + new, False
        else:
            # A tracker this worker did not read (a new conversation, or only the last session
            # of one): written whole, in place of what was there.
            new = events = tuple(tracker.events)
            whole = True
        texts = [dumps(e) for e in new]
        first = kept.first if not whole and kept.events else (texts[0] if texts else "")
        with self.red.pipeline(transaction=True) as pipe:
            if whole:
                pipe.delete(key)
            if texts:
                pipe.rpush(key, *texts)
            pipe.expire(key, int(timeout or self.record_exp))
            pipe.execute()
        self._keep(sender_id, Kept(tracker, events, first, time.monotonic()))

    async def retrieve(self, sender_id: Text) -> Optional[DialogueStateTracker]:
        return await self._retrieve(sender_id, fetch_all_sessions=False)

    async def retrieve_full_tracker(self, sender_id: Text) -> Optional[DialogueStateTracker]:
        return await self._retrieve(sender_id, fetch_all_sessions=True)

    async def _retrieve(self, sender_id: Text, fetch_all_sessions: bool) -> Optional[DialogueStateTracker]:
        key, kept = self.key(sender_id), self.kept.get(sender_id)
        known = len(kept.events) if kept else 0
        with self.red.pipeline(transaction=False) as pipe:
            pipe.llen(key)
            pipe.lindex(key, 0)
            pipe.lrange(key, known, -1)
            length, first, newer = pipe.execute()
        if not length:
            self.kept.pop(sender_id, None)
            return None
        if kept is not None and first == kept.first and length == known + len(newer):
            tracker = kept.tracker if untouched(kept.tracker, kept.events) else rebuilt(self, sender_id, kept.events)
            new = loads(newer)
            for event in new:
                tracker.update(event)
            events = kept.events + new
        else:
            stored: List[str] = newer if kept is None else self.red.lrange(key, 0, -1)
            events = loads(stored)
            first = stored[0] if stored else ""
            tracker = rebuilt(self, sender_id, events)
        self._keep(sender_id, Kept(tracker, events, first, time.monotonic()))
        return handed_out(tracker, events, fetch_all_sessions)

    def _keep(self, sender_id: Text, kept: Kept) -> None:
        self.kept[sender_id] = kept
        self.kept.move_to_end(sender_id)
        while len(self.kept) > self.kept_conversations:
            self.kept.popitem(last=False)

    def stored_events(self, sender_id: Text) -> List[dict]:
        """The conversation's events as stored (for tests and inspection)."""
        return [json.loads(text) for text in self.red.lrange(self.key(sender_id), 0, -1)]

    def forget(self, sender_id: Text) -> bool:
        self.kept.pop(sender_id, None)
        return bool(self.red.delete(self.key(sender_id)))

    def deleted_key(self, sender_id: Text) -> Text:
        return self.key_prefix.replace(":events:", ":deleted:") + sender_id

    def delete(self, sender_id: Text) -> bool:
        """Forgets a conversation on request; every replica then refuses its id (a marker that
        outlives the time an id may be used without a stored conversation)."""
        self.kept.pop(sender_id, None)
        with self.red.pipeline(transaction=True) as pipe:
            pipe.set(self.deleted_key(sender_id), 1, ex=DELETED_KEPT_SECONDS)
            pipe.delete(self.key(sender_id))
            return bool(pipe.execute()[1])

    def was_deleted(self, sender_id: Text) -> bool:
        return bool(self.red.exists(self.deleted_key(sender_id)))

    async def exists(self, conversation_id: Text) -> bool:
        return bool(self.red.exists(self.key(conversation_id)))

    async def keys(self) -> Sequence[Text]:
        return [key[len(self.key_prefix):] for key in self.red.keys(self.key_prefix + "*")]

    def sweep(self) -> int:
        """Drops this worker's copies of conversations Redis no longer has: idle for longer than
        the expiry, or deleted through another worker or replica. Returns how many."""
        cutoff = time.monotonic() - (self.record_exp or 0)
        gone = [sid for sid, kept in self.kept.items() if kept.used < cutoff]
        for sender_id in gone:
            del self.kept[sender_id]
        rest = list(self.kept)
        if rest:
            with self.red.pipeline(transaction=False) as pipe:
                for sender_id in rest:
                    pipe.exists(self.key(sender_id))
                deleted = [sid for sid, there in zip(rest, pipe.execute()) if not there]
            for sender_id in deleted:
                self.kept.pop(sender_id, None)
            gone += deleted
        return len(gone)
