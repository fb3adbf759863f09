"""bot/engine/redis_tracker_store.py against a real redis-server: each conversation a list of events
that turns append to; two stores stand for two workers (or replicas) sharing the Redis."""
import asyncio
import json

import pytest
from rasa.shared.core.events import UserUttered

from bot.engine.redis_tracker_store import RedisEventTrackerStore
from bot.engine.stores import redis_options
from tooling.bench.processes import redis_server_binary, start_redis
from tests.support import said, save_two_sessions


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    try:
        redis_server_binary()
    except RuntimeError as exc:  # never skipped: `make test` installs it first
        pytest.fail(str(exc), pytrace=False)
    service = start_redis(tmp_path_factory.mktemp("redis-store"))
    try:
        yield service.url
    finally:
        service.stop()


def new_store(url: str, expiry: int = 60) -> RedisEventTrackerStore:
    from rasa.shared.core.domain import Domain
    return RedisEventTrackerStore(Domain.empty(), record_exp=expiry, key_prefix="signpost", **redis_options(url))


def turn(store: RedisEventTrackerStore, sender_id: str, text: str):
    """One turn: read the conversation (or start it), add a message, save."""
    tracker = asyncio.run(store.get_or_create_tracker(sender_id))
    tracker.update(UserUttered(text))
    asyncio.run(store.save(tracker))
    return tracker


def test_turns_append_only_their_own_events(redis_url):
    store = new_store(redis_url)
    first = turn(store, "r-1", "hello")
    stored = store.red.lrange(store.key("r-1"), 0, -1)
    assert [json.loads(e)["event"] for e in stored][-1] == "user" and len(stored) == len(first.events)
    again = turn(store, "r-1", "someone keeps messaging me")
    assert again is first  # this worker's copy, with nothing to rebuild
    after = store.red.lrange(store.key("r-1"), 0, -1)
    assert after[:len(stored)] == stored and len(after) == len(stored) + 1
    assert [e["text"] for e in store.stored_events("r-1") if e["event"] == "user"] == ["hello", "someone keeps messaging me"]
    assert 0 < store.red.ttl(store.key("r-1")) <= 60


def test_two_workers_take_turns_in_one_conversation(redis_url):
    a, b = new_store(redis_url), new_store(redis_url)
    turn(a, "r-2", "one")
    turn(b, "r-2", "two")  # b has never seen it: reads it whole
    turn(a, "r-2", "three")  # a reads only b's turn
    turn(b, "r-2", "four")
    for store in (a, b):
        assert said(asyncio.run(store.retrieve("r-2"))) == ["one", "two", "three", "four"]
    assert [e["text"] for e in a.stored_events("r-2") if e["event"] == "user"] == ["one", "two", "three", "four"]


def test_a_turn_that_failed_before_saving_leaves_no_trace(redis_url):
    store = new_store(redis_url)
    turn(store, "r-3", "hello")
    failed = asyncio.run(store.retrieve("r-3"))
    failed.update(UserUttered("this turn timed out"))  # and was never saved
    again = asyncio.run(store.retrieve("r-3"))
    assert said(again) == ["hello"] and again is not failed
    turn(store, "r-3", "next")
    assert [e["text"] for e in store.stored_events("r-3") if e["event"] == "user"] == ["hello", "next"]


def test_a_conversation_deleted_and_started_again_elsewhere_is_read_afresh(redis_url):
    a, b = new_store(redis_url), new_store(redis_url)
    turn(a, "r-4", "old one")
    turn(a, "r-4", "old two")
    assert b.forget("r-4")  # another worker forgets it (DELETE /api/v1/sessions/{id}) ...
    turn(b, "r-4", "new one")  # ... and the id is used again
    turn(b, "r-4", "new two")
    turn(b, "r-4", "new three")  # as long as a's copy was
    assert said(asyncio.run(a.retrieve("r-4"))) == ["new one", "new two", "new three"]


def test_forgotten_and_expired_conversations_are_gone(redis_url):
    a, b = new_store(redis_url), new_store(redis_url, expiry=1)
    turn(a, "r-5", "hello")
    assert asyncio.run(b.exists("r-5"))
    assert b.forget("r-5") and not asyncio.run(a.exists("r-5"))
    assert asyncio.run(a.retrieve("r-5")) is None and "r-5" not in a.kept
    turn(b, "r-6", "hello")
    b.red.delete(b.key("r-6"))  # as Redis does after the expiry
    assert asyncio.run(b.retrieve("r-6")) is None and "r-6" not in b.kept


def test_idle_copies_are_swept_and_the_least_recent_dropped(redis_url):
    store = new_store(redis_url, expiry=1)
    store.kept_conversations = 2
    for sender_id in ("r-7", "r-8", "r-9"):
        turn(store, sender_id, "hello")
    assert list(store.kept) == ["r-8", "r-9"]
    for kept in store.kept.values():
        kept.used -= 2
    assert store.sweep() == 2 and not store.kept


def test_copies_of_conversations_deleted_elsewhere_are_swept(redis_url):
    a, b = new_store(redis_url), new_store(redis_url)
    for sender_id in ("r-12", "r-13"):
        turn(a, sender_id, "hello")
    assert b.forget("r-12")  # through another worker: a still has its copy ...
    assert "r-12" in a.kept
    assert a.sweep() == 1 and list(a.kept) == ["r-13"]  # ... until the next sweep


def test_only_the_last_session_is_handed_out_as_rasas_store_does(redis_url):
    store = new_store(redis_url)
    save_two_sessions(store, "r-10")
    other = new_store(redis_url)
    assert said(asyncio.run(other.retrieve("r-10"))) == ["second session"]
    assert said(asyncio.run(other.retrieve_full_tracker("r-10"))) == ["first session", "second session"]


def test_a_conversation_saved_empty_first_is_still_read_by_appending(redis_url):
    """Rasa saves a new conversation before its first event; the next save appends them all."""
    store = new_store(redis_url)
    tracker = asyncio.run(store.get_or_create_tracker("r-11", append_action_listen=False))
    assert not tracker.events
    tracker.update(UserUttered("hello"))
    asyncio.run(store.save(tracker))
    kept = store.kept["r-11"]
    assert kept.first == store.red.lindex(store.key("r-11"), 0)
    assert asyncio.run(store.retrieve("r-11")) is tracker


def test_the_sweeper_outlives_a_lost_redis(caplog):
    import time

    from api.main import sweep_expired
    from bot.runtime.processes import free_port
    from bot.engine.redis_tracker_store import Kept
    from bot.engine.stores import Stores

    lost = new_store(f"redis://127.0.0.1:{free_port()}/0")
    lost.kept["r-14"] = Kept(tracker=None, events=(), first="", used=time.monotonic())
    stores = Stores(lost, lock_store=None, sweep_every_seconds=0.01)

    async def run_briefly():
        task = asyncio.create_task(sweep_expired(stores, 0.01))
        await asyncio.sleep(0.3)
        alive = not task.done()
        task.cancel()
        return alive

    assert asyncio.run(run_briefly()), "the sweeper stopped at the first failed sweep"
    assert "sweep failed: ConnectionError" in caplog.text


def test_the_store_cost_benchmark_runs_every_store_at_every_length(redis_url):
    """tooling/bench/store_cost.py (its figures are in docs/performance.md, not asserted here)."""
    from tooling.bench.store_cost import LENGTHS, measure

    results = asyncio.run(measure(redis_url, reps=1))
    assert list(results) == list(LENGTHS)
    assert all(set(row) == {"rasa", "ours, served here", "ours, new to this worker"} and min(row.values()) > 0
               for row in results.values())
