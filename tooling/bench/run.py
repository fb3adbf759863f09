"""`make bench`: this API against plain `rasa run`, same trained model, same action server; and
what a turn costs against the NLU parse alone.

First, in a process of its own (tooling/bench/encoder_cost.py), the parse floor: the CPU of Rasa's
Agent.parse_message alone per message, for the messages each mix sends (tooling/bench/mixes.py), and
the encoder's cost. Then it starts one action server, this API (uvicorn, N workers sharing a
Redis, rate limits off), `make run`'s configuration (1 worker, conversations in memory, rate
limits off: "api-1w") and plain `rasa run` (its REST channel from credentials.yml,
`--endpoints` pointing at the same action server), each alone so that its cold start (process
start -> ready) is measured without another loading at the same time. Then it runs a
closed-loop load: C virtual users, each holding a conversation (1-4 turns: a mix of topics,
urgent messages, follow-ups and buttons) and then starting a new one, for a fixed duration per
target and concurrency, against
  api       POST /api/v1/chat, the short mix, at every concurrency;
  api-1w    the same on the 1-worker API, at concurrency 10;
  rasa      POST /webhooks/rest/webhook, the short mix, at every concurrency;
  api-long  POST /api/v1/chat, the long-message mix (tests/heldout_long), at concurrency 1 and 10.
Runs are interleaved by concurrency (api1 rasa1 long1 api10 1w10 rasa10 long10 api50 rasa50) so
that noise from anything else on the machine falls on all of them.

Prints, per target and concurrency: turns/s, p50/p95/p99 latency, errors, CPU per turn and peak
RSS per process; the cold starts; the ratio api/rasa; the whole turn's CPU over the parse floor;
the goals, OK or MISSED; the load average at start and end; writes results/bench.json; and ends
with one summary line. Every request goes to 127.0.0.1; every loop is bounded in time.
"""
import argparse
import asyncio
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from typing import Any, Dict, List, Optional, Sequence, Tuple

import aiohttp

from api.schemas import always_offered_payloads
from tooling.bench.mixes import WORST_MS_MAX, CONVERSATIONS, Conversation, long_conversations  # noqa: F401 (CONVERSATIONS: re-exported)
from tooling.bench.processes import (MODEL, ROOT, Service, child_env, cpu_seconds, rss_bytes, start_action_server,
                             start_api, start_rasa, start_redis)

MAX_DURATION = 120.0
MAX_CONCURRENCY = 200
FLOOR_TIMEOUT = 900.0  # s: the parse-floor process (model load, encoder and parse timings)
API_WORKER_MB = 800  # above what one API worker peaks at (~1300 before, with TensorFlow)
TARGET_ORDER = ("api", "api-1w", "rasa", "api-long")
SERVICE_OF = {"api": "api", "api-long": "api", "api-1w": "api-1w", "rasa": "rasa"}
MIX_OF = {"api": "short", "api-1w": "short", "rasa": "short", "api-long": "long"}

# The goals a turn must meet (a 2-core machine, rate limits off).
TURN_OVER_PARSE_MAX = 1.5  # a whole turn's CPU (short mix) / the NLU parse's alone
P95_MS_MAX = {("api", 10): 150, ("api-1w", 10): 200, ("api", 50): 750}
RASA_RATIO_MIN = 3.0  # throughput at concurrency 10, this API / plain rasa run
COLD_START_MAX_S = 20.0


# The buttons every conversation offers (the topic menu, who is asking, "I need help now").
ALWAYS_OFFERED = frozenset(always_offered_payloads())


def kind(target: str) -> str:
    """"api" for every target served by this API, else "rasa"."""
    return "rasa" if target == "rasa" else "api"


def schedule(targets: Sequence[str], levels: Dict[str, Sequence[int]]) -> List[Tuple[str, int]]:
    """(target, concurrency) runs, interleaved: every target at the lowest concurrency, then at
    the next, ...; within a concurrency in TARGET_ORDER. levels: target -> its concurrencies."""
    all_levels = sorted({c for t in targets for c in levels.get(t, ())})
    return [(t, c) for c in all_levels for t in TARGET_ORDER if t in targets and c in levels.get(t, ())]


class Recorder:
    def __init__(self) -> None:
        self.latencies: List[float] = []
        self.errors: Dict[str, int] = {}

    def error(self, kind: str) -> None:
        self.errors[kind] = self.errors.get(kind, 0) + 1


