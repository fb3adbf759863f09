"""In-memory conversations that are forgotten after a period of inactivity."""
import time
from typing import Dict, Optional, Text

from rasa.core.tracker_store import InMemoryTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker


class ExpiringInMemoryTrackerStore(InMemoryTrackerStore):
    """Rasa's in-memory store plus an idle expiry; the embedded default."""

    def __init__(self, ttl_seconds: float, domain: Optional[Domain] = None) -> None:
        super().__init__(domain or Domain.empty())
        self.ttl_seconds = ttl_seconds
        self.last_active: Dict[Text, float] = {}

    async def save(self, tracker: DialogueStateTracker) -> None:
        await super().save(tracker)
        self.last_active[tracker.sender_id] = time.monotonic()

    async def _retrieve(self, sender_id: Text, fetch_all_sessions: bool) -> Optional[DialogueStateTracker]:
        self.sweep()
        return await super()._retrieve(sender_id, fetch_all_sessions)

    async def exists(self, conversation_id: Text) -> bool:
        seen = self.last_active.get(conversation_id)
        return seen is not None and time.monotonic() - seen <= self.ttl_seconds and conversation_id in self.store

    def sweep(self) -> int:
        """Drops every conversation idle for longer than the expiry; returns how many."""
        cutoff = time.monotonic() - self.ttl_seconds
        expired = [sid for sid, seen in self.last_active.items() if seen < cutoff]
        for sender_id in expired:
            self.forget(sender_id)
        return len(expired)

    def forget(self, sender_id: Text) -> bool:
        self.last_active.pop(sender_id, None)
        return self.store.pop(sender_id, None) is not None
