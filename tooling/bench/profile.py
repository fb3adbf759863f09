"""Where a turn's time goes: py-spy samples one API worker under load (`make bench-profile`).

Starts the action server and this API (one worker, in-memory store, rate limits off), warms it
up, drives a closed-loop load (default concurrency 10) and samples the worker with py-spy.
Prints the share of busy samples spent in the main stages of a turn and the hottest frames, and
keeps the collapsed stacks (results/profile.txt, for any flame-graph tool). Loopback only.
"""
import argparse
import asyncio
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Tuple

from tooling.bench.processes import ROOT, cpu_seconds, start_action_server, start_api, start_redis
from tooling.bench.run import Recorder, load

# (label, frame) pairs: frame is "function file.py" as py-spy names it.
STAGES = [
    ("Rasa Agent (Assistant._handle, its own task)", "_handle assistant.py"),
    ("  NLU: Agent.parse_message", "parse_message agent.py"),
    ("    sentence encoder (ONNX)", "encode sentence_encoder.py"),
    ("    topic classifier", "process topic_classifier.py"),
    ("    safety net + context cues component", "process safety_component.py"),
    ("  dialogue: Agent.handle_message", "handle_message agent.py"),
    ("    tracker fetch", "fetch_tracker_and_update_session processor.py"),
    ("    policies (next action)", "_predict_next_with_tracker processor.py"),
    ("    action server call (HTTP)", "request endpoints.py"),
    ("    action reply validation", "_validate_action_result rasa_patches.py"),
    ("    tracker save", "save_tracker processor.py"),
    ("    conversation lock", "lock lock_store.py"),
    ("chat route outside the Agent", "chat chat.py"),
    ("  Assistant.respond (the message's reading: safety net, cues)", "respond assistant.py"),
    ("gateway middleware (and everything inside it)", "__call__ security.py"),
    ("safety net, component and guard together", "check safety_net.py"),
]
IDLE = ("select", "_run_once", "asyncio_run", "poll")


def frame_key(frame: str) -> str:
    name, _, where = frame.partition(" (")
    return f"{name} {where.split(':')[0].rsplit('/', 1)[-1]}"


def summarise(raw: Path) -> Tuple[int, Counter, Counter]:
    inclusive, own, busy = Counter(), Counter(), 0
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        frames = stack.split(";")
        if any(word in frames[-1] for word in IDLE):
            continue
        n = int(count)
        busy += n
        for key in {frame_key(f) for f in frames}:
            inclusive[key] += n
        own[frames[-1][:140]] += n
    return busy, inclusive, own


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--duration", type=float, default=15.0, help="seconds sampled (at most 60)")
    parser.add_argument("--concurrency", type=int, default=10)
    parser.add_argument("--store", choices=("memory", "redis"), default="memory",
                        help="conversations in memory (default) or in a Redis started here")
    parser.add_argument("--out", default=str(ROOT / "results" / "profile.txt"))
    args = parser.parse_args()
    duration = min(max(args.duration, 2.0), 60.0)
    spy = shutil.which("py-spy") or str(Path(sys.executable).with_name("py-spy"))
    if not Path(spy).exists():
        print("py-spy is not installed: .venv/bin/pip install -r requirements.txt", file=sys.stderr)
        return 2
    logs = ROOT / "results" / "bench-logs"
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    actions = start_action_server(logs)
    api = redis = None
    try:
        actions.wait_ready("/health", timeout=120)
        store = {}
        if args.store == "redis":
            redis = start_redis(logs)
            store = {"redis_url": redis.url, "session_secret": "bench-profile"}
        api = start_api(logs, f"{actions.url}/webhook", "api-profiled", rate_limit_per_session="0",
                        rate_limit_per_client="0", **store)
        api.wait_ready("/readyz", timeout=300)
        asyncio.run(load("api", api.url, args.concurrency, 5.0, 1, None))  # warm-up
        worker = api.worker_pids()[0]
        cpu_before = cpu_seconds(worker)
        sampler = subprocess.Popen([spy, "record", "--format", "raw", "--output", str(out), "--rate", "250",
                                    "--duration", str(int(duration)), "--nonblocking", "--pid", str(worker)],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        rec = Recorder()
        elapsed = asyncio.run(load("api", api.url, args.concurrency, duration, 2, rec))
        _, err = sampler.communicate(timeout=duration + 30)
        if sampler.returncode != 0 or not out.exists():
            print(f"py-spy failed: {err.decode(errors='replace')[-500:]}", file=sys.stderr)
            return 1
        turns = len(rec.latencies)
        cpu_ms = (cpu_seconds(worker) - cpu_before) * 1000 / max(turns, 1)
    finally:
        for service in (api, actions, redis):
            if service:
                service.stop()

    busy, inclusive, own = summarise(out)
    print(f"profile: {turns} turns in {elapsed:.1f} s at concurrency {args.concurrency} "
          f"({turns / elapsed:.1f} turns/s), {cpu_ms:.1f} ms of worker CPU per turn; {busy} busy samples")
    print("share of busy samples (inclusive):")
    for label, key in STAGES:
        print(f"  {inclusive[key] * 100 / max(busy, 1):5.1f}%  {label}")
    print("hottest frames (own time):")
    for frame, n in own.most_common(12):
        print(f"  {n * 100 / max(busy, 1):5.1f}%  {frame}")
    print(f"collapsed stacks: {out.relative_to(ROOT) if out.is_relative_to(ROOT) else out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
