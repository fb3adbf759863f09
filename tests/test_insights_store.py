"""The insights counts as stored: only (school, ISO week, measure, value, n), nothing
else; two years kept, deleted a whole month at a time; the periods a page may release."""
import re
import time
from datetime import date, datetime, timezone

import pytest

from bot.domain import taxonomy
from bot.insights import periods
from bot.insights.record import AGE_BANDS, AUDIENCES, RISKS, Summary, increments
from bot.insights.recorder import Insights
from bot.insights.schools import Schools, token_hash
from bot.insights.store import PRUNE_EVERY_SECONDS, SQLiteCounts, deletion_time

WEEK = re.compile(r"^\d{4}-W\d{2}$")
ALLOWED_VALUES = {
    "conversations": {""}, "exits": {""}, "risk": set(RISKS), "audience": set(AUDIENCES), "age": set(AGE_BANDS),
    "opened": {"service"}, "topic": set(taxonomy.topic_ids()),
    "topic_age": {f"{t}|{b}" for t in taxonomy.topic_ids() for b in AGE_BANDS},
}


def schools() -> Schools:
    return Schools.parse({"schools": [
        {"id": "hillview", "name": "Hillview Academy", "origin": "https://hillview.example.org", "token_sha256": token_hash("h")},
        {"id": "burnside", "name": "Burnside Primary", "origin": "https://burnside.example.org", "token_sha256": token_hash("b")}]})


def check_rows(rows):
    """Every stored row: the five columns and values from fixed lists only."""
    assert rows[0] == ("school", "week", "measure", "value", "n")
    for school, week, measure, value, n in rows[1:]:
        assert school in ("*", "hillview", "burnside"), school
        assert WEEK.match(week), week
        assert value in ALLOWED_VALUES[measure], (measure, value)
        assert isinstance(n, int) and n > 0


