"""Issue 21, item 3: a size cap on one conversation. At MAX_USER_TURNS messages the stored
conversation is compacted (the slots, then the last turns); the person notices nothing."""
import asyncio
import json

import pytest

from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered
from rasa.shared.core.slots import AnySlot
from rasa.shared.core.trackers import DialogueStateTracker

from bot.engine.conversation_cap import KEEP_USER_TURNS, MAX_USER_TURNS, capped, user_turns


def long_tracker(turns: int) -> DialogueStateTracker:
    slots = [AnySlot("audience", mappings=[]), AnySlot("risk", mappings=[])]
    tracker = DialogueStateTracker.from_events("s", [], slots=slots)
    tracker.update(SlotSet("audience", "parent"))
    for i in range(turns):
        tracker.update(ActionExecuted("action_listen"))
        tracker.update(UserUttered(f"message {i}"))
        tracker.update(ActionExecuted("action_signpost"))
        if i == turns - 2:
            tracker.update(SlotSet("risk", "urgent"))
    return tracker


def test_under_the_cap_nothing_changes():
    tracker = long_tracker(MAX_USER_TURNS - 1)
    assert capped(tracker) is tracker


def test_at_the_cap_the_slots_and_the_last_turns_are_kept():
    tracker = long_tracker(MAX_USER_TURNS)
    compact = capped(tracker)
    assert compact is not tracker and compact.sender_id == "s"
    assert user_turns(compact) == KEEP_USER_TURNS
    assert [e.text for e in compact.events if isinstance(e, UserUttered)] == \
        [f"message {i}" for i in range(MAX_USER_TURNS - KEEP_USER_TURNS, MAX_USER_TURNS)]
    assert compact.get_slot("audience") == "parent" and compact.get_slot("risk") == "urgent"
    assert compact.latest_message.text == tracker.latest_message.text
    assert len(compact.events) < len(tracker.events) / 5


@pytest.fixture
def no_rate_limits(client):
    """The per-conversation limit (20 a minute) would stop a test sending 46 turns at once."""
    from api.ratelimit import RateLimits
    from bot.runtime.settings import Settings

    previous = client.app.state.rate_limits
    client.app.state.rate_limits = RateLimits(Settings(rate_limit_per_session=0, rate_limit_per_client=0))
    yield
    client.app.state.rate_limits = previous


def test_a_long_conversation_through_the_api_stays_small_and_keeps_its_state(client, chat, no_rate_limits):
    first = chat("my son is 12 and someone keeps sending him hate on snap", audience="parent")
    session = first["session_id"]
    store = client.app.state.assistant.tracker_store
    for i in range(MAX_USER_TURNS + 5):
        reply = chat("what can i do", session_id=session)
        assert reply["session_id"] == session  # the same conversation goes on
    stored = json.loads(store.serialised(session))
    users = [e for e in stored["events"] if e["event"] == "user"]
    assert len(users) <= KEEP_USER_TURNS + 6
    tracker = asyncio.run(store.retrieve(session))
    assert user_turns(tracker) <= MAX_USER_TURNS
    assert tracker.get_slot("audience") == "parent"  # who is writing was not forgotten
    assert not reply["urgent"] and reply["messages"]


def test_redis_stores_the_compacted_conversation(tmp_path):
    from rasa.shared.core.domain import Domain

    from bot.engine.redis_tracker_store import RedisEventTrackerStore
    from bot.engine.stores import redis_options
    from tooling.bench.processes import start_redis

    service = start_redis(tmp_path)
    try:
        store = RedisEventTrackerStore(Domain.empty(), record_exp=60, key_prefix="signpost", **redis_options(service.url))
        tracker = long_tracker(MAX_USER_TURNS - 1)
        asyncio.run(store.save(tracker))
        assert sum(e["event"] == "user" for e in store.stored_events("s")) == MAX_USER_TURNS - 1
        tracker.update(ActionExecuted("action_listen"))
        tracker.update(UserUttered("one more"))
        asyncio.run(store.save(tracker))
        stored = store.stored_events("s")
        assert sum(e["event"] == "user" for e in stored) == KEEP_USER_TURNS
        assert {"event": "slot", "name": "audience", "value": "parent"}.items() <= \
            next(e for e in stored if e["event"] == "slot" and e["name"] == "audience").items()
        again = RedisEventTrackerStore(Domain.empty(), record_exp=60, key_prefix="signpost", **redis_options(service.url))
        assert asyncio.run(again.retrieve("s")).latest_message.text == "one more"
    finally:
        service.stop()
