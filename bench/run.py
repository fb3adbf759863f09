"""`make bench`: this API against plain `rasa run`, same trained model, same action server.

Starts one action server, this API (uvicorn, N workers, embedded in-memory stores, rate limits
off) and plain `rasa run` (its REST channel from credentials.yml, `--endpoints` pointing at the
same action server), each alone so that its cold start (process start -> ready) is measured
without the other loading at the same time. Then it runs a closed-loop load against
(a) POST /api/v1/chat and (b) POST /webhooks/rest/webhook: C virtual users, each holding a
conversation of a few turns (a mix of topics, urgent messages and follow-ups), then starting a
new one, for a fixed duration per concurrency. Runs are interleaved (a1 b1 a10 b10 a50 b50) so
that noise from anything else on the machine falls on both.

Prints, per target and concurrency: turns/s, p50/p95/p99 latency, errors, CPU per turn and peak
RSS per process; the cold starts; the ratio (a)/(b); writes results/bench.json; and ends with
one summary line. Every request goes to 127.0.0.1; every loop is bounded in time.
"""
import argparse
import asyncio
import json
import os
import platform
import random
import shutil
import statistics
import sys
import threading
import time
import uuid
from pathlib import Path
from typing import Dict, List, Optional

import httpx

from bench.processes import (MODEL, ROOT, Service, cpu_seconds, start_action_server, start_api,
                             start_rasa, start_redis)

MAX_DURATION = 120.0
MAX_CONCURRENCY = 200
TARGETS = {"api": "this API (POST /api/v1/chat)", "rasa": "plain rasa run (POST /webhooks/rest/webhook)"}

# Conversations as people write them: short and misspelled, longer from parents, urgent ones,
# follow-ups and button payloads. Each has 1-4 turns, so trackers stay small as in real use.
CONVERSATIONS: List[List[str]] = [
    ["hi", "someone keeps sending me hate on snap", "what can i do", "thanks"],
    ["some1 made a fake account of me and is posting stuff", "/audience_young_person", "thank you"],
    ["My 12 year old son is being picked on in a WhatsApp group. What should I do?", "/audience_parent"],
    ["a boy i know is sharing my nudes around school", "can they get taken down", "ok thanks"],
    ["he says he'll share my pics unless i pay him", "i already paid once"],
    ["i met a guy online and hes asking me to meet up tomorrow and keep it secret"],
    ["i want to kill myself"],
    ["kms", "i dont know who to talk to"],
    ["my boyfriend checks my phone and tracks where i am all the time", "is that normal"],
    ["someone hacked my instagram and changed the password", "how do i get it back"],
    ["I teach P7 and a pupil told me an adult has been messaging her on a game", "/audience_professional"],
    ["how do i set up parental controls on an ipad", "what age can kids use tiktok"],
    ["my brother is watching videos from some guy who says women are the problem", "/audience_parent"],
    ["older boys asked me to carry a package for money", "they said they know where i live"],
    ["i saw a really horrible video of someone getting hurt", "how do i report it"],
    ["is this anonymous?", "are you a bot", "someone is bullying me on roblox"],
    ["hello", "what's the weather like", "show me all services"],
]


class Recorder:
    def __init__(self) -> None:
        self.latencies: List[float] = []
        self.errors: Dict[str, int] = {}

    def error(self, kind: str) -> None:
        self.errors[kind] = self.errors.get(kind, 0) + 1


def valid(target: str, response: httpx.Response) -> Optional[str]:
    """None when the reply is a real answer; else what was wrong."""
    if response.status_code != 200:
        return f"HTTP {response.status_code}"
    body = response.json()
    if target == "api":
        if body.get("degraded"):
            return "degraded reply"
        return None if body.get("messages") else "no messages"
    return None if isinstance(body, list) and body else "empty reply"


async def virtual_user(client: httpx.AsyncClient, target: str, url: str, rng: random.Random,
                       deadline: float, rec: Optional[Recorder]) -> None:
    while time.monotonic() < deadline:
        # The API issues its own (signed) session ids: the first turn asks for one.
        session = None if target == "api" else uuid.uuid4().hex
        for text in rng.choice(CONVERSATIONS):
            if time.monotonic() >= deadline:
                return
            if target == "api":
                # A button ("/intent") sends its payload in a field of its own.
                body = {"payload": text} if text.startswith("/") else {"message": text}
                if session:
                    body["session_id"] = session
            else:
                body = {"sender": session, "message": text}
            started = time.perf_counter()
            try:
                response = await client.post(url, json=body)
                problem = valid(target, response)
                if target == "api" and not problem:
                    session = response.json()["session_id"]
            except httpx.HTTPError as exc:
                problem = type(exc).__name__
            elapsed = time.perf_counter() - started
            if rec is None or time.monotonic() > deadline:
                continue  # warm-up, or finished after the window closed: not counted
            if problem:
                rec.error(problem)
            else:
                rec.latencies.append(elapsed)