@pytest.mark.fast
def test_stored_rows_hold_counts_only_no_text_no_session_id_no_time_of_day(tmp_path):
    clock = [datetime(2026, 11, 18, 14, 37, 12, tzinfo=timezone.utc)]
    insights = Insights(SQLiteCounts(tmp_path / "c.sqlite3"), schools(), lambda: clock[0])
    urgent = Summary(school="hillview", topics=frozenset({"image_sharing", "grooming"}), risk="urgent",
                     audience="young_person", age="13_15", opened=True)
    insights.ended(urgent.dumps(), deleted=False)
    insights.ended(Summary(school="burnside", topics=frozenset({"bullying"})).dumps(), deleted=True)
    insights.ended(Summary(school="not-listed", topics=frozenset({"bullying"})).dumps(), deleted=False)
    rows = insights.store.rows()
    check_rows(rows)
    stored = repr(rows)
    for absent in ("14:37", ":37", "2026-11-18", "18", "not-listed", "https://", "example.org"):
        assert absent not in stored, absent  # no time, no day, no origin, no unlisted school id
    by_school = {}
    for school, week, measure, value, n in rows[1:]:
        by_school.setdefault(school, set()).add((week, measure, value, n))
    # The deleted conversation: only that an exit happened, nothing of its topics.
    assert by_school["burnside"] == {("2026-W47", "exits", "", 1)}
    assert ("2026-W47", "topic", "image_sharing", 1) in by_school["hillview"]
    assert ("2026-W47", "topic_age", "grooming|13_15", 1) in by_school["hillview"]
    # A conversation from no listed school is only in the all-schools counts.
    assert ("2026-W47", "topic", "bullying", 1) in by_school["*"] and "not-listed" not in by_school
    # The file itself: one table, five columns.
    import sqlite3
    db = sqlite3.connect(tmp_path / "c.sqlite3")
    assert [r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")] == ["counts"]
    assert [r[1] for r in db.execute("PRAGMA table_info(counts)")] == ["school", "week", "measure", "value", "n"]


@pytest.mark.fast
def test_counts_older_than_two_years_are_deleted_a_whole_month_at_a_time(tmp_path):
    store = SQLiteCounts(tmp_path / "c.sqlite3")
    for week in ("2024-W44", "2024-W45", "2024-W48", "2024-W49", "2025-W01", "2026-W49"):
        store.add("hillview", week, increments(Summary(topics=frozenset({"bullying"})), False), today=date(2026, 12, 1))
    months_before = {periods.month_of_week(w) for _, w, *_ in store.rows()[1:]}
    assert "2024-11" in months_before
    gone = store.prune(date(2026, 12, 7))  # December 2026: November 2024 is more than 24 months old
    weeks = {w for _, w, *_ in store.rows()[1:]}
    assert gone > 0 and weeks == {"2024-W49", "2025-W01", "2026-W49"}  # all of November 2024 went, December stays
    assert periods.month_of_week("2024-W49") == "2024-12"
    store.prune(date(2027, 1, 4))
    assert {w for _, w, *_ in store.rows()[1:]} == {"2025-W01", "2026-W49"}
    # Redis deletes by itself at the same moment (EXPIREAT): the first day of the 25th month after.
    assert deletion_time("2024-W49") == int(datetime(2027, 1, 1, tzinfo=timezone.utc).timestamp())


@pytest.mark.fast
def test_adding_counts_prunes_old_months_by_itself(tmp_path):
    store = SQLiteCounts(tmp_path / "c.sqlite3")
    store.add("hillview", "2023-W10", increments(Summary(), False), today=date(2023, 3, 8))
    store._pruned_at = time.monotonic() - PRUNE_EVERY_SECONDS - 1  # as if an hour had passed
    store.add("hillview", "2026-W49", increments(Summary(), False), today=date(2026, 12, 2))
    assert {w for _, w, *_ in store.rows()[1:]} == {"2026-W49"}


@pytest.mark.fast
def test_weeks_belong_to_the_month_of_their_thursday_and_months_are_released_once_complete():
    assert periods.weeks_of_month("2026-11") == ["2026-W45", "2026-W46", "2026-W47", "2026-W48"]
    assert periods.month_of_week("2026-W44") == "2026-10"  # 26 Oct to 1 Nov: its Thursday is 29 Oct
    every = [w for m in ("2026-%02d" % i for i in range(1, 13)) for w in periods.weeks_of_month(m)]
    assert len(every) == len(set(every)) == 53 and every[0] == "2026-W01"
    assert periods.month_complete_on("2026-11") == date(2026, 12, 1)
    assert periods.released_months(date(2026, 11, 30), 2) == ["2026-09", "2026-10"]
    assert periods.released_months(date(2026, 12, 1), 2) == ["2026-10", "2026-11"]


@pytest.mark.fast
def test_the_schools_file_is_checked_and_tokens_are_only_kept_hashed(tmp_path):
    found = schools()
    assert found.school_of_origin("https://hillview.example.org/") == "hillview"
    assert found.school_of_origin("https://evil.example.org") == "" and found.school_of_origin(None) == ""
    assert found.access("h").school.id == "hillview" and found.access("b").school.id == "burnside"
    assert found.access("x") is None and found.access("") is None and found.access(None) is None
    with pytest.raises(ValueError, match="token_sha256"):
        Schools.parse({"schools": [{"id": "a", "name": "A", "origin": "https://a.example.org", "token_sha256": "plain-token"}]})
    with pytest.raises(ValueError, match="share a token"):
        Schools.parse({"schools": [{"id": "a", "name": "A", "origin": "https://a.example.org", "token_sha256": token_hash("t")},
                                   {"id": "b", "name": "B", "origin": "https://b.example.org", "token_sha256": token_hash("t")}]})
    from bot import ROOT
    example = Schools.load(ROOT / "deploy" / "schools.example.yml")
    assert example.by_id and example.operator_sha256
