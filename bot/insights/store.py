"""Where the counts live: SQLite (the embedded default, a file under var/) or Redis (when
SIGNPOST_REDIS_URL is set: every replica adds to the same counts).

A count is (school, ISO week, measure, value) → n. Every ended conversation adds 1 to its
counters (bot/insights/record.py) under its school and under "*" (all schools together, so the
operator's page does not add up 500 schools). A conversation from no listed school is only in "*".
Nothing else is stored: no text, no session id, no time of day.

Counts are kept for two years, whole months at a time (bot/insights/periods.py): SQLite deletes
older weeks at most once an hour when counts are added (and whenever prune() is called); in Redis
each (school, week) hash expires by itself at the end of its month's retention.
"""
import sqlite3
import threading
import time
from collections import defaultdict
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Tuple

from bot.insights import periods
from bot.insights.record import Counter
from bot.insights.schools import ALL_SCHOOLS

Counts = Dict[str, Dict[Counter, int]]  # week -> (measure, value) -> n
PRUNE_EVERY_SECONDS = 3600


def deletion_time(week: str) -> int:
    """Unix time at which a week's counts are deleted: when its month is older than two years."""
    month = periods.add_months(periods.month_of_week(week), periods.KEPT_MONTHS + 1)
    start = periods.month_start(month)
    return int(datetime(start.year, start.month, 1, tzinfo=timezone.utc).timestamp())


class SQLiteCounts:
    SCHEMA = """
    CREATE TABLE IF NOT EXISTS counts (
        school TEXT NOT NULL,
        week TEXT NOT NULL,
        measure TEXT NOT NULL,
        value TEXT NOT NULL,
        n INTEGER NOT NULL,
        PRIMARY KEY (school, week, measure, value)
    ) WITHOUT ROWID;
    CREATE INDEX IF NOT EXISTS counts_week ON counts (week);
    """

    def __init__(self, path, today=None):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(str(self.path), check_same_thread=False, timeout=10, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._db.executescript(self.SCHEMA)
        # None: never pruned by this process (monotonic time starts near 0 at boot, so 0.0 would
        # read as "just now" on a machine up for less than an hour)
        self._pruned_at: Optional[float] = None

    def add(self, school: str, week: str, counters: List[Counter], today: Optional[date] = None) -> None:
        rows = [(s, week, measure, value) for s in ({ALL_SCHOOLS, school} - {""}) for measure, value in counters]
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                self._db.executemany(
                    "INSERT INTO counts (school, week, measure, value, n) VALUES (?, ?, ?, ?, 1) "
                    "ON CONFLICT (school, week, measure, value) DO UPDATE SET n = n + 1", rows)
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
        if self._pruned_at is None or time.monotonic() - self._pruned_at > PRUNE_EVERY_SECONDS:
            self.prune(today or periods.thursday(week))

    def read(self, school: str, weeks: Iterable[str]) -> Counts:
        weeks = list(weeks)
        found: Counts = defaultdict(dict)
        if not weeks:
            return found
        marks = ",".join("?" * len(weeks))
        with self._lock:
            rows = self._db.execute(
                f"SELECT week, measure, value, n FROM counts WHERE school = ? AND week IN ({marks})",
                [school, *weeks]).fetchall()
        for week, measure, value, n in rows:
            found[week][(measure, value)] = n
        return found

    def prune(self, today: date) -> int:
        """Deletes every week of months older than two years; returns how many counts went."""
        cutoff = periods.first_kept_week(today)
        with self._lock:
            gone = self._db.execute("DELETE FROM counts WHERE week < ?", (cutoff,)).rowcount
        self._pruned_at = time.monotonic()
        return gone

    def rows(self) -> List[Tuple]:
        """Every stored row with its column names first (for inspection and tests)."""
        with self._lock:
            cursor = self._db.execute("SELECT * FROM counts ORDER BY school, week, measure, value")
            return [tuple(d[0] for d in cursor.description)] + cursor.fetchall()

    def close(self) -> None:
        with self._lock:
            self._db.close()


class RedisCounts:
    """One hash per (school, week): "<prefix>:counts:<school>:<week>", field "<measure>:<value>"."""

    def __init__(self, client, prefix: str = "signpost"):
        self.red = client
        self.prefix = prefix

    def key(self, school: str, week: str) -> str:
        return f"{self.prefix}:counts:{school}:{week}"

    def add(self, school: str, week: str, counters: List[Counter], today: Optional[date] = None) -> None:
        expire_at = deletion_time(week)
        with self.red.pipeline(transaction=True) as pipe:
            for s in sorted({ALL_SCHOOLS, school} - {""}):
                key = self.key(s, week)
                for measure, value in counters:
                    pipe.hincrby(key, f"{measure}:{value}", 1)
                pipe.expireat(key, expire_at)
            pipe.execute()

    def read(self, school: str, weeks: Iterable[str]) -> Counts:
        weeks = list(weeks)
        found: Counts = defaultdict(dict)
        with self.red.pipeline(transaction=False) as pipe:
            for week in weeks:
                pipe.hgetall(self.key(school, week))
            for week, fields in zip(weeks, pipe.execute()):
                for field, n in (fields or {}).items():
                    field = field.decode() if isinstance(field, bytes) else field
                    measure, _, value = field.partition(":")
                    found[week][(measure, value)] = int(n)
        return found

    def prune(self, today: date) -> int:
        """Redis deletes old weeks itself (EXPIREAT); nothing to do."""
        return 0

    def rows(self) -> List[Tuple]:
        rows = [("school", "week", "measure", "value", "n")]
        for key in sorted(self.red.scan_iter(match=f"{self.prefix}:counts:*", count=1000)):
            key = key.decode() if isinstance(key, bytes) else key
            _, _, school, week = key.rsplit(":", 3)
            for field, n in sorted(self.red.hgetall(key).items()):
                field = field.decode() if isinstance(field, bytes) else field
                measure, _, value = field.partition(":")
                rows.append((school, week, measure, value, int(n)))
        return rows

    def close(self) -> None:
        pass


def by_month(counts: Counts) -> Dict[str, Dict[Counter, int]]:
    months: Dict[str, Dict[Counter, int]] = defaultdict(lambda: defaultdict(int))
    for week, counters in counts.items():
        month = months[periods.month_of_week(week)]
        for counter, n in counters.items():
            month[counter] += n
    return months
