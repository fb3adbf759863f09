"""In-memory conversations that are forgotten after a period of inactivity.

When one ends (expired, found at a turn or by the sweep, or deleted on request) the store calls
the Ending hook it was given once (bot/engine/ending.py), with the conversation's summary.
"""
import time
from typing import Dict, Optional, Sequence, Text, Tuple

from rasa.core.tracker_store import InMemoryTrackerStore, TrackerStore
from rasa.shared.core.constants import ACTION_SESSION_START_NAME
from rasa.shared.core.conversation import Dialogue
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, Event
from rasa.shared.core.trackers import DialogueStateTracker, get_trackers_for_conversation_sessions

from bot.engine.conversation_cap import capped
from bot.engine.ending import Ending
from bot.engine.turn_memory import slim

# Longer than an id may be used without a stored conversation (api/sessions.py GRACE_SECONDS).
DELETED_KEPT_SECONDS = 120

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


class ExpiringInMemoryTrackerStore(InMemoryTrackerStore):
    """Rasa's in-memory store plus an idle expiry; the embedded default.

    Rasa's store keeps each conversation as JSON, and every turn parsed it, made its events
    again and replayed them (about 1 ms a turn). Here a conversation stays the tracker the last
    turn saved, beside the events it had then. A turn that failed before saving has changed that
    tracker, so the next turn is given one rebuilt from the saved events instead.
    """

    def __init__(self, ttl_seconds: float, domain: Optional[Domain] = None,
                 ending: Optional[Ending] = None) -> None:
        super().__init__(domain or Domain.empty())
        self.ending = ending
        self.store: Dict[Text, Saved] = {}
        self.ttl_seconds = ttl_seconds
        self.last_active: Dict[Text, float] = {}
        # Ids deleted on request, until they are too old to be accepted without a conversation
        # anyway (api/sessions.py GRACE_SECONDS): a deleted id is never accepted again.
        self.deleted: Dict[Text, float] = {}

    async def save(self, tracker: DialogueStateTracker) -> None:
        await self.stream_events(tracker)  # nothing without an event broker (none is configured)
        tracker = capped(tracker)  # a size cap on one conversation (bot/engine/conversation_cap.py)
        if tracker.sender_id in self.store and not await self.exists(tracker.sender_id):
            self._end(tracker.sender_id, deleted=False)  # an expired one, not swept yet: it ended
        slim(tracker.events)  # what later turns read, not the whole parse (bot/engine/turn_memory.py)
        self.store[tracker.sender_id] = (tracker, tuple(tracker.events))
        self.last_active[tracker.sender_id] = time.monotonic()

    async def _retrieve(self, sender_id: Text, fetch_all_sessions: bool) -> Optional[DialogueStateTracker]:
        # This conversation only: a sweep of all of them on every turn cost time in proportion
        # to the number kept (the periodic sweep in api/main.py drops the rest).
        if not await self.exists(sender_id):
            self._end(sender_id, deleted=False)
            return None
        tracker, events = self.store[sender_id]
        if not untouched(tracker, events):
            tracker = rebuilt(self, sender_id, events)
            self.store[sender_id] = (tracker, events)
        return handed_out(tracker, events, fetch_all_sessions)

    def serialised(self, sender_id: Text) -> Optional[str]:
        """The conversation as it was last saved, in Rasa's JSON (what a stored tracker holds)."""
        saved = self.store.get(sender_id)
        return None if saved is None else self.serialise_tracker(rebuilt(self, sender_id, saved[1]))

    async def exists(self, conversation_id: Text) -> bool:
        seen = self.last_active.get(conversation_id)
        return seen is not None and time.monotonic() - seen <= self.ttl_seconds and conversation_id in self.store

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
        saved = self.store.get(sender_id)
        if not self.forget(sender_id):
            return False
        if self.ending is not None and saved is not None:
            tracker, events = saved
            if not untouched(tracker, events):
                tracker = rebuilt(self, sender_id, events)
            self.ending.end(self.ending.summary_of(tracker), deleted)
        return True

    def forget(self, sender_id: Text) -> bool:
        self.last_active.pop(sender_id, None)
        return self.store.pop(sender_id, None) is not None

    def delete(self, sender_id: Text) -> bool:
        """Forgets a conversation on request and remembers that its id was deleted."""
        now = time.monotonic()
        self.deleted = {sid: at for sid, at in self.deleted.items() if now - at <= DELETED_KEPT_SECONDS}
        self.deleted[sender_id] = now
        return self._end(sender_id, deleted=True)

    def was_deleted(self, sender_id: Text) -> bool:
        at = self.deleted.get(sender_id)
        return at is not None and time.monotonic() - at <= DELETED_KEPT_SECONDS
