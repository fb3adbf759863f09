"""`make chaos`: mixed traffic against two API processes sharing Redis, while things break.

Starts on 127.0.0.1: Redis with append-only persistence (every write fsynced), one action
server, API replicas A and B (one worker each, sharing Redis). Then, for CHAOS_DURATION seconds
(default 180), C virtual users (CHAOS_CONCURRENCY, default 8) hold conversations spread over A
and B (new connection per turn, no stickiness): a topic message, then "I'm a parent" (a
button), which must re-answer the same topic, and some urgent messages. Meanwhile:
  - at 20% and 60% of the run the action server is killed (SIGKILL) and restarted 10 s later;
  - at 40% Redis is stopped (SIGTERM) and restarted 3 s later on the same port and directory.

Report (printed, and results/chaos.json):
  requests, 5xx (goal 0), transport errors, degraded answers, urgent messages answered without
  999 first (goal 0), conversations that lost their state (goal 0: a second turn, answered
  normally, that no longer knows the first turn's topic), and, of the last 20 conversations
  answered before Redis was stopped and continued once it is back, how many lost their state
  (goal 0).
Exit code 1 when a goal is missed.
"""
import argparse
import asyncio
import json
import os
import random
import signal
import tempfile
import time
from pathlib import Path
from typing import Dict, Optional

import httpx

from tooling.bench.processes import MODEL, ROOT, free_port, start_action_server, start_api, start_redis

SECRET = os.urandom(16).hex()

TOPIC_MESSAGES = [
    ("someone keeps sending me hate on snap", "bullying"),
    ("someone hacked my instagram account", "scams_hacking"),
    ("how do i set up parental controls on an ipad", "general_safety"),
    ("people in my class are leaving me out of the group chat and posting mean stuff", "bullying"),
]
URGENT_MESSAGES = [
    "i want to kill myself",
    "he says he'll share my nudes unless i pay him",
    "he's outside my house right now and i'm scared",
]


class Tally:
    def __init__(self) -> None:
        self.counts: Dict[str, int] = {k: 0 for k in (
            "requests", "http_5xx", "http_4xx", "transport_errors", "degraded", "urgent_sent",
            "urgent_without_999_first", "conversations_checked", "lost_state",
            "across_redis_restart_checked", "across_redis_restart_lost")}
        self.events = []
        # Conversations answered before Redis is stopped, continued after it is back.
        self.before_redis_stop = []
        self.redis_stopped = False

    def add(self, key: str, n: int = 1) -> None:
        self.counts[key] += n


async def turn(client: httpx.AsyncClient, base: str, tally: Tally, body: dict) -> Optional[dict]:
    tally.add("requests")
    try:
        response = await client.post(f"{base}/api/v1/chat", json=body, headers={"Connection": "close"})
    except httpx.HTTPError:
        tally.add("transport_errors")
        return None
    if response.status_code >= 500:
        tally.add("http_5xx")
        return None
    if response.status_code >= 400:
        tally.add("http_4xx")
        return None
    reply = response.json()
    if reply.get("degraded"):
        tally.add("degraded")
    return reply


async def user(bases, tally: Tally, rng: random.Random, deadline: float) -> None:
    async with httpx.AsyncClient(timeout=30) as client:
        while time.monotonic() < deadline:
            if rng.random() < 0.25:
                message = rng.choice(URGENT_MESSAGES)
                tally.add("urgent_sent")
                reply = await turn(client, rng.choice(bases), tally, {"message": message})
                if reply is not None:
                    first = reply["messages"][0]["text"] if reply["messages"] else ""
                    if not reply["urgent"] or "999" not in first:
                        tally.add("urgent_without_999_first")
                continue
            message, topic = rng.choice(TOPIC_MESSAGES)
            first = await turn(client, rng.choice(bases), tally, {"message": message})
            if first is None:
                continue
            if not tally.redis_stopped and not first["degraded"] and first["topic"]:
                tally.before_redis_stop = (tally.before_redis_stop + [first])[-20:]
            await asyncio.sleep(rng.uniform(0.2, 1.0))
            second = await turn(client, rng.choice(bases), tally,
                                {"payload": "/audience_parent", "session_id": first["session_id"]})
            # State is checkable when both turns were answered by the assistant (not degraded)
            # and the first one found a topic.
            if second is not None and not first["degraded"] and not second["degraded"] and first["topic"]:
                tally.add("conversations_checked")
                if second["topic"] != first["topic"]:
                    tally.add("lost_state")
            await asyncio.sleep(rng.uniform(0.1, 0.5))


