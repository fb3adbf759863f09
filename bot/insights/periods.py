"""ISO weeks (what is stored) and months (what is released).

A week belongs to the month of its Thursday, as an ISO week belongs to the year of its Thursday,
so every week is in exactly one month. A month is released only when it is complete: two days
after the Sunday that ends its last week (a margin for replicas whose clocks differ), so a
released month never changes again and two looks at it, days apart, show the same figures.
"""
from datetime import date, datetime, timedelta, timezone
from typing import Callable, List, Tuple

Clock = Callable[[], datetime]
RELEASE_MARGIN_DAYS = 2
# Counts are kept for two years: a month is deleted once it is more than this many months old.
KEPT_MONTHS = 24


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def week_of(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def thursday(week: str) -> date:
    year, number = week.split("-W")
    return date.fromisocalendar(int(year), int(number), 4)


def month_of_week(week: str) -> str:
    return thursday(week).strftime("%Y-%m")


def month_start(month: str) -> date:
    year, number = month.split("-")
    return date(int(year), int(number), 1)


def add_months(month: str, n: int) -> str:
    start = month_start(month)
    index = start.year * 12 + start.month - 1 + n
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def month_of(day: date) -> str:
    return day.strftime("%Y-%m")


def weeks_of_month(month: str) -> List[str]:
    """The ISO weeks whose Thursday falls in the month, in order."""
    start = month_start(month)
    day = start + timedelta(days=(3 - start.weekday()) % 7)  # the month's first Thursday
    weeks = []
    while month_of(day) == month:
        weeks.append(week_of(day))
        day += timedelta(days=7)
    return weeks


def month_complete_on(month: str) -> date:
    """The first day the month may be released."""
    last_thursday = thursday(weeks_of_month(month)[-1])
    return last_thursday + timedelta(days=3 + RELEASE_MARGIN_DAYS)


def released_months(today: date, count: int) -> List[str]:
    """The last `count` complete months, oldest first."""
    month = month_of(today)
    while month_complete_on(month) > today:
        month = add_months(month, -1)
    return [add_months(month, -i) for i in range(count - 1, -1, -1)]


def oldest_kept_month(today: date) -> str:
    return add_months(month_of(today), -KEPT_MONTHS)


def first_kept_week(today: date) -> str:
    """Weeks before this one are deleted (whole months at a time)."""
    return weeks_of_month(oldest_kept_month(today))[0]


def month_label(month: str, with_year: bool = True) -> str:
    start = month_start(month)
    return start.strftime("%B %Y") if with_year else start.strftime("%B")


def month_short(month: str) -> Tuple[str, str]:
    start = month_start(month)
    return start.strftime("%b"), start.strftime("%Y")
