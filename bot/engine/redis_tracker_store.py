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

The end of a conversation (the Ending hook, bot/engine/ending.py). Redis deletes an expired
conversation by itself and tells no one, and its events are gone by then. So, with a hook, each
save also writes the conversation's text-free summary under "<prefix>:summary:<id>" (kept a
little longer than the conversation) and its deadline (now + expiry) in the sorted set
"<prefix>:ending". The sweep of every worker of every replica looks for deadlines passed and
claims each with one Lua script, which Redis runs atomically: only if the deadline has passed,
the conversation's events are gone (Redis has expired them: a replica whose clock runs ahead
cannot end a live conversation) and the entry is still in the set, it removes the entry and the
summary and returns the summary. So exactly one process gets each ended conversation, however
many sweep at once. A deletion on request takes the summary in the same MULTI/EXEC that deletes
the conversation, so the sweep can no longer claim it. A process that dies between claiming a
summary and recording it loses that one conversation from the counts; none is counted twice.
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
from bot.engine.ending import Ending
from bot.engine.turn_memory import slim
from bot.engine.tracker_store import DELETED_KEPT_SECONDS, handed_out, rebuilt, untouched

# Workers keep at most this many conversations (the least recently used go first); a
# three-turn conversation takes about 10 kB, so about 20 MB at most.
KEPT_CONVERSATIONS = 2000
# A conversation's summary outlives it by this long, so that the counts still get it when no
# sweep ran for a while (every replica down); after that it is gone uncounted.
SUMMARY_GRACE_SECONDS = 3600
# Ended conversations claimed per sweep (the next sweep takes the rest).
CLAIMS_PER_SWEEP = 5000

# KEYS: the ending set, the summary, the events. ARGV: the conversation id, now (Unix seconds).
CLAIM_SCRIPT = """
local deadline = redis.call('ZSCORE', KEYS[1], ARGV[1])
if (not deadline) or tonumber(deadline) > tonumber(ARGV[2]) then return false end
if redis.call('EXISTS', KEYS[3]) == 1 then return false end
redis.call('ZREM', KEYS[1], ARGV[1])
-- no summary (it outlived its grace): the entry goes, nothing is counted
local summary = redis.call('GET', KEYS[2])
redis.call('DEL', KEYS[2])
return summary
"""


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

    def __init__(self, *args, kept_conversations: int = KEPT_CONVERSATIONS,
                 ending: Optional[Ending] = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.kept: "OrderedDict[Text, Kept]" = OrderedDict()
        self.kept_conversations = kept_conversations
        self.ending = ending
        self._claim = self.red.register_script(CLAIM_SCRIPT)

    def _set_key_prefix(self, key_prefix: Text) -> None:
        self.key_prefix = f"{key_prefix}:events:"

    def key(self, sender_id: Text) -> Text:
        return self.key_prefix + sender_id

    def summary_key(self, sender_id: Text) -> Text:
        return self.key_prefix.replace(":events:", ":summary:") + sender_id

    @property
    def ending_key(self) -> Text:
        return self.key_prefix.replace(":events:", ":ending")

    async def save(self, tracker: DialogueStateTracker, timeout: Optional[float] = None) -> None:
        await self.stream_events(tracker)  # nothing without an event broker (none is configured)
        tracker = capped(tracker)  # a size cap on one conversation: then written whole, smaller
        slim(tracker.events)  # what later turns read, not the whole parse (bot/engine/turn_memory.py)
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
        expiry = int(timeout or self.record_exp)
        summary = self.ending.summary_of(tracker) if self.ending is not None else None
        with self.red.pipeline(transaction=True) as pipe:
            if whole:
                pipe.delete(key)
            if texts:
                pipe.rpush(key, *texts)
            pipe.expire(key, expiry)
            if summary is not None:
                pipe.set(self.summary_key(sender_id), summary, ex=expiry + SUMMARY_GRACE_SECONDS)
                pipe.zadd(self.ending_key, {sender_id: time.time() + expiry})
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
            # The summary is taken here, with the deletion, so no sweep can also claim it.
            pipe.zrem(self.ending_key, sender_id)
            pipe.get(self.summary_key(sender_id))
            pipe.delete(self.summary_key(sender_id))
            _, existed, _, summary, _ = pipe.execute()
        if self.ending is not None and summary is not None:
            self.ending.end(summary, deleted=True)
        return bool(existed)

    def was_deleted(self, sender_id: Text) -> bool:
        return bool(self.red.exists(self.deleted_key(sender_id)))

    async def exists(self, conversation_id: Text) -> bool:
        return bool(self.red.exists(self.key(conversation_id)))

    async def keys(self) -> Sequence[Text]:
        return [key[len(self.key_prefix):] for key in self.red.keys(self.key_prefix + "*")]

    def end_expired(self, now: Optional[float] = None) -> int:
        """Claims the conversations whose deadline has passed and Redis has expired, and tells
        the Ending hook of each (see the module's docstring); returns how many. Any number of
        processes may run this at once: each conversation is claimed by exactly one."""
        if self.ending is None:
            return 0
        now = time.time() if now is None else now
        due = self.red.zrangebyscore(self.ending_key, "-inf", now, start=0, num=CLAIMS_PER_SWEEP)
        if not due:
            return 0
        # One round trip for all the claims (each still runs atomically on its own).
        with self.red.pipeline(transaction=False) as pipe:
            for sender_id in due:
                self._claim(keys=[self.ending_key, self.summary_key(sender_id), self.key(sender_id)],
                            args=[sender_id, repr(now)], client=pipe)
            summaries = pipe.execute()
        claimed = [s for s in summaries if s is not None]
        for summary in claimed:
            self.ending.end(summary, deleted=False)
        return len(claimed)

    def sweep(self, now: Optional[float] = None) -> int:
        """Drops this worker's copies of conversations Redis no longer has: idle for longer than
        the expiry, or deleted through another worker or replica, and ends those whose time has
        come (end_expired). Returns how many copies were dropped."""
        self.end_expired(None if now is None else now)
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