def valid(target: str, status: int, body: Any) -> Optional[str]:
    """None when the reply is a real answer; else what was wrong."""
    if status != 200:
        return f"HTTP {status}"
    if kind(target) == "api":
        if body.get("degraded"):
            return "degraded reply"
        return None if body.get("messages") else "no messages"
    return None if isinstance(body, list) and body else "empty reply"


async def virtual_user(client: aiohttp.ClientSession, target: str, url: str, rng: random.Random,
                       deadline: float, rec: Optional[Recorder],
                       conversations: Sequence[Conversation] = CONVERSATIONS) -> None:
    api = kind(target) == "api"
    while time.monotonic() < deadline:
        # The API issues its own (signed) session ids: the first turn asks for one.
        session = None if api else uuid.uuid4().hex
        offered = set(ALWAYS_OFFERED)
        for text in rng.choice(conversations):
            if time.monotonic() >= deadline:
                return
            if api and text.startswith("/") and text not in offered:
                continue  # a person can only press a button the last answer showed
            if api:
                # A button ("/intent") sends its payload in a field of its own.
                body = {"payload": text} if text.startswith("/") else {"message": text}
                if session:
                    body["session_id"] = session
            else:
                body = {"sender": session, "message": text}
            started = time.perf_counter()
            try:
                async with client.post(url, json=body) as response:
                    reply = await response.json(content_type=None) if response.status == 200 else None
                    problem = valid(target, response.status, reply)
                if api and not problem:
                    session = reply["session_id"]
                    offered = set(ALWAYS_OFFERED) | {b.get("payload") for m in reply.get("messages") or []
                                                     for b in m.get("buttons") or []}
            except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as exc:
                problem = type(exc).__name__
            elapsed = time.perf_counter() - started
            if rec is None or time.monotonic() > deadline:
                continue  # warm-up, or finished after the window closed: not counted
            if problem:
                rec.error(problem)
            else:
                rec.latencies.append(elapsed)


async def load(target: str, base: str, concurrency: int, duration: float, seed: int,
               rec: Optional[Recorder], conversations: Optional[Sequence[Conversation]] = None) -> float:
    """conversations: the mix to send (default: the short mix, CONVERSATIONS)."""
    url = f"{base}/api/v1/chat" if kind(target) == "api" else f"{base}/webhooks/rest/webhook"
    # aiohttp rather than httpx: the load runs on the same two cores as the servers, and aiohttp
    # costs about a third of httpx's CPU per request, so less of the measured machine is the client's.
    # A new connection for every turn, as people make them: they take longer than the server's
    # 5 s keep-alive to write their next message. (Ten connections opened at once and kept
    # would all be accepted by whichever uvicorn worker woke first, and stay there.)
    connector = aiohttp.TCPConnector(limit=concurrency, force_close=True)
    async with aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=30.0)) as client:
        started = time.monotonic()
        deadline = started + duration
        await asyncio.gather(*[
            virtual_user(client, target, url, random.Random(seed * 1000 + i), deadline, rec,
                         conversations or CONVERSATIONS)
            for i in range(concurrency)
        ])
    return min(time.monotonic() - started, duration)


def percentile(values: List[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))]


class MemoryWatch:
    """Samples the RSS of every process of every service twice a second; keeps the peaks."""

    def __init__(self, services: List[Service]) -> None:
        self.services = services
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run, daemon=True)

    def run(self) -> None:
        while not self.stop.wait(0.5):
            for s in self.services:
                s.sample_memory()

    def reset(self) -> None:
        for s in self.services:
            s.peak_rss.clear()
            s.sample_memory()


def per_process_mb(service: Service, overall: bool = False) -> Dict[str, float]:
    """Peak RSS of each process that serves requests (uvicorn workers, or the process itself)."""
    peaks = service.overall_peak_rss if overall else service.peak_rss
    return {f"{service.name}:{pid}": round(peaks.get(pid, 0) / 2**20, 1) for pid in service.worker_pids()}


def tree_cpu(service: Service) -> float:
    return sum(cpu_seconds(pid) for pid in service.pids())


def mem_available_mb() -> Optional[float]:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemAvailable:"):
                return int(line.split()[1]) / 1024
    except (OSError, ValueError):
        pass
    return None


