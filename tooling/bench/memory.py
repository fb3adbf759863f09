"""Memory and start-up of the served processes: each checkout side by side, one run.

    .venv/bin/python -m tooling.bench.memory [--tree /path/to/other/checkout ...] [--turns 1000]

For each tree (default: this one), in turn and alone on the machine: starts the action server
(`python -m actions`) and one API worker as `make run` serves it (uvicorn, conversations in
memory, rate limits off), both from that tree's code and model; measures each one's cold start
(process start -> `/health` for the action server, `/readyz` 200 for the API: model loaded, a warm-up
parse done and action server reachable) and RSS once ready; then sends the same mixed turns (fixed seed: the
bench's short conversations and, one in four, a long held-out message with its follow-up;
MEMORY_CONCURRENCY virtual users) and measures RSS after 200 turns and after all of them. The
growth between those two, over the turns between them, is what a live conversation costs the
worker per turn (conversations are kept in memory for the 30-minute expiry, so none is freed).

Prints one table (a column per tree) with the load average at the start and end of each tree's
run; writes results/memory.json. Every request goes to 127.0.0.1; every wait is bounded.
"""
import argparse
import asyncio
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path
from typing import Dict, List, Optional

import aiohttp

from bot.runtime.processes import HOST, child_env, free_port
from bot.runtime.settings import MODEL_PATH
from bot.runtime.uvicorn_options import uvicorn_cli_options
from tooling.bench.mixes import CONVERSATIONS, long_conversations
from tooling.bench.processes import ROOT, Service, rss_bytes

WARM_TURNS = 200  # RSS growth per turn is measured after these
LONG_SHARE = 0.25


def start(name: str, args: List[str], tree: Path, port: int, log_dir: Path, **env: str) -> Service:
    log_dir.mkdir(parents=True, exist_ok=True)
    log_path = log_dir / f"{name}.log"
    with open(log_path, "wb") as out:
        process = subprocess.Popen(args, cwd=tree, env=child_env(PYTHONPATH=str(tree), **env), stdout=out,
                                   stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
    return Service(name, process, f"http://{HOST}:{port}", log_path, started_at=time.monotonic())


def worker_rss_mb(service: Service) -> float:
    return round(max((rss_bytes(p) for p in service.worker_pids()), default=0) / 2**20, 1)


def conversations(seed: int) -> List[List[str]]:
    """The mix, in the order it is sent: the same for every tree."""
    rng = random.Random(seed)
    longs = long_conversations(seed)
    return [rng.choice(longs) if rng.random() < LONG_SHARE else rng.choice(CONVERSATIONS) for _ in range(2000)]


async def send(base: str, mix: List[List[str]], turns: int, concurrency: int, done: List[int],
               errors: List[str]) -> None:
    queue = iter(mix)
    budget = [turns]

    async def user(client: aiohttp.ClientSession) -> None:
        while budget[0] > 0:
            conversation = next(queue, None)
            if conversation is None:
                return
            session = None
            offered: set = set()
            for text in conversation:
                if budget[0] <= 0:
                    return
                if text.startswith("/") and text not in offered and not text.startswith("/audience"):
                    continue
                budget[0] -= 1
                body = {"payload": text} if text.startswith("/") else {"message": text}
                if session:
                    body["session_id"] = session
                try:
                    async with client.post(f"{base}/api/v1/chat", json=body) as response:
                        reply = await response.json(content_type=None)
                        if response.status != 200 or reply.get("degraded"):
                            errors.append(f"HTTP {response.status}" if response.status != 200 else "degraded")
                        else:
                            session = reply["session_id"]
                            offered = {b.get("payload") for m in reply.get("messages") or []
                                       for b in m.get("buttons") or []}
                except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as exc:
                    errors.append(type(exc).__name__)
                done[0] += 1

    connector = aiohttp.TCPConnector(limit=concurrency, force_close=True)
    async with aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=60)) as client:
        await asyncio.gather(*[user(client) for _ in range(concurrency)])


