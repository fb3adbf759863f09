"""bot/engine/tracker_store.py: the embedded store keeps the tracker object between turns, and a turn
that failed before saving leaves no trace in the next one."""
import asyncio
import json
import time

from rasa.shared.core.events import UserUttered

from bot.engine.tracker_store import ExpiringInMemoryTrackerStore
from tests.support import said, save_two_sessions


def saved_hello(store: ExpiringInMemoryTrackerStore, sender_id: str):
    """A conversation of one message, saved."""
    tracker = asyncio.run(store.get_or_create_tracker(sender_id))
    tracker.update(UserUttered("hello"))
    asyncio.run(store.save(tracker))
    return tracker


def test_a_saved_conversation_comes_back_as_it_was_saved():
    store = ExpiringInMemoryTrackerStore(60)
    tracker = saved_hello(store, "conv-1")
    again = asyncio.run(store.retrieve("conv-1"))
    assert again is tracker  # nothing to rebuild
    assert said(again) == ["hello"]
    assert [e["text"] for e in json.loads(store.serialised("conv-1"))["events"] if e["event"] == "user"] == ["hello"]


def test_a_turn_that_failed_before_saving_leaves_no_trace():
    store = ExpiringInMemoryTrackerStore(60)
    saved_hello(store, "conv-2")
    turn = asyncio.run(store.retrieve("conv-2"))
    turn.update(UserUttered("this turn timed out"))  # and was never saved
    again = asyncio.run(store.retrieve("conv-2"))
    assert said(again) == ["hello"]
    assert again is not turn


def test_only_the_last_session_is_handed_out_as_rasas_store_does():
    store = ExpiringInMemoryTrackerStore(60)
    save_two_sessions(store, "conv-3")
    assert said(asyncio.run(store.retrieve("conv-3"))) == ["second session"]
    assert said(asyncio.run(store.retrieve_full_tracker("conv-3"))) == ["first session", "second session"]


def test_forgotten_and_expired_conversations_are_gone():
    store = ExpiringInMemoryTrackerStore(0.01)
    tracker = asyncio.run(store.get_or_create_tracker("conv-4"))
    asyncio.run(store.save(tracker))
    assert store.forget("conv-4") and asyncio.run(store.retrieve("conv-4")) is None
    asyncio.run(store.save(tracker))
    time.sleep(0.05)
    assert asyncio.run(store.retrieve("conv-4")) is None and store.serialised("conv-4") is None