def worker_restarts(service: Service) -> int:
    """Workers that uvicorn's supervisor found dead and replaced (its health check gives a worker
    5 s to answer; a worker loading the model on a busy machine can miss that)."""
    try:
        return sum(1 for line in service.log_path.read_text(errors="replace").splitlines()
                   if line.startswith("INFO:") and "Child process [" in line and line.rstrip().endswith("died"))
    except (OSError, AttributeError):
        return 0


def run_one(target: str, service: Service, helpers: List[Service], watch: MemoryWatch, concurrency: int,
            duration: float, seed: int, conversations: Optional[Sequence[Conversation]] = None) -> dict:
    """helpers: the other processes a turn uses (action server; Redis for this API)."""
    watch.reset()
    rec = Recorder()
    measured = [service, *helpers]
    cpu_before = [tree_cpu(s) for s in measured]
    elapsed = asyncio.run(load(target, service.url, concurrency, duration, seed, rec, conversations))
    cpu_after = [tree_cpu(s) for s in measured]
    turns = len(rec.latencies)
    cpu = {("server" if s is service else s.name): round((a - b) * 1000 / turns, 1) if turns else None
           for s, a, b in zip(measured, cpu_after, cpu_before)}
    return {
        "target": target,
        "mix": MIX_OF.get(target, "short"),
        "concurrency": concurrency,
        "duration_s": round(elapsed, 2),
        "turns": turns,
        "turns_per_s": round(turns / elapsed, 1) if elapsed else 0.0,
        "p50_ms": round(percentile(rec.latencies, 50) * 1000, 1),
        "p95_ms": round(percentile(rec.latencies, 95) * 1000, 1),
        "p99_ms": round(percentile(rec.latencies, 99) * 1000, 1),
        "mean_ms": round(statistics.fmean(rec.latencies) * 1000, 1) if rec.latencies else None,
        "errors": sum(rec.errors.values()),
        "error_kinds": rec.errors,
        "cpu_ms_per_turn": cpu,
        "peak_rss_mb": per_process_mb(service),
    }


def fmt_run(r: dict) -> str:
    rss = ", ".join(f"{v:.0f}" for v in r["peak_rss_mb"].values())
    cpu = dict(r["cpu_ms_per_turn"])
    helpers = " ".join(f"+{name} {ms}" for name, ms in cpu.items() if name != "server")
    return (f"  {r['target']:<8} c={r['concurrency']:<3} {r['turns_per_s']:6.1f} turns/s  p50 {r['p50_ms']:6.1f} ms  "
            f"p95 {r['p95_ms']:6.1f} ms  p99 {r['p99_ms']:6.1f} ms  errors {r['errors']}"
            f"{' ' + json.dumps(r['error_kinds']) if r['errors'] else ''}  "
            f"CPU ms/turn {cpu['server']} ({helpers})  peak RSS/process MB [{rss}]")


def ratio_to_floor(turn_cpu_ms: Optional[float], floor_ms: Optional[float]) -> Optional[float]:
    """A whole turn's CPU over the NLU parse's alone; None when either is missing."""
    if turn_cpu_ms is None or not floor_ms:
        return None
    return round(turn_cpu_ms / floor_ms, 2)


def turn_over_parse(runs: List[dict], floor: Dict[str, dict], target: str) -> Optional[dict]:
    """The server's CPU per turn for `target` at its lowest concurrency run (1 by default, where
    the turns do not overlap) against the parse floor of the same mix."""
    mine = [r for r in runs if r["target"] == target]
    if not mine:
        return None
    run = min(mine, key=lambda r: r["concurrency"])
    turn_ms = run["cpu_ms_per_turn"].get("server")
    floor_ms = (floor.get(MIX_OF[target]) or {}).get("mean_ms")
    return {"mix": MIX_OF[target], "target": target, "concurrency": run["concurrency"],
            "turn_cpu_ms": turn_ms, "parse_cpu_ms": floor_ms, "ratio": ratio_to_floor(turn_ms, floor_ms)}


