"""Disclosure control of released insights: fewer than 5, rounding to 5, secondary
suppression, totals only under 20 conversations a month, months not weeks, and differencing
attacks with an exact integer solver (tests/insights_attack.py) on every released table, read
back from the CSV exactly as a school would download it."""
import csv
import io
import random
import re
from collections import Counter

import pytest

from bot.domain import taxonomy
from bot.insights import disclosure, report
from bot.insights.disclosure import Cell, protect
from bot.insights.record import AGE_BANDS, Summary, increments
from tests.insights_attack import attack, read_csv

pytestmark = pytest.mark.fast
TOPICS = taxonomy.topic_ids()
WEEK = re.compile(r"\bW\d{1,2}\b|\d{4}-W\d{2}|week", re.I)
MONTHS = ["2026-08", "2026-09", "2026-10", "2026-11"]


def month_counts(rng: random.Random, n: int, kind: str) -> dict:
    """n ended conversations and a few exits, drawn to make small cells: a spread month, or one
    where nearly everyone is the same audience, age and topic (the hardest to protect)."""
    counts = Counter()
    audiences = ["young_person", "parent", "professional", "unknown"]
    if kind == "concentrated":
        audiences = rng.sample(audiences, 1)
        ages = rng.sample(AGE_BANDS, rng.choice([1, 2]))
        hot = rng.sample(TOPICS, 1)
    else:
        ages = list(AGE_BANDS)
        hot = rng.sample(TOPICS, 3)
    for _ in range(n):
        spread = rng.random() < (0.1 if kind == "concentrated" else 0.4)
        topics = set(rng.sample(TOPICS, rng.choice([1, 2]))) if spread else set(rng.sample(hot, 1))
        summary = Summary(school="a", topics=frozenset(topics),
                          risk=rng.choice(["none", "none", "concern", "urgent"]),
                          audience=rng.choice(audiences) if not spread else rng.choice(["young_person", "parent", "professional", "unknown"]),
                          age=rng.choice(ages) if not spread else rng.choice(AGE_BANDS), opened=rng.random() < 0.3)
        counts.update(increments(summary, deleted=False))
    for _ in range(rng.randint(0, 7)):
        counts.update(increments(Summary(), deleted=True))
    return dict(counts)


def released(seed: int):
    rng = random.Random(seed)
    counts = {}
    for month in MONTHS:
        n = rng.choice([rng.randint(0, 19), rng.randint(20, 30), rng.randint(20, 30), rng.randint(31, 120)])
        counts[month] = month_counts(rng, n, rng.choice(["spread", "concentrated"]))
    return report.build("Test school", MONTHS, counts)