async def faults(duration: float, started: float, services: dict, logs: Path, tally: Tally) -> None:
    async def at(fraction: float) -> None:
        await asyncio.sleep(max(0.0, started + duration * fraction - time.monotonic()))

    def note(what: str) -> None:
        tally.events.append({"t": round(time.monotonic() - started, 1), "event": what})
        print(f"chaos: {tally.events[-1]['t']:6.1f} s  {what}", flush=True)

    for fraction, kind in ((0.2, "actions"), (0.4, "redis"), (0.6, "actions")):
        await at(fraction)
        if kind == "actions":
            service = services["actions"]
            for pid in reversed(service.pids()):
                os.kill(pid, signal.SIGKILL)
            service.process.wait(timeout=10)
            note("action server killed")
            await asyncio.sleep(10)
            services["actions"] = start_action_server(logs, port=services["actions_port"])
            await asyncio.to_thread(services["actions"].wait_ready, "/health", 90)
            note("action server restarted")
        else:
            tally.redis_stopped = True
            saved = list(tally.before_redis_stop)
            services["redis"].stop()
            note("redis stopped")
            await asyncio.sleep(3)
            services["redis"] = start_redis(logs, port=services["redis_port"], data_dir=services["redis_dir"],
                                            name="redis-restarted")
            note("redis restarted (append-only file reloaded)")
            # The conversations of just before the stop continue where they were.
            await asyncio.sleep(2)
            async with httpx.AsyncClient(timeout=30) as client:
                for i, first in enumerate(saved):
                    body = {"payload": "/audience_parent", "session_id": first["session_id"]}
                    second = await turn(client, services["ab"][i % 2], tally, body)
                    if second is not None and second["degraded"]:  # a stale connection, once
                        second = await turn(client, services["ab"][i % 2], tally, body)
                    if second is not None and not second["degraded"]:
                        tally.add("across_redis_restart_checked")
                        if second["topic"] != first["topic"]:
                            tally.add("across_redis_restart_lost")
            note(f"{tally.counts['across_redis_restart_checked']} conversations from before the restart continued")


async def run(duration: float, concurrency: int, services: dict, logs: Path) -> Tally:
    tally = Tally()
    started = time.monotonic()
    deadline = started + duration
    bases = services["ab"] = [services["a"].url, services["b"].url]
    await asyncio.gather(
        faults(duration, started, services, logs, tally),
        *[user(bases, tally, random.Random(i), deadline) for i in range(concurrency)],
    )
    return tally


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=float, default=float(os.environ.get("CHAOS_DURATION", "180")))
    parser.add_argument("--concurrency", type=int, default=int(os.environ.get("CHAOS_CONCURRENCY", "8")))
    parser.add_argument("--report", default=str(ROOT / "results" / "chaos.json"))
    args = parser.parse_args()
    if not MODEL.exists():
        raise SystemExit(f"no trained model at {MODEL}: run `make model` first")
    logs = Path(tempfile.mkdtemp(prefix="chaos-"))
    redis_dir = logs / "redis-data"
    redis_dir.mkdir()
    services: dict = {"redis_dir": redis_dir, "redis_port": free_port(), "actions_port": free_port()}
    started = []
    try:
        services["redis"] = start_redis(logs, port=services["redis_port"], data_dir=redis_dir)
        services["actions"] = start_action_server(logs, port=services["actions_port"])
        services["actions"].wait_ready("/health", timeout=90)
        webhook = f"http://127.0.0.1:{services['actions_port']}/webhook"
        common = dict(redis_url=services["redis"].url, session_secret=SECRET, client_key_secret=SECRET,
                      rate_limit_per_client="0", rate_limit_per_session="0", turn_timeout_seconds="5")
        services["a"] = start_api(logs, webhook, "api-a", **common)
        services["b"] = start_api(logs, webhook, "api-b", **common)
        started += [services["a"], services["b"]]
        for name in ("a", "b"):
            services[name].wait_ready("/readyz", timeout=300)
        print(f"chaos: {args.duration:.0f} s of traffic, {args.concurrency} users, logs in {logs}", flush=True)
        tally = asyncio.run(run(args.duration, args.concurrency, services, logs))
    finally:
        for service in started:
            service.stop()
        for key in ("actions", "redis"):
            if key in services:
                services[key].stop()
    report = {**tally.counts, "events": tally.events, "duration_s": args.duration, "concurrency": args.concurrency}
    Path(args.report).parent.mkdir(parents=True, exist_ok=True)
    Path(args.report).write_text(json.dumps(report, indent=2))
    c = tally.counts
    print(f"chaos: {c['requests']} requests, {c['http_5xx']} 5xx, {c['transport_errors']} transport errors, "
          f"{c['degraded']} degraded, {c['urgent_without_999_first']}/{c['urgent_sent']} urgent without 999 first, "
          f"{c['lost_state']}/{c['conversations_checked']} conversations lost their state, "
          f"{c['across_redis_restart_lost']}/{c['across_redis_restart_checked']} of them across the Redis restart "
          f"({args.report})")
    missed = (c["http_5xx"] or c["urgent_without_999_first"] or c["lost_state"] or c["across_redis_restart_lost"]
              or not c["across_redis_restart_checked"])
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
