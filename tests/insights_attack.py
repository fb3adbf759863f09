"""An attacker on released insights: from what a page or its CSV shows, and what anyone knows of
how the tables are linked, the exact smallest and largest true count of each cell, found with an
integer solver (scipy's HiGHS milp), not with the propagation the server uses. Shared by the
insights tests (a module, not a conftest)."""
from typing import Dict, List, Tuple

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, milp

from bot.domain import taxonomy
from bot.insights import report as R

BIG = 10 ** 6


def interval(text: str) -> Tuple[int, int]:
    """Written here again, not imported: what a shown value means to a reader."""
    if text == "fewer than 5":
        return 0, 4
    if text == "hidden":
        return 0, BIG
    value = int(text)
    assert value % 5 == 0 and value >= 5, text
    return max(5, value - 2), value + 2


def month_links(detail: bool):
    N = ("conversations",)
    if not detail:
        return [], []
    topics, bands, audiences = taxonomy.topic_ids(), R.AGE_BANDS, R.AUDIENCES
    eq = [(N, [("audience", a) for a in audiences]), (N, [("age", b) for b in bands])]
    eq += [(("topic", t), [("topic_age", t, b) for b in bands]) for t in topics]
    le = [(("urgent",), N), (("opened",), N)] + [(("topic", t), N) for t in topics]
    le += [(("topic_age", t, b), ("age", b)) for t in topics for b in bands]
    return eq, le


def read_csv(rows: List[List[str]]) -> Dict[str, Dict[Tuple, str]]:
    """CSV rows (as csv_rows or the downloaded file) → month heading → cell key → shown text."""
    topic_of = {R.topic_label(t): t for t in taxonomy.topic_ids()}
    age_of = {v: k for k, v in R.AGE_LABELS.items()}
    audience_of = {v: k for k, v in R.AUDIENCE_LABELS.items()}
    total_of = {label: key for key, label in R.TOTAL_ROWS}
    months: Dict[str, Dict[Tuple, str]] = {}
    for scope, table, row, column, value in rows[1:]:
        if table == "Summary" or value in ("not shown", "–") or total_of.get(row) == "urgent_share":
            continue
        if table == "Conversations each month":
            key, month = (total_of[row],), column
        elif table == "Topics reached, by month":
            key, month = ("topic", topic_of[row]), column
        elif table == "Who was asking, by month":
            key, month = ("audience", audience_of[row]), column
        elif table.startswith("Age band"):
            key, month = ("age", age_of[row]), column
        elif table.startswith("Topics by age band, "):
            key, month = ("topic_age", topic_of[row], age_of[column]), table[len("Topics by age band, "):]
        else:
            raise AssertionError(f"a table the attacker does not know: {table}")
        months.setdefault(month, {})[key] = value
    return months


def attack(shown: Dict[Tuple, str]) -> Dict[Tuple, Tuple[int, int]]:
    """Exact integer bounds of every cell of one month's release (exits stand alone)."""
    detail = ("urgent",) in shown
    eq, le = month_links(detail)
    keys = [k for k in shown if k != ("exits",)]
    index = {k: i for i, k in enumerate(keys)}
    low = np.array([interval(shown[k])[0] for k in keys], dtype=float)
    high = np.array([interval(shown[k])[1] for k in keys], dtype=float)
    n = index[("conversations",)]
    if detail:
        low[n] = max(low[n], 20)
    else:
        high[n] = min(high[n], 19)
    rows, lo, hi = [], [], []
    for total, parts in eq:
        row = np.zeros(len(keys))
        row[index[total]] = 1
        for p in parts:
            row[index[p]] -= 1
        rows.append(row), lo.append(0), hi.append(0)
    for a, b in le:
        row = np.zeros(len(keys))
        row[index[a]], row[index[b]] = 1, -1
        rows.append(row), lo.append(-np.inf), hi.append(0)
    constraints = [LinearConstraint(np.array(rows), lo, hi)] if rows else []
    integrality = np.ones(len(keys))
    bounds = Bounds(low, high)
    found = {}
    for k in keys:
        c = np.zeros(len(keys))
        c[index[k]] = 1
        ends = []
        for sign in (1, -1):
            result = milp(sign * c, constraints=constraints, integrality=integrality, bounds=bounds)
            assert result.status == 0, (k, result.message)  # the truth is always feasible
            ends.append(round(sign * result.fun))
        found[k] = (ends[0], ends[1])
    return found