def downloaded(found):
    """The CSV as a school downloads it, parsed back."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(report.csv_rows(found))
    return list(csv.reader(io.StringIO(out.getvalue())))


def test_small_counts_say_fewer_than_5_and_others_are_rounded_to_5():
    assert [Cell.of(n).text for n in range(0, 5)] == ["fewer than 5"] * 5
    assert [Cell.of(n).text for n in (5, 6, 7, 8, 12, 13, 22, 23, 1234)] == ["5", "5", "5", "10", "10", "15", "20", "25", "1235"]
    for n in range(5, 300):
        low, high = disclosure.interval_of_text(Cell.of(n).text)
        assert low <= n <= high and high - low <= 4


def test_without_secondary_suppression_the_attacker_finds_a_small_count_and_with_it_cannot():
    # A total of 8 (shown as 10: 8 to 12) made of two counts of 4: each "fewer than 5" alone,
    # but together they must be 4 and 4.
    def cells():
        return {("t",): Cell.of(8), ("a",): Cell.of(4), ("b",): Cell.of(4)}
    links = [(("t",), [("a",), ("b",)])]
    plain = cells()
    bounds = disclosure.bounds_of(plain, links, [])
    assert bounds[("a",)][0] == 4 and bounds[("b",)][0] == 4  # primary suppression alone: disclosed
    safe = cells()
    assert protect(safe, links) >= 1
    bounds = disclosure.bounds_of(safe, links, [])
    assert bounds[("a",)][0] == 0 and bounds[("b",)][0] == 0
    assert {c.text for c in safe.values()} <= {"10", "hidden", "fewer than 5"}


def test_a_month_with_fewer_than_20_conversations_shows_only_its_totals():
    counts = month_counts(random.Random(1), 19, "spread")
    found = report.build("S", ["2026-11"], {"2026-11": counts})
    month = found.months[0]
    assert not month.detail and set(month.cells) == {("conversations",), ("exits",)}
    for table in found.tables:
        for heading, values in table.rows:
            if heading not in ("Conversations", "Ended early with End chat or Exit this page"):
                assert values == ["not shown"], (table.title, heading)
    assert not [t for t in found.tables if t.id.startswith("topic-age-")]
    assert "fewer than 20" in found.summary[0]


def test_releases_are_by_month_never_by_week():
    found = released(3)
    rows = downloaded(found)
    assert rows[0] == ["scope", "table", "row", "column", "value"]
    headings = {report.month_heading(m) for m in MONTHS}
    for scope, table, row, column, value in rows[1:]:
        if table == "Summary":
            assert "week" not in value.lower() and not WEEK.search(value)
            continue
        assert not WEEK.search(column) and not WEEK.search(row) and not WEEK.search(table), (table, row, column)
        if table != "Summary" and not table.startswith("Topics by age band"):
            assert column in headings
        if table.startswith("Topics by age band, "):
            assert table[len("Topics by age band, "):] in headings


@pytest.mark.parametrize("seed", range(12))
def test_no_small_count_can_be_worked_out_from_any_released_table_or_the_csv(seed):
    found = released(seed)
    shown = read_csv(downloaded(found))
    for month in found.months:
        bounds = attack(shown[report.month_heading(month.month)])
        for key, cell in month.cells.items():
            if key == ("exits",):
                continue
            low, high = bounds[key]
            assert low <= cell.true <= high, (key, cell)  # the attacker's model is right ...
            if cell.true < 5:  # ... and cannot show any small count to be 1 or more
                assert low == 0, (seed, month.month, key, cell.true, cell.text, bounds[key])


def test_the_summary_is_made_from_the_released_cells_only():
    """Counts that release the same cells give the same summary, word for word."""
    rng = random.Random(11)
    base = month_counts(rng, 80, "spread")
    other = dict(base)
    # Move counts within their rounding ranges: 1 more where that keeps the shown value.
    for key, n in base.items():
        if n >= 5 and disclosure.rounded(n + 1) == disclosure.rounded(n) and key[0] == "topic_age":
            other[key] = n + 1
            topic = ("topic", key[1].split("|")[0])
            if disclosure.rounded(base[topic] + 1) == disclosure.rounded(base[topic]):
                other[topic] = base[topic] + 1
            else:
                other[key] = n
    a = report.build("S", ["2026-10", "2026-11"], {"2026-10": base, "2026-11": base})
    b = report.build("S", ["2026-10", "2026-11"], {"2026-10": base, "2026-11": other})
    if report.csv_rows(a)[4:] == report.csv_rows(b)[4:]:
        assert a.summary == b.summary


def test_the_summary_names_the_most_common_worry_by_age_band_and_its_trend():
    def month(n_image, n_bully):
        counts = Counter()
        for _ in range(n_image):
            counts.update(increments(Summary(topics=frozenset({"image_sharing"}), age="13_15", audience="young_person"), False))
        for _ in range(n_bully):
            counts.update(increments(Summary(topics=frozenset({"bullying"}), age="13_15", audience="young_person"), False))
        return dict(counts)
    found = report.build("S", ["2026-10", "2026-11"], {"2026-10": month(10, 20), "2026-11": month(30, 15)})
    assert "Nudes or images shared was the most common worry among 13–15s in November, up from about 10 in October." in found.summary
    assert found.summary[0].startswith("Nudes or images shared was the most common worry in November (about 30 conversations), up from about 10")
