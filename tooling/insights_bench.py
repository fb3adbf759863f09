"""Timing of the insights page with a year of counts for 500 schools.

    make insights-bench          (python -m tooling.insights_bench)

Fills a fresh SQLite counts file (results/insights-bench/counts.sqlite3) with 53 weeks
(December 2025 to November 2026) for 500 schools, about 20 conversations a school a week with
topics, risk, audience, age bands and card opens drawn at random (added up per week, as the
recorder would have), then times, through the real gateway (create_app, no model needed for the
page): the operator's page for all schools over 12 months, a school's page over 12 months and
over 6 months, and a school's CSV. Writes results/insights_bench.json with the median and 95th
percentile of each, the size of the file and the load average before and after.
"""
import argparse
import json
import os
import random
import statistics
import time
from collections import Counter
from datetime import date, datetime, timezone
from pathlib import Path

from bot import ROOT
from bot.domain import taxonomy
from bot.insights import periods
from bot.insights.record import AGE_BANDS, Summary, increments
from bot.insights.schools import token_hash
from bot.insights.store import SQLiteCounts

TODAY = datetime(2026, 12, 7, 12, tzinfo=timezone.utc)
MONTHS = [periods.add_months("2025-12", i) for i in range(12)]


def fill(store: SQLiteCounts, schools: int, seed: int = 5) -> int:
    rng = random.Random(seed)
    topics = taxonomy.topic_ids()
    weeks = [w for m in MONTHS for w in periods.weeks_of_month(m)]
    rows = 0
    for s in range(schools):
        school = f"school-{s:03d}"
        size = rng.choice([4, 10, 20, 40])
        batch = []
        for week in weeks:
            counts = Counter()
            for _ in range(max(0, int(rng.gauss(size, size / 3)))):
                summary = Summary(school=school, topics=frozenset(rng.sample(topics, rng.choice([0, 1, 1, 2]))),
                                  risk=rng.choice(["none", "none", "concern", "urgent"]),
                                  audience=rng.choice(["young_person", "young_person", "parent", "professional", "unknown"]),
                                  age=rng.choice(AGE_BANDS), opened=rng.random() < 0.3)
                counts.update(increments(summary, deleted=rng.random() < 0.05))
            batch += [(sc, week, m, v, n) for (m, v), n in counts.items() for sc in (school, "*")]
        with store._lock:
            store._db.execute("BEGIN")
            store._db.executemany(
                "INSERT INTO counts VALUES (?, ?, ?, ?, ?) ON CONFLICT (school, week, measure, value) "
                "DO UPDATE SET n = n + excluded.n", batch)
            store._db.execute("COMMIT")
        rows += len(batch)
    return rows


def timed(call, repeat: int):
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = call()
        times.append(time.perf_counter() - started)
        assert response.status_code == 200, response.status_code
    times.sort()
    return {"median_ms": round(statistics.median(times) * 1000, 1),
            "p95_ms": round(times[max(0, int(len(times) * 0.95) - 1)] * 1000, 1),
            "max_ms": round(times[-1] * 1000, 1), "runs": repeat, "bytes": len(response.content)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--schools", type=int, default=500)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--out", default=str(ROOT / "results" / "insights_bench.json"))
    args = parser.parse_args()
    where = ROOT / "results" / "insights-bench"
    where.mkdir(parents=True, exist_ok=True)
    for old in where.glob("counts.sqlite3*"):
        old.unlink()
    load_before = os.getloadavg()
    store = SQLiteCounts(where / "counts.sqlite3")
    started = time.perf_counter()
    rows = fill(store, args.schools)
    fill_seconds = time.perf_counter() - started
    store.close()
    lines = [f"operator: {{token_sha256: {token_hash('bench-operator')}}}", "schools:"]
    origin = "https://{}.example.org"
    lines += [f'  - {{id: school-{s:03d}, name: "School {s:03d}", origin: "{origin.format(f"school-{s:03d}")}", '
              f"token_sha256: {token_hash(f'bench-{s:03d}')}}}" for s in range(args.schools)]
    (where / "schools.yml").write_text("\n".join(lines) + "\n", encoding="utf-8")

    from fastapi.testclient import TestClient

    from api.main import create_app
    from bot.runtime.settings import Settings

    app = create_app(Settings(schools_file=str(where / "schools.yml"), insights_db=str(where / "counts.sqlite3")),
                     insights_clock=lambda: TODAY)
    client = TestClient(app)  # no lifespan: the page needs no model
    operator = {"Authorization": "Bearer bench-operator"}
    school = {"Authorization": "Bearer bench-007"}
    first = timed(lambda: client.get("/insights?months=12", headers=operator), 1)
    results = {
        "operator_all_schools_12_months": timed(lambda: client.post("/insights", data={"token": "bench-operator", "months": "12"}), args.repeat),
        "school_12_months": timed(lambda: client.post("/insights", data={"token": "bench-007", "months": "12"}), args.repeat),
        "school_6_months": timed(lambda: client.get("/insights", headers=school), args.repeat),
        "school_csv_12_months": timed(lambda: client.post("/insights.csv", data={"token": "bench-007", "months": "12"}), args.repeat),
        "operator_first_request_ms": first["median_ms"],
    }
    report = {
        "what": "GET/POST /insights through create_app's gateway (TestClient, one process), SQLite counts",
        "schools": args.schools, "weeks": 53, "months_shown": MONTHS, "stored_rows": rows,
        "fill_seconds": round(fill_seconds, 1),
        "file_mb": round(sum(p.stat().st_size for p in where.glob("counts.sqlite3*")) / 1e6, 1),
        "timings": results, "cpus": os.cpu_count(),
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
        "date": date.today().isoformat(),
    }
    Path(args.out).write_text(json.dumps(report, indent=2), encoding="utf-8")
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