def goals(runs: List[dict], ratios: Dict[int, float], turn_parse: Dict[str, Optional[dict]],
          cold_start: Dict[str, float], workers: int = 2, worst_ms: Optional[float] = None) -> Dict[str, dict]:
    """Each goal: {"value": what was measured, "ok": True/False, or None when not measured}."""
    by = {(r["target"], r["concurrency"]): r for r in runs}

    def check(value: Optional[float], ok) -> dict:
        return {"value": value, "ok": None if value is None else bool(ok(value))}

    short = (turn_parse.get("short") or {}).get("ratio")
    result = {f"turn/parse <= {TURN_OVER_PARSE_MAX:g} (short mix)": check(short, lambda v: v <= TURN_OVER_PARSE_MAX)}
    labels = {("api", 10): f"c=10 p95 <= {{}} ms ({workers} workers)", ("api-1w", 10): "c=10 p95 <= {} ms (1 worker)",
              ("api", 50): "c=50 p95 <= {} ms"}
    for key, limit in P95_MS_MAX.items():
        run = by.get(key)
        result[labels[key].format(limit)] = check(run["p95_ms"] if run else None, lambda v, limit=limit: v <= limit)
    result[f">= {RASA_RATIO_MIN:g}x rasa run at c=10"] = check(ratios.get(10), lambda v: v >= RASA_RATIO_MIN)
    api_runs = [r for r in runs if kind(r["target"]) == "api"]
    result["no errors"] = check(sum(r["errors"] for r in api_runs) if api_runs else None, lambda v: v == 0)
    result[f"cold start <= {COLD_START_MAX_S:g} s"] = check(cold_start.get("api"), lambda v: v <= COLD_START_MAX_S)
    # The costliest 1,000-character message (parse + redaction, CPU, worst mix).
    result[f"worst message <= {WORST_MS_MAX:g} ms CPU"] = check(worst_ms, lambda v: v <= WORST_MS_MAX)
    return result


def fmt_goal(name: str, goal: dict) -> str:
    verdict = "n/a" if goal["ok"] is None else ("OK" if goal["ok"] else "MISSED")
    return f"{name} {verdict}" + (f" ({goal['value']:g})" if goal["value"] is not None else "")


def parse_floor(model: Path, seed: int, out: Path, floor_only: bool) -> Dict[str, dict]:
    """Runs tooling/bench/encoder_cost.py in a process of its own (nothing else of the bench running)
    and returns its parse floor by mix; {} when it failed."""
    args = [sys.executable, "-m", "tooling.bench.encoder_cost", "--model", str(model), "--seed", str(seed), "--out", str(out)]
    try:
        done = subprocess.run(args + (["--floor-only"] if floor_only else []), cwd=ROOT, env=child_env(),
                              stdin=subprocess.DEVNULL, timeout=FLOOR_TIMEOUT)
        if done.returncode == 0:
            return json.loads(out.read_text()).get("parse_floor", {})
        print(f"bench: the parse floor failed (exit {done.returncode})", flush=True)
    except (subprocess.TimeoutExpired, OSError, ValueError) as exc:
        print(f"bench: the parse floor failed: {type(exc).__name__}: {exc}", flush=True)
    return {}


