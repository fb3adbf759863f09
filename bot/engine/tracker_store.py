"""In-memory conversations that are forgotten after a period of inactivity, kept compact while idle.

When one ends (expired, found at a turn or by the sweep, or deleted on request) the store calls
the Ending hook it was given once (bot/engine/ending.py), with the conversation's summary.
"""
import json
import time
import zlib
from collections import OrderedDict
from typing import Dict, List, Optional, Sequence, Text, Tuple

from rasa.core.tracker_store import InMemoryTrackerStore, TrackerStore
from rasa.shared.core.constants import ACTION_SESSION_START_NAME
from rasa.shared.core.conversation import Dialogue
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, Event, deserialise_events
from rasa.shared.core.trackers import DialogueStateTracker, get_trackers_for_conversation_sessions

from bot.engine.conversation_cap import capped
from bot.engine.ending import Ending
from bot.engine.turn_memory import slim

# Longer than an id may be used without a stored conversation (api/sessions.py GRACE_SECONDS).
DELETED_KEPT_SECONDS = 120
# Conversations kept as trackers (the most recently used): those whose turn is running or has
# just finished. A turn reads its conversation more than once (the gateway checks a button's
# payload against it, then Rasa reads it), and packing one and rebuilding it costs ~0.7 ms (an
# 8-turn conversation). All the others are kept packed; a bounded number of trackers is a fixed
# cost, not one per turn.
LIVE_CONVERSATIONS = 16
ZLIB_LEVEL = 6

Saved = Tuple[DialogueStateTracker, Tuple[Event, ...]]


def rebuilt(store: TrackerStore, sender_id: Text, events: Sequence[Event]) -> DialogueStateTracker:
    """A new tracker holding `events`, as Rasa's stores make one from stored events."""
    tracker = store.init_tracker(sender_id)
    tracker.recreate_from_dialogue(Dialogue(sender_id, list(events)))
    return tracker


def untouched(tracker: DialogueStateTracker, events: Sequence[Event]) -> bool:
    """True when `tracker` still holds exactly `events` (a turn that failed before saving has
    added to it)."""
    return len(tracker.events) == len(events) and (not events or tracker.events[-1] is events[-1])


def handed_out(tracker: DialogueStateTracker, events: Sequence[Event], fetch_all_sessions: bool) -> DialogueStateTracker:
    """What Rasa's stores return: the whole conversation, or only its last session."""
    starts = sum(isinstance(e, ActionExecuted) and e.action_name == ACTION_SESSION_START_NAME for e in events)
    if fetch_all_sessions or starts <= 1:
        return tracker
    return get_trackers_for_conversation_sessions(tracker)[-1]


def packed(events: Sequence[Event]) -> bytes:
    """The events as Rasa stores them (each event's dict, as JSON), compressed."""
    text = json.dumps([e.as_dict() for e in events], separators=(",", ":"), ensure_ascii=False)
    return zlib.compress(text.encode("utf-8"), ZLIB_LEVEL)


def unpacked(data: bytes) -> List[Event]:
    return deserialise_events(json.loads(zlib.decompress(data)))


