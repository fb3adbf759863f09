"""The insights service of one process: the counts store, the schools, and a clock.

- `ended(summary, deleted)` is what the tracker stores call when a conversation ends (the
  gateway wires it into their Ending hook, api/main.py): the ISO week comes from this clock, at
  the time of counting, never from a request; it adds the conversation's counters.
- `report(scope, months)` is what a page releases (bot/insights/report.py).

The clock is the real UTC time; a simulation (tooling/insights_sim.py) may give another one, to
spread a term of conversations over past weeks. Nothing a request says can change it.
"""
import logging
from typing import Optional, Sequence

from bot.insights import periods, report
from bot.insights.periods import Clock, utc_now
from bot.insights.record import Summary, increments
from bot.insights.schools import ALL_SCHOOLS, Schools
from bot.insights.store import RedisCounts, SQLiteCounts, by_month
from bot.runtime.settings import Settings

log = logging.getLogger("bot.insights")


class Insights:
    def __init__(self, store, schools: Schools, clock: Optional[Clock] = None):
        self.store = store
        self.schools = schools
        self.clock = clock or utc_now

    @classmethod
    def from_settings(cls, settings: Settings, clock: Optional[Clock] = None, key_prefix: str = "signpost") -> "Insights":
        schools = Schools.load(settings.schools_file)
        if settings.redis_url:
            import redis

            client = redis.Redis.from_url(settings.redis_url, decode_responses=True,
                                          socket_timeout=2.0, socket_connect_timeout=2.0)
            store = RedisCounts(client, key_prefix)
        else:
            store = SQLiteCounts(settings.insights_db)
        missing = [s.origin for s in schools.by_id.values() if s.origin not in settings.cors_origins]
        if missing:
            log.warning("schools whose origin is not in SIGNPOST_CORS_ORIGINS (their pages cannot use the "
                        "assistant): %s", ", ".join(missing))
        return cls(store, schools, clock)

    def today(self):
        return self.clock().date()

    def ended(self, summary: str, deleted: bool) -> None:
        found = Summary.loads(summary)
        school = found.school if found.school in self.schools.by_id else ""
        today = self.today()
        self.store.add(school, periods.week_of(today), increments(found, deleted), today=today)

    def school_of_origin(self, origin: Optional[str]) -> str:
        return self.schools.school_of_origin(origin)

    def months(self, count: int) -> Sequence[str]:
        return periods.released_months(self.today(), count)

    def report(self, scope: str, months: Sequence[str]) -> report.Report:
        weeks = [w for m in months for w in periods.weeks_of_month(m)]
        counts = by_month(self.store.read(scope, weeks))
        name = "All schools" if scope == ALL_SCHOOLS else self.schools.name_of(scope)
        return report.build(name, list(months), counts)

    def prune(self) -> int:
        return self.store.prune(self.today())

    def close(self) -> None:
        self.store.close()