async def load(target: str, base: str, concurrency: int, duration: float, seed: int,
               rec: Optional[Recorder]) -> float:
    url = f"{base}/api/v1/chat" if target == "api" else f"{base}/webhooks/rest/webhook"
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(timeout=30.0, limits=limits) as client:
        started = time.monotonic()
        deadline = started + duration
        await asyncio.gather(*[
            virtual_user(client, target, url, random.Random(seed * 1000 + i), deadline, rec)
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


def run_one(target: str, service: Service, helpers: List[Service], watch: MemoryWatch, concurrency: int,
            duration: float, seed: int) -> dict:
    """helpers: the other processes a turn uses (action server; Redis for this API)."""
    watch.reset()
    rec = Recorder()
    measured = [service, *helpers]
    cpu_before = [tree_cpu(s) for s in measured]
    elapsed = asyncio.run(load(target, service.url, concurrency, duration, seed, rec))
    cpu_after = [tree_cpu(s) for s in measured]
    turns = len(rec.latencies)
    cpu = {("server" if s is service else s.name): round((a - b) * 1000 / turns, 1) if turns else None
           for s, a, b in zip(measured, cpu_after, cpu_before)}
    return {
        "target": target,
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
    return (f"  {r['target']:<4} c={r['concurrency']:<3} {r['turns_per_s']:6.1f} turns/s  p50 {r['p50_ms']:6.1f} ms  "
            f"p95 {r['p95_ms']:6.1f} ms  p99 {r['p99_ms']:6.1f} ms  errors {r['errors']}"
            f"{' ' + json.dumps(r['error_kinds']) if r['errors'] else ''}  "
            f"CPU ms/turn {cpu['server']} ({helpers})  peak RSS/process MB [{rss}]")


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--duration", type=float, default=float(os.environ.get("BENCH_DURATION", 20)),
                        help=f"seconds per target and concurrency (default 20, at most {MAX_DURATION:.0f})")
    parser.add_argument("--concurrency", default=os.environ.get("BENCH_CONCURRENCY", "1,10,50"),
                        help="comma-separated closed-loop concurrencies (default 1,10,50)")
    parser.add_argument("--workers", type=int, default=int(os.environ.get("BENCH_WORKERS", 2)),
                        help="uvicorn workers for this API (default 2, one per core here)")
    parser.add_argument("--warmup", type=float, default=float(os.environ.get("BENCH_WARMUP", 5)),
                        help="seconds of uncounted load per target before measuring (default 5)")
    parser.add_argument("--store", choices=("auto", "memory", "redis"), default=os.environ.get("BENCH_STORE", "auto"),
                        help="this API's conversation store: auto = Redis when workers > 1 (several "
                             "workers need a shared store to keep conversations), else memory")
    parser.add_argument("--targets", default="api,rasa", help="which targets (default api,rasa)")
    parser.add_argument("--out", default=str(ROOT / "results" / "bench.json"))
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)

    duration = min(max(args.duration, 1.0), MAX_DURATION)
    warmup = min(max(args.warmup, 0.0), 30.0)
    levels = [min(max(int(c), 1), MAX_CONCURRENCY) for c in args.concurrency.split(",") if c.strip()]
    targets = [t for t in args.targets.split(",") if t in TARGETS]
    store = args.store if args.store != "auto" else ("redis" if args.workers > 1 else "memory")
    if not MODEL.exists():
        print(f"no trained model at {MODEL}: run `make model` first", file=sys.stderr)
        return 2
    logs = ROOT / "results" / "bench-logs"
    load_before = os.getloadavg()
    print(f"bench: {os.cpu_count()} cores, load average "
          f"{load_before[0]:.2f} {load_before[1]:.2f} {load_before[2]:.2f}; Python {platform.python_version()}; "
          f"{duration:.0f} s per run, concurrency {levels}, warm-up {warmup:.0f} s; API: {args.workers} uvicorn "
          f"worker(s), conversations in {store}, rate limits off", flush=True)
    if load_before[0] > 0.5:
        print("bench: note: the machine is not idle; other processes share these cores", flush=True)

    # Both targets load this copy, so a model retrained meanwhile cannot make them differ.
    logs.mkdir(parents=True, exist_ok=True)
    model = logs / "model.tar.gz"
    shutil.copyfile(MODEL, model)
    services: Dict[str, Service] = {}
    started: List[Service] = []
    results: dict = {"runs": [], "cold_start_s": {}}
    try:
        actions = start_action_server(logs)
        started.append(actions)
        actions.wait_ready("/health", timeout=120)
        print(f"bench: action server ready in {actions.ready_after:.1f} s", flush=True)
        store_settings = {}
        if "api" in targets and store == "redis":
            redis = start_redis(logs)
            started.append(redis)
            store_settings = {"redis_url": redis.url, "client_key_secret": uuid.uuid4().hex,
                              "session_secret": uuid.uuid4().hex}
            print(f"bench: redis-server ready in {redis.ready_after:.1f} s", flush=True)
        # One at a time, so each cold start has the machine to itself.
        if "api" in targets:
            api = start_api(logs, f"{actions.url}/webhook", "api", workers=args.workers,
                            rate_limit_per_session="0", rate_limit_per_client="0", model_path=str(model), **store_settings)
            started.append(api)
            api.wait_ready("/readyz", timeout=300, log_marker="Application startup complete.", marker_count=args.workers)
            services["api"] = api
            print(f"bench: api ready in {api.ready_after:.1f} s ({args.workers} workers)", flush=True)
        if "rasa" in targets:
            rasa = start_rasa(logs, f"{actions.url}/webhook", model=model)
            started.append(rasa)
            rasa.wait_ready("/webhooks/rest/", timeout=300)
            services["rasa"] = rasa
            print(f"bench: rasa run ready in {rasa.ready_after:.1f} s", flush=True)
        results["cold_start_s"] = {t: round(s.ready_after, 1) for t, s in services.items()}
        results["cold_start_peak_rss_mb"] = {t: per_process_mb(s) for t, s in services.items()}

        watch = MemoryWatch(started)
        watch.thread.start()
        for target, service in services.items():
            if warmup:
                asyncio.run(load(target, service.url, 10, warmup, args.seed + 99, None))
        helpers = {"api": [s for s in started if s.name in ("actions", "redis")], "rasa": [actions]}
        for level in levels:
            for target, service in services.items():
                run = run_one(target, service, helpers[target], watch, level, duration, args.seed)
                results["runs"].append(run)
                print(fmt_run(run), flush=True)
        watch.stop.set()
        results["peak_rss_mb"] = {t: per_process_mb(s, overall=True) for t, s in services.items()}
        results["peak_rss_mb"]["action_server"] = round(max(actions.overall_peak_rss.values(), default=0) / 2**20, 1)
    finally:
        for service in reversed(started):
            service.stop()

    by = {(r["target"], r["concurrency"]): r for r in results["runs"]}
    ratios = {}
    for level in levels:
        a, b = by.get(("api", level)), by.get(("rasa", level))
        if a and b and b["turns_per_s"]:
            ratios[level] = round(a["turns_per_s"] / b["turns_per_s"], 2)
    results["ratio_api_over_rasa"] = ratios
    results["load_average_before"] = [round(x, 2) for x in load_before]
    results["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    results["settings"] = {"duration_s": duration, "concurrency": levels, "api_workers": args.workers,
                           "api_store": store, "warmup_s": warmup,
                           "cores": os.cpu_count(), "python": platform.python_version()}

    for level, ratio in ratios.items():
        print(f"  ratio api/rasa at c={level}: {ratio:.2f}x")
    print("  cold start (process start -> ready): " + ", ".join(f"{t} {v:.1f} s" for t, v in results["cold_start_s"].items()))
    peaks = results.get("peak_rss_mb", {})
    print("  peak RSS per process over all runs (MB): " + "; ".join(
        f"{t} [{', '.join(f'{v:.0f}' for v in peaks[t].values())}]" for t in services if t in peaks)
        + f"; action server {peaks.get('action_server', 0):.0f}")

    target_level = 10 if 10 in levels else levels[len(levels) // 2]
    a10 = by.get(("api", target_level))
    checks = {}
    if a10:
        checks = {
            "throughput >= 2x rasa run": ratios.get(target_level, 0) >= 2.0,
            "p95 <= 250 ms": a10["p95_ms"] <= 250,
            "no errors": a10["errors"] == 0,
            "cold start <= 20 s": results["cold_start_s"].get("api", 1e9) <= 20,
        }
    results["targets_at_concurrency"] = target_level
    results["targets_met"] = checks
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
    rss = {t: max(v.values(), default=0) for t, v in results.get("peak_rss_mb", {}).items() if isinstance(v, dict)}
    summary = (
        f"SUMMARY api({args.workers} workers, {store})/rasa run: " + "; ".join(pair(level) for level in levels)
        + "; cold start " + "/".join(f"{results['cold_start_s'].get(t, float('nan')):.1f}" for t in ("api", "rasa")) + " s"
        + "; peak RSS/process " + "/".join(f"{rss.get(t, 0):.0f}" for t in ("api", "rasa")) + " MB"
        + f"; targets@c={target_level}: " + ", ".join(f"{k} {'OK' if v else 'MISSED'}" for k, v in checks.items())
    )
    print(summary, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