class ExpiringInMemoryTrackerStore(InMemoryTrackerStore):
    """Rasa's in-memory store plus an idle expiry; the embedded default.

    Memory: the LIVE_CONVERSATIONS most recently used conversations are kept as the tracker the
    last turn saved, beside the events it had then; when one is pushed out by newer ones, its
    events are packed (Rasa's JSON, compressed: ~0.45 KB a turn, where as Python objects a turn's
    ~10 events held ~12 KB), and it is rebuilt from them when its next turn comes, as Rasa's own
    stores do (0.31 ms to pack, 0.37 ms to rebuild an 8-turn conversation). A turn that failed
    before saving has changed its tracker, so the next turn is given one rebuilt from the saved
    events instead.
    """

    def __init__(self, ttl_seconds: float, domain: Optional[Domain] = None,
                 ending: Optional[Ending] = None) -> None:
        super().__init__(domain or Domain.empty())
        self.ending = ending
        self.live: "OrderedDict[Text, Saved]" = OrderedDict()  # the most recently used, as trackers
        self.store: Dict[Text, bytes] = {}  # every other conversation: its events, packed()
        self.ttl_seconds = ttl_seconds
        self.last_active: Dict[Text, float] = {}
        # Ids deleted on request, until they are too old to be accepted without a conversation
        # anyway (api/sessions.py GRACE_SECONDS): a deleted id is never accepted again.
        self.deleted: Dict[Text, float] = {}

    async def save(self, tracker: DialogueStateTracker) -> None:
        await self.stream_events(tracker)  # nothing without an event broker (none is configured)
        tracker = capped(tracker)  # a size cap on one conversation (bot/engine/conversation_cap.py)
        if self.holds(tracker.sender_id) and not await self.exists(tracker.sender_id):
            self._end(tracker.sender_id, deleted=False)  # an expired one, not swept yet: it ended
        slim(tracker.events)  # what later turns read, not the whole parse (bot/engine/turn_memory.py)
        self._keep_live(tracker.sender_id, (tracker, tuple(tracker.events)))
        self.last_active[tracker.sender_id] = time.monotonic()

    def _keep_live(self, sender_id: Text, saved: Saved) -> None:
        self.store.pop(sender_id, None)
        self.live[sender_id] = saved
        self.live.move_to_end(sender_id)
        while len(self.live) > LIVE_CONVERSATIONS:
            oldest, (_tracker, events) = self.live.popitem(last=False)
            self.store[oldest] = packed(events)

    def holds(self, sender_id: Text) -> bool:
        """Whether anything of this conversation is kept (expired but not yet swept, too)."""
        return sender_id in self.live or sender_id in self.store

    def conversation_ids(self) -> List[Text]:
        return [*self.live, *self.store]

    def saved_events(self, sender_id: Text) -> Optional[List[Event]]:
        """The conversation's events as last saved (None when none is stored)."""
        saved = self.live.get(sender_id)
        if saved is not None:
            return list(saved[1])
        data = self.store.get(sender_id)
        return None if data is None else unpacked(data)

    def _saved_tracker(self, sender_id: Text) -> Saved:
        """The tracker as last saved, and its events: the live one when untouched, else rebuilt."""
        saved = self.live.get(sender_id)
        if saved is None or not untouched(*saved):
            events = tuple(saved[1] if saved is not None else unpacked(self.store[sender_id]))
            saved = (rebuilt(self, sender_id, events), events)
        self._keep_live(sender_id, saved)
        return saved

    async def _retrieve(self, sender_id: Text, fetch_all_sessions: bool) -> Optional[DialogueStateTracker]:
        # This conversation only: a sweep of all of them on every turn cost time in proportion
        # to the number kept (the periodic sweep in api/main.py drops the rest).
        if not await self.exists(sender_id):
            self._end(sender_id, deleted=False)
            return None
        tracker, events = self._saved_tracker(sender_id)
        return handed_out(tracker, events, fetch_all_sessions)

    def serialised(self, sender_id: Text) -> Optional[str]:
        """The conversation as it was last saved, in Rasa's JSON (what a stored tracker holds)."""
        events = self.saved_events(sender_id)
        return None if events is None else self.serialise_tracker(rebuilt(self, sender_id, events))

    async def exists(self, conversation_id: Text) -> bool:
        seen = self.last_active.get(conversation_id)
        return seen is not None and time.monotonic() - seen <= self.ttl_seconds and self.holds(conversation_id)

    def sweep(self, now: Optional[float] = None) -> int:
        """Drops every conversation idle for longer than the expiry; returns how many. `now`
        (time.monotonic() by default) lets a simulation end a day's conversations at once."""
        cutoff = (time.monotonic() if now is None else now) - self.ttl_seconds
        expired = [sid for sid, seen in self.last_active.items() if seen < cutoff]
        for sender_id in expired:
            self._end(sender_id, deleted=False)
        return len(expired)

    def _end(self, sender_id: Text, deleted: bool) -> bool:
        """Forgets a conversation; if one was stored, it has ended: the hook hears of it once."""
        tracker = self._saved_tracker(sender_id)[0] if self.ending is not None and self.holds(sender_id) else None
        if not self.forget(sender_id):
            return False
        if tracker is not None:
            self.ending.end(self.ending.summary_of(tracker), deleted)
        return True

    def forget(self, sender_id: Text) -> bool:
        self.last_active.pop(sender_id, None)
        was_live = self.live.pop(sender_id, None) is not None
        return self.store.pop(sender_id, None) is not None or was_live

    def delete(self, sender_id: Text) -> bool:
        """Forgets a conversation on request and remembers that its id was deleted."""
        now = time.monotonic()
        self.deleted = {sid: at for sid, at in self.deleted.items() if now - at <= DELETED_KEPT_SECONDS}
        self.deleted[sender_id] = now
        return self._end(sender_id, deleted=True)

    def was_deleted(self, sender_id: Text) -> bool:
        at = self.deleted.get(sender_id)
        return at is not None and time.monotonic() - at <= DELETED_KEPT_SECONDS
