"""bot/engine/tracker_store.py: the embedded store keeps the most recently used conversations as
tracker objects and the others compressed, gives back what was saved either way, and a turn that
failed before saving leaves no trace in the next one."""
import asyncio
import json
import time

import pytest
from rasa.shared.core.events import UserUttered

from bot.engine.tracker_store import LIVE_CONVERSATIONS, ExpiringInMemoryTrackerStore
from tests.support import said, save_two_sessions

pytestmark = pytest.mark.fast  # needs no trained model and no server (`make test-fast`)


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


def test_an_idle_conversation_is_kept_compressed_and_comes_back_whole():
    store = ExpiringInMemoryTrackerStore(60)
    first = saved_hello(store, "conv-5")
    first.update(UserUttered("and a second message", parse_data={"intent": {"name": "greet", "confidence": 0.9}}))
    asyncio.run(store.save(first))
    for n in range(LIVE_CONVERSATIONS):  # later conversations push it out of the live ones
        saved_hello(store, f"other-{n}")
    assert "conv-5" not in store.live and isinstance(store.store["conv-5"], bytes)
    again = asyncio.run(store.retrieve("conv-5"))
    assert again is not first
    assert said(again) == ["hello", "and a second message"]
    assert again.latest_message.intent == {"name": "greet", "confidence": 0.9}
    assert [e.as_dict() for e in again.events] == [e.as_dict() for e in first.events]
    assert len(store.live) == LIVE_CONVERSATIONS and "conv-5" in store.live  # now in use again
    assert "conv-5" not in store.store and len(store.store) == 1  # the one it pushed out is packed
    assert store.conversation_ids() and set(store.conversation_ids()) == set(store.live) | set(store.store)


def test_a_conversation_in_use_is_not_packed_at_each_turn():
    store = ExpiringInMemoryTrackerStore(60)
    tracker = saved_hello(store, "conv-6")
    for n in range(5):
        tracker = asyncio.run(store.retrieve("conv-6"))
        tracker.update(UserUttered(f"message {n}"))
        asyncio.run(store.save(tracker))
    assert "conv-6" in store.live and not store.store and store.holds("conv-6")
    assert said(asyncio.run(store.retrieve("conv-6"))) == ["hello"] + [f"message {n}" for n in range(5)]
