"""CPU of a turn's conversation read and write in Redis, by conversation length.

    .venv/bin/python -m tooling.bench.store_cost [--reps 15]

Starts a redis-server on loopback and compares, for conversations of 1 to 40 turns:
- Rasa's RedisTrackerStore: the conversation is one JSON text, read and replayed whole, then
  read back, merged and written whole;
- this project's store (bot/engine/redis_tracker_store.py), when the worker served the conversation's
  last turn (the common case) and when it has never seen the conversation (it reads it whole).

A turn here is the events of one signposting turn (the message with its parse, the action, its
slot, a reply with four service cards, listen), made up, never real text. Each figure is the
best of `--reps` turns, CPU of this thread (time.thread_time).
"""
import argparse
import asyncio
import os
import tempfile
import time
from pathlib import Path

from rasa.core.tracker_store import RedisTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered

from bot.engine.redis_tracker_store import RedisEventTrackerStore
from bot.engine.stores import redis_options
from tooling.bench.processes import start_redis

LENGTHS = (1, 5, 10, 20, 40)
CARD = {"id": "service", "name": "A service", "phone": "0" * 11, "url": "https://example.org/" + "p" * 40,
        "hours": "h" * 60, "what": "w" * 120}


def add_turn(tracker, i: int) -> None:
    parse = {"intent": {"name": "bullying", "confidence": 0.9}, "entities": [], "text": f"message {i}"}
    tracker.update(UserUttered(f"message {i} " + "m" * 80, intent=parse["intent"], parse_data=parse))
    tracker.update(ActionExecuted("action_signpost"))
    tracker.update(SlotSet("topic", "bullying"))
    tracker.update(BotUttered("t" * 400, {"custom": {"topic": "bullying", "services": [CARD] * 4}}))
    tracker.update(ActionExecuted("action_listen"))


async def one_turn(store, sender_id: str) -> float:
    started = time.thread_time()
    tracker = await store.get_or_create_tracker(sender_id)
    add_turn(tracker, 99)
    await store.save(tracker)
    return time.thread_time() - started


async def measure(url: str, reps: int) -> dict:
    options = redis_options(url)
    rasa = RedisTrackerStore(Domain.empty(), record_exp=600, key_prefix="rasa", **options)
    ours = RedisEventTrackerStore(Domain.empty(), record_exp=600, key_prefix="ours", **options)
    results = {}
    for length in LENGTHS:
        best = {"rasa": 1e9, "ours, served here": 1e9, "ours, new to this worker": 1e9}
        for rep in range(reps):
            for name, store in (("rasa", rasa), ("ours, served here", ours), ("ours, new to this worker", ours)):
                sender_id = f"{length}-{rep}-{name}"
                tracker = await store.get_or_create_tracker(sender_id)
                for i in range(length - 1):
                    add_turn(tracker, i)
                await store.save(tracker)
                if name == "ours, new to this worker":
                    store.kept.clear()
                best[name] = min(best[name], await one_turn(store, sender_id))
        results[length] = {name: round(seconds * 1000, 2) for name, seconds in best.items()}
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reps", type=int, default=15)
    args = parser.parse_args()
    redis = start_redis(Path(tempfile.mkdtemp(prefix="store-cost-")))
    try:
        results = asyncio.run(measure(redis.url, max(1, args.reps)))
    finally:
        redis.stop()
    print(f"store cost: load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}, best of {args.reps}, "
          "CPU ms of one turn's read and write")
    names = list(next(iter(results.values())))
    print(f"{'turns':>6}  " + "  ".join(f"{n:>26}" for n in names))
    for length, row in results.items():
        print(f"{length:>6}  " + "  ".join(f"{row[n]:>26.2f}" for n in names))


if __name__ == "__main__":
    main()