def levels_arg(text: str) -> List[int]:
    return [min(max(int(c), 1), MAX_CONCURRENCY) for c in text.split(",") if c.strip()]


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=float, default=float(os.environ.get("BENCH_DURATION", 15)),
                        help=f"seconds per target and concurrency (default 15, at most {MAX_DURATION:.0f})")
    parser.add_argument("--concurrency", default=os.environ.get("BENCH_CONCURRENCY", "1,10,50"),
                        help="comma-separated closed-loop concurrencies for api and rasa (default 1,10,50)")
    parser.add_argument("--one-worker-concurrency", default=os.environ.get("BENCH_ONE_WORKER_CONCURRENCY", "10"),
                        help="concurrencies for api-1w (default 10)")
    parser.add_argument("--long-concurrency", default=os.environ.get("BENCH_LONG_CONCURRENCY", "1,10"),
                        help="concurrencies for api-long (default 1,10)")
    parser.add_argument("--workers", type=int, default=int(os.environ.get("BENCH_WORKERS", 2)),
                        help="uvicorn workers for this API (default 2, one per core here)")
    parser.add_argument("--warmup", type=float, default=float(os.environ.get("BENCH_WARMUP", 5)),
                        help="seconds of uncounted load per target before measuring (default 5)")
    parser.add_argument("--store", choices=("auto", "memory", "redis"), default=os.environ.get("BENCH_STORE", "auto"),
                        help="this API's conversation store: auto = Redis when workers > 1 (several "
                             "workers need a shared store to keep conversations), else memory")
    parser.add_argument("--targets", default=os.environ.get("BENCH_TARGETS", ",".join(TARGET_ORDER)),
                        help=f"which targets (default {','.join(TARGET_ORDER)})")
    parser.add_argument("--floor", choices=("full", "only", "skip"), default=os.environ.get("BENCH_FLOOR", "full"),
                        help="full: encoder cost and parse floor (default); only: the parse floor; skip: neither")
    parser.add_argument("--out", default=str(ROOT / "results" / "bench.json"))
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)

    began = time.monotonic()
    duration = min(max(args.duration, 1.0), MAX_DURATION)
    warmup = min(max(args.warmup, 0.0), 30.0)
    levels = levels_arg(args.concurrency)
    targets = [t for t in TARGET_ORDER if t in args.targets.split(",")]
    target_levels = {"api": levels, "rasa": levels, "api-1w": levels_arg(args.one_worker_concurrency),
                     "api-long": levels_arg(args.long_concurrency)}
    runs_planned = schedule(targets, target_levels)
    store = args.store if args.store != "auto" else ("redis" if args.workers > 1 else "memory")
    conversations = {"short": CONVERSATIONS, "long": long_conversations(args.seed)}
    if not MODEL.exists():
        print(f"no trained model at {MODEL}: run `make model` first", file=sys.stderr)
        return 2
    logs = ROOT / "results" / "bench-logs"
    load_before = os.getloadavg()
    print(f"bench: {os.cpu_count()} cores, load average "
          f"{load_before[0]:.2f} {load_before[1]:.2f} {load_before[2]:.2f}; Python {platform.python_version()}; "
          f"{duration:.0f} s per run, warm-up {warmup:.0f} s; runs "
          + " ".join(f"{t}@{c}" for t, c in runs_planned)
          + f"; API: {args.workers} uvicorn worker(s), conversations in {store}; api-1w: 1 worker, in memory; "
          f"rate limits off", flush=True)
    if load_before[0] > 0.5:
        print("bench: note: the machine is not idle; other processes share these cores", flush=True)

    # Every target and the parse floor load this copy, so a model retrained meanwhile cannot
    # make them differ.
    logs.mkdir(parents=True, exist_ok=True)
    model = logs / "model.tar.gz"
    shutil.copyfile(MODEL, model)
    floor: Dict[str, dict] = {}
    if args.floor != "skip":
        floor = parse_floor(model, args.seed, ROOT / "results" / "encoder_cost.json", args.floor == "only")

    services: Dict[str, Service] = {}
    started: List[Service] = []
    results: dict = {"runs": [], "cold_start_s": {}}

    def enough_memory(name: str, workers: int) -> bool:
        available = mem_available_mb()
        if available is not None and available < workers * API_WORKER_MB + 500:
            print(f"bench: not starting {name}: {available:.0f} MB available, it needs about "
                  f"{workers * API_WORKER_MB} MB", flush=True)
            return False
        return True

    try:
        actions = start_action_server(logs)
        started.append(actions)
        actions.wait_ready("/health", timeout=120)
        print(f"bench: action server ready in {actions.ready_after:.1f} s", flush=True)
        store_settings = {}
        wanted = {SERVICE_OF[t] for t in targets}
        if "api" in wanted and store == "redis":
            redis = start_redis(logs)
            started.append(redis)
            store_settings = {"redis_url": redis.url, "client_key_secret": uuid.uuid4().hex,
                              "session_secret": uuid.uuid4().hex}
            print(f"bench: redis-server ready in {redis.ready_after:.1f} s", flush=True)
        # One at a time, so each cold start has the machine to itself.
        if "api" in wanted and enough_memory("api", args.workers):
            api = start_api(logs, f"{actions.url}/webhook", "api", workers=args.workers,
                            rate_limit_per_session="0", rate_limit_per_client="0", model_path=str(model), **store_settings)
            started.append(api)
            api.wait_ready("/readyz", timeout=300, log_marker="Application startup complete.", marker_count=args.workers)
            services["api"] = api
            print(f"bench: api ready in {api.ready_after:.1f} s ({args.workers} workers)", flush=True)
        if "api-1w" in wanted and enough_memory("api-1w", 1):
            # `make run`'s configuration: one worker, conversations in memory (no Redis).
            api1 = start_api(logs, f"{actions.url}/webhook", "api-1w", workers=1,
                             rate_limit_per_session="0", rate_limit_per_client="0", model_path=str(model))
            started.append(api1)
            api1.wait_ready("/readyz", timeout=300, log_marker="Application startup complete.", marker_count=1)
            services["api-1w"] = api1
            print(f"bench: api-1w ready in {api1.ready_after:.1f} s (1 worker, in memory)", flush=True)
        if "rasa" in wanted and enough_memory("rasa run", 1):
            rasa = start_rasa(logs, f"{actions.url}/webhook", model=model)
            started.append(rasa)
            rasa.wait_ready("/webhooks/rest/", timeout=300)
            services["rasa"] = rasa
            print(f"bench: rasa run ready in {rasa.ready_after:.1f} s", flush=True)
        results["cold_start_s"] = {t: round(s.ready_after, 1) for t, s in services.items()}
        results["cold_start_s"]["action_server"] = round(actions.ready_after, 1)
        # Each process's memory once ready, before any load (RSS per process, MB).
        results["ready_rss_mb"] = {t: {k: round(rss_bytes(int(k.split(":")[1])) / 2**20, 1) for k in per_process_mb(s)}
                                   for t, s in services.items()}
        results["ready_rss_mb"]["action_server"] = round(rss_bytes(actions.pid) / 2**20, 1)
        results["cold_start_worker_restarts"] = {t: worker_restarts(s) for t, s in services.items()}
        results["cold_start_peak_rss_mb"] = {t: per_process_mb(s) for t, s in services.items()}
        runs_planned = [(t, c) for t, c in runs_planned if SERVICE_OF[t] in services]
        print(f"bench: memory available with everything started: {mem_available_mb() or 0:.0f} MB", flush=True)

        watch = MemoryWatch(started)
        watch.thread.start()
        for target in dict.fromkeys(t for t, _ in runs_planned):
            if warmup:
                asyncio.run(load(target, services[SERVICE_OF[target]].url, 10, warmup, args.seed + 99, None,
                                 conversations[MIX_OF[target]]))
        helpers = {"api": [s for s in started if s.name in ("actions", "redis")], "api-1w": [actions],
                   "rasa": [actions]}
        for target, level in runs_planned:
            service = services[SERVICE_OF[target]]
            run = run_one(target, service, helpers[SERVICE_OF[target]], watch, level, duration, args.seed,
                          conversations[MIX_OF[target]])
            results["runs"].append(run)
            print(fmt_run(run), flush=True)
        watch.stop.set()
        results["peak_rss_mb"] = {t: per_process_mb(s, overall=True) for t, s in services.items()}
        results["peak_rss_mb"]["action_server"] = round(max(actions.overall_peak_rss.values(), default=0) / 2**20, 1)
    finally:
        for service in reversed(started):
            service.stop()

    by = {(r["target"], r["concurrency"]): r for r in results["runs"]}
    ratios, ratios_1w = {}, {}
    for level in sorted({c for _, c in by}):
        b = by.get(("rasa", level))
        for target, into in (("api", ratios), ("api-1w", ratios_1w)):
            a = by.get((target, level))
            if a and b and b["turns_per_s"]:
                into[level] = round(a["turns_per_s"] / b["turns_per_s"], 2)
    turn_parse = {"short": turn_over_parse(results["runs"], floor, "api"),
                  "long": turn_over_parse(results["runs"], floor, "api-long")}
    worst_ms = (floor.get("worst") or {}).get("with_redaction_max_ms")
    checks = goals(results["runs"], ratios, turn_parse, results["cold_start_s"], args.workers, worst_ms)
    load_after = os.getloadavg()
    results["ratio_api_over_rasa"] = ratios
    results["ratio_api_1w_over_rasa"] = ratios_1w
    results["parse_floor"] = floor
    results["turn_over_parse"] = turn_parse
    results["goals"] = checks
    results["targets_met"] = {name: goal["ok"] for name, goal in checks.items()}
    results["load_average_before"] = [round(x, 2) for x in load_before]
    results["load_average_after"] = [round(x, 2) for x in load_after]
    results["settings"] = {"duration_s": duration, "concurrency": levels, "runs": [list(r) for r in runs_planned],
                           "api_workers": args.workers, "api_store": store, "api_1w": "1 worker, memory",
                           "warmup_s": warmup, "seed": args.seed, "floor": args.floor,
                           "cores": os.cpu_count(), "python": platform.python_version()}
    results["elapsed_s"] = round(time.monotonic() - began, 1)

    for level, ratio in ratios.items():
        print(f"  ratio api/rasa at c={level}: {ratio:.2f}x"
              + (f" (api-1w/rasa {ratios_1w[level]:.2f}x)" if level in ratios_1w else ""))
    restarts = results.get("cold_start_worker_restarts", {})
    print("  cold start (process start -> ready): " + ", ".join(
        f"{t} {v:.1f} s" + (f" ({restarts[t]} worker(s) died in start-up and were restarted)" if restarts.get(t) else "")
        for t, v in results["cold_start_s"].items()))
    ready = results.get("ready_rss_mb", {})
    print("  RSS per process when ready (MB): " + "; ".join(
        f"{t} [{', '.join(f'{v:.0f}' for v in m.values())}]" if isinstance(m, dict) else f"{t} {m:.0f}"
        for t, m in ready.items()))
    peaks = results.get("peak_rss_mb", {})
    print("  peak RSS per process over all runs (MB): " + "; ".join(
        f"{t} [{', '.join(f'{v:.0f}' for v in peaks[t].values())}]" for t in services if t in peaks)
        + f"; action server {peaks.get('action_server', 0):.0f}")
    print("  parse floor (Agent.parse_message alone, CPU ms per message, best of 3, own process): " + (", ".join(
        f"{mix} mix {f['mean_ms']:.1f} (p95 {f['p95_ms']:.1f}, {f['turns']} turns)" for mix, f in floor.items())
        or "not measured"))
    for mix, tp in turn_parse.items():
        if tp:
            ratio = f"{tp['ratio']:.2f}x" if tp["ratio"] is not None else "n/a"
            print(f"  whole turn / parse, {mix} mix: {tp['target']} server CPU {tp['turn_cpu_ms']} ms/turn at "
                  f"c={tp['concurrency']} / parse {tp['parse_cpu_ms']} ms = {ratio}")
    print("  goals: " + "; ".join(fmt_goal(name, goal) for name, goal in checks.items()))
    print(f"  load average at start {' '.join(f'{x:.2f}' for x in load_before)}, "
          f"at end {' '.join(f'{x:.2f}' for x in load_after)}; bench took {results['elapsed_s']:.0f} s")
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(f"  written: {out.relative_to(ROOT) if out.is_relative_to(ROOT) else out}")

    def pair(level: int) -> str:
        a, b = by.get(("api", level)), by.get(("rasa", level))
        if not (a and b):
            return f"c={level} n/a"
        return (f"c={level} {a['turns_per_s']:.1f}/{b['turns_per_s']:.1f} turns/s ({ratios.get(level, 0):.2f}x) "
                f"p50 {a['p50_ms']:.0f}/{b['p50_ms']:.0f} ms p95 {a['p95_ms']:.0f}/{b['p95_ms']:.0f} ms "
                f"errors {a['errors']}/{b['errors']}")

    def alone(target: str) -> str:
        mine = [r for r in results["runs"] if r["target"] == target]
        return ", ".join(f"c={r['concurrency']} {r['turns_per_s']:.1f} turns/s p50 {r['p50_ms']:.0f} ms "
                         f"p95 {r['p95_ms']:.0f} ms errors {r['errors']}" for r in mine) or "n/a"

    def number(value: Optional[float], spec: str = ".1f") -> str:
        return "n/a" if value is None else format(value, spec)

    rss = {t: max(v.values(), default=0) for t, v in results.get("peak_rss_mb", {}).items() if isinstance(v, dict)}
    summary = (
        f"SUMMARY api({args.workers} workers, {store})/rasa run: " + "; ".join(pair(level) for level in levels)
        + f"; api-1w (1 worker, memory): {alone('api-1w')}; api-long (long mix): {alone('api-long')}"
        + "; parse floor short/long " + "/".join(number((floor.get(m) or {}).get("mean_ms")) for m in ("short", "long"))
        + " ms; turn/parse short/long " + "/".join(number((turn_parse[m] or {}).get("ratio"), ".2f")
                                                   for m in ("short", "long")) + "x"
        + "; cold start api/api-1w/rasa/actions " + "/".join(number(results["cold_start_s"].get(t))
                                                              for t in ("api", "api-1w", "rasa", "action_server"))
        + " s; peak RSS/process api/api-1w/rasa " + "/".join(f"{rss.get(t, 0):.0f}" for t in ("api", "api-1w", "rasa"))
        + f" MB; load average start/end {load_before[0]:.2f}/{load_after[0]:.2f}"
        + "; goals: " + ", ".join(fmt_goal(name, goal) for name, goal in checks.items())
    )
    print(summary, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