def measure(tree: Path, turns: int, concurrency: int, seed: int, log_dir: Path) -> Dict:
    load_start = os.getloadavg()
    python = sys.executable
    action_port, api_port = free_port(), free_port()
    started: List[Service] = []
    result: Dict = {"tree": str(tree), "load_average_start": [round(x, 2) for x in load_start]}
    try:
        actions = start("actions", [python, "-m", "actions", "--port", str(action_port)], tree, action_port, log_dir)
        started.append(actions)
        actions.wait_ready("/health", timeout=180)
        result["actions_cold_start_s"] = round(actions.ready_after, 1)
        result["actions_rss_ready_mb"] = worker_rss_mb(actions)
        api = start("api", [python, "-m", "uvicorn", "api.main:create_app", "--factory", "--host", HOST,
                            "--port", str(api_port), *uvicorn_cli_options(), "--workers", "1"],
                    tree, api_port, log_dir, SIGNPOST_ACTION_SERVER_URL=f"http://{HOST}:{action_port}/webhook",
                    SIGNPOST_RATE_LIMIT_PER_SESSION="0", SIGNPOST_RATE_LIMIT_PER_CLIENT="0",
                    SIGNPOST_MODEL_PATH=str(tree / MODEL_PATH.relative_to(ROOT)))
        started.append(api)
        api.wait_ready("/readyz", timeout=300)
        result["api_cold_start_s"] = round(api.ready_after, 1)
        result["api_rss_ready_mb"] = worker_rss_mb(api)
        mix = conversations(seed)
        done, errors = [0], []
        began = time.monotonic()
        asyncio.run(send(api.url, mix, WARM_TURNS, concurrency, done, errors))
        warm = worker_rss_mb(api)
        # The rest of the same mix: skip the conversations already sent (whole ones, roughly).
        asyncio.run(send(api.url, mix[WARM_TURNS // 2:], turns - WARM_TURNS, concurrency, done, errors))
        after = worker_rss_mb(api)
        result.update({
            "turns": done[0], "errors": len(errors), "error_kinds": sorted(set(errors)),
            "seconds": round(time.monotonic() - began, 1),
            "api_rss_after_warm_mb": warm, "api_rss_after_turns_mb": after,
            "api_kb_per_turn": round((after - warm) * 1024 / max(1, done[0] - WARM_TURNS), 1),
            "actions_rss_after_turns_mb": worker_rss_mb(actions),
        })
    finally:
        for service in reversed(started):
            service.stop()
    result["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
    return result


ROWS = [
    ("api_cold_start_s", "API worker cold start -> /readyz (s)"),
    ("api_rss_ready_mb", "API worker RSS when ready (MB)"),
    ("api_rss_after_warm_mb", f"API worker RSS after {WARM_TURNS} turns (MB)"),
    ("api_rss_after_turns_mb", "API worker RSS after all turns (MB)"),
    ("api_kb_per_turn", f"API worker growth per turn after {WARM_TURNS} (KB)"),
    ("actions_cold_start_s", "action server cold start -> /health (s)"),
    ("actions_rss_ready_mb", "action server RSS when ready (MB)"),
    ("actions_rss_after_turns_mb", "action server RSS after all turns (MB)"),
    ("turns", "turns sent"),
    ("errors", "errors (HTTP, degraded)"),
    ("seconds", "seconds for the turns"),
    ("load_average_start", "load average at start (1/5/15 min)"),
    ("load_average_end", "load average at end (1/5/15 min)"),
]


def table(results: List[Dict]) -> str:
    names = [Path(r["tree"]).name for r in results]
    lines = [f"  {'':48}" + "".join(f"{n:>22}" for n in names)]
    for key, label in ROWS:
        cells = []
        for r in results:
            value = r.get(key)
            cells.append(" ".join(f"{v:.2f}" for v in value) if isinstance(value, list) else str(value))
        lines.append(f"  {label:48}" + "".join(f"{c:>22}" for c in cells))
    return "\n".join(lines)


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--tree", action="append", default=[],
                        help="a checkout to measure (repeatable, in order); default: this one")
    parser.add_argument("--turns", type=int, default=int(os.environ.get("MEMORY_TURNS", 1000)))
    parser.add_argument("--concurrency", type=int, default=int(os.environ.get("MEMORY_CONCURRENCY", 4)))
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--out", default=str(ROOT / "results" / "memory.json"))
    args = parser.parse_args(argv)
    trees = [Path(t).resolve() for t in args.tree] or [ROOT]
    results = []
    for i, tree in enumerate(trees):
        print(f"memory: {tree}", flush=True)
        results.append(measure(tree, max(args.turns, WARM_TURNS + 1), args.concurrency, args.seed,
                               ROOT / "results" / "memory-logs" / f"{i}-{tree.name}"))
        print(json.dumps(results[-1]), flush=True)
    print(table(results), flush=True)
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"runs": results, "turns": args.turns, "concurrency": args.concurrency,
                               "seed": args.seed, "cores": os.cpu_count()}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
