"""A conversation's counts are written when it ends: embedded store (expiry found by
the sweep or at a turn, deletion on request) and Redis (two stores standing for two replicas,
sweeping at once against a real redis-server: each conversation counted exactly once)."""
import asyncio
import threading
import time
from datetime import datetime, timezone

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import AgentUttered, BotUttered, SlotSet, UserUttered

from bot.engine.ending import Ending
from bot.engine.redis_tracker_store import RedisEventTrackerStore
from bot.engine.stores import redis_options
from bot.engine.tracker_store import ExpiringInMemoryTrackerStore
from bot.insights import record
from bot.insights.recorder import Insights
from bot.insights.schools import Schools, token_hash
from bot.insights.store import RedisCounts, SQLiteCounts
from tooling.bench.processes import redis_server_binary, start_redis

CLOCK = datetime(2026, 11, 18, 10, 0, tzinfo=timezone.utc)  # 2026-W47
SCHOOLS = Schools.parse({"schools": [{"id": "hillview", "name": "Hillview Academy",
                                      "origin": "https://hillview.example.org", "token_sha256": token_hash("h")}]})


def conversation(store, sender_id: str, topic="image_sharing", opened=True):
    """What a turn leaves in a tracker: the message (its school in the metadata), the reply (its
    topic), the slots the action sets and, after a tap on a card, the opened event."""
    tracker = asyncio.run(store.get_or_create_tracker(sender_id))
    tracker.update(UserUttered("someone is sharing my pics im 14", parse_data={"intent": {"name": "image_sharing"},
                   "risk": {"level": "serious", "urgent": True}}, metadata={"school": "hillview"}))
    tracker.update(BotUttered("...", data={"custom": {"signpost": {"topic": topic, "urgent": True}}}))
    for name, value in (("writer", "young_person"), ("age", 14), ("audience", "young_person"), ("risk", "urgent")):
        tracker.update(SlotSet(name, value))
    if opened:
        tracker.update(AgentUttered(data=dict(record.OPENED_DATA)))
    asyncio.run(store.save(tracker))
    return tracker


def counted(insights, *measure):
    return sum(n for school, week, m, value, n in insights.store.rows()[1:]
               if school == "hillview" and (m, value) == measure)


@pytest.mark.fast
def test_embedded_store_counts_a_conversation_once_when_it_expires_or_is_deleted(tmp_path):
    insights = Insights(SQLiteCounts(tmp_path / "c.sqlite3"), SCHOOLS, lambda: CLOCK)
    store = ExpiringInMemoryTrackerStore(60, ending=Ending(record.summarise, insights.ended))
    conversation(store, "one")
    conversation(store, "two", topic="bullying", opened=False)
    conversation(store, "three")
    assert insights.store.rows()[1:] == []  # nothing while they last
    assert store.sweep(now=time.monotonic() + 61) == 3
    assert store.sweep(now=time.monotonic() + 61) == 0  # already ended: not again
    assert counted(insights, "conversations", "") == 3
    assert counted(insights, "topic", "image_sharing") == 2 and counted(insights, "topic", "bullying") == 1
    assert counted(insights, "risk", "urgent") == 3 and counted(insights, "age", "13_15") == 3
    assert counted(insights, "audience", "young_person") == 3 and counted(insights, "opened", "service") == 2
    assert {w for _, w, *_ in insights.store.rows()[1:]} == {"2026-W47"}
    # Deleted on request ("End chat", "Exit this page"): only that an exit happened.
    conversation(store, "four")
    assert store.delete("four") and not store.delete("four")
    assert counted(insights, "exits", "") == 1 and counted(insights, "conversations", "") == 3


@pytest.mark.fast
def test_embedded_store_counts_an_expired_conversation_found_at_a_turn(tmp_path):
    insights = Insights(SQLiteCounts(tmp_path / "c.sqlite3"), SCHOOLS, lambda: CLOCK)
    store = ExpiringInMemoryTrackerStore(0.2, ending=Ending(record.summarise, insights.ended))
    conversation(store, "five")
    time.sleep(0.3)
    assert asyncio.run(store.retrieve("five")) is None
    assert store.sweep() == 0
    assert counted(insights, "conversations", "") == 1


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    try:
        redis_server_binary()
    except RuntimeError as exc:
        pytest.fail(str(exc), pytrace=False)
    service = start_redis(tmp_path_factory.mktemp("redis-insights"))
    try:
        yield service.url
    finally:
        service.stop()


def replica(url: str, expiry: int = 1):
    """One replica: its tracker store and its insights, adding to the counts in the same Redis."""
    import redis

    insights = Insights(RedisCounts(redis.Redis.from_url(url, decode_responses=True), "signpost"), SCHOOLS, lambda: CLOCK)
    store = RedisEventTrackerStore(Domain.empty(), record_exp=expiry, key_prefix="signpost",
                                   ending=Ending(record.summarise, insights.ended), **redis_options(url))
    return store, insights


def test_redis_conversations_are_counted_exactly_once_by_replicas_sweeping_at_once(redis_url):
    (a, counts), (b, _) = replica(redis_url), replica(redis_url)
    a.red.flushdb()
    ids = [f"conv-{i}" for i in range(60)]
    for i, sid in enumerate(ids):
        conversation(a if i % 2 else b, sid, opened=i % 3 == 0)
    # A summary of text-free fields is kept beside each conversation while it lasts.
    summary = record.Summary.loads(a.red.get(a.summary_key("conv-0")))
    assert summary.school == "hillview" and summary.topics == {"image_sharing"} and summary.age == "13_15"
    # A replica whose clock runs far ahead cannot end a conversation Redis still has.
    assert a.end_expired(now=time.time() + 3600) == 0
    time.sleep(2.2)  # Redis expires them (1 s)
    claimed = []

    def sweep(store):
        claimed.append(store.end_expired())

    threads = [threading.Thread(target=sweep, args=(s,)) for s in (a, b, a, b)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(claimed) == len(ids)
    assert counted(counts, "conversations", "") == len(ids)
    assert counted(counts, "opened", "service") == len([i for i in range(60) if i % 3 == 0])
    assert a.end_expired() == 0 and b.sweep() >= 0 and counted(counts, "conversations", "") == len(ids)
    assert not a.red.keys("signpost:summary:*") and not a.red.zcard(a.ending_key)
    rows = counts.store.rows()
    assert all(len(r) == 5 for r in rows) and not any("conv-" in repr(r) for r in rows)
    assert 0 < a.red.ttl(counts.store.key("hillview", "2026-W47"))  # deleted by Redis after two years


def test_redis_a_deleted_conversation_counts_only_as_an_exit(redis_url):
    (a, counts), (b, _) = replica(redis_url, expiry=60), replica(redis_url, expiry=60)
    a.red.flushdb()
    conversation(a, "gone")
    assert b.delete("gone")
    assert not a.red.exists(a.summary_key("gone")) and a.red.zscore(a.ending_key, "gone") is None
    assert a.end_expired(now=time.time() + 3600) == 0
    assert counted(counts, "exits", "") == 1 and counted(counts, "conversations", "") == 0
