"""What a store does when a conversation ends: the hook the gateway gives the tracker stores.

The engine knows nothing of what is kept about a conversation once it has ended (the insights
counts, bot/insights/); it only calls two plain functions it is given:

- `summarise(tracker)`: a short text-free summary of the conversation so far (or None). The
  embedded store calls it once, when the conversation ends; the Redis store calls it at every
  save and keeps the result beside the conversation, because when Redis expires a conversation
  its events are gone (bot/engine/redis_tracker_store.py).
- `ended(summary, deleted)`: the conversation has ended, by expiry (`deleted` False) or because
  the person deleted it ("End chat" or the quick exit: `deleted` True). Called once per ended
  conversation, by one process.

A failure in either is logged (its type only) and never breaks a turn or a sweep.
"""
import logging
from dataclasses import dataclass
from typing import Callable, Optional

from rasa.shared.core.trackers import DialogueStateTracker

log = logging.getLogger("bot.engine.ending")


@dataclass(frozen=True)
class Ending:
    summarise: Callable[[DialogueStateTracker], Optional[str]]
    ended: Callable[[str, bool], None]

    def summary_of(self, tracker: DialogueStateTracker) -> Optional[str]:
        try:
            return self.summarise(tracker)
        except Exception as exc:  # noqa: BLE001 - a summary must never cost a turn
            log.warning("conversation summary failed: %s", type(exc).__name__)
            return None

    def end(self, summary: Optional[str], deleted: bool) -> None:
        if summary is None:
            return
        try:
            self.ended(summary, deleted)
        except Exception as exc:  # noqa: BLE001 - nor a sweep
            log.warning("recording an ended conversation failed: %s", type(exc).__name__)
