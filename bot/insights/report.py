"""What a page of insights releases: for one scope (a school, or all schools for the operator)
and a run of complete months, the tables, their cells as shown, and a plain-English summary.

Per month:
- totals: conversations (ended by expiry) and exits (conversations the person deleted); always;
- when the month has at least 20 conversations: urgent (the highest risk level was urgent),
  opened (a service card's contact was opened), the audience, the age band, each topic, and each
  topic by age band. With fewer than 20, only the totals (the rest says "not shown").
Every cell goes through disclosure control (bot/insights/disclosure.py) with the links between
them: audiences and age bands each add up to the conversations; a topic's age bands add up to
the topic; urgent, opened and each topic are at most the conversations; a topic in an age band
is at most that band. Months are never added up on the page (no column of totals), and the
summary is made from the released cells only, so it says nothing the tables do not.
"""
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence, Tuple

from bot.domain import taxonomy
from bot.insights import periods
from bot.insights.disclosure import HIDDEN, SHOWN, SMALL_STATE, UNBOUNDED, Cell, protect
from bot.insights.record import AGE_BANDS, AUDIENCES, OPENED_SERVICE

MIN_DETAIL = 20  # fewer conversations in a month: only the totals
NOT_SHOWN = "not shown"

AGE_LABELS = {"under_13": "Under 13", "13_15": "13 to 15", "16_18": "16 to 18", "19_plus": "19 and over",
              "unknown": "Age not given"}
AGE_GROUP_WORDS = {"under_13": "under-13s", "13_15": "13–15s", "16_18": "16–18s", "19_plus": "people aged 19 and over"}
AUDIENCE_LABELS = {"young_person": "Young people", "parent": "Parents and carers",
                   "professional": "Teachers and staff", "unknown": "Not said"}
TOTAL_ROWS = (("conversations", "Conversations"),
              ("exits", "Ended early with End chat or Exit this page"),
              ("urgent", "Urgent: the emergency route came first"),
              ("urgent_share", "Share of conversations that were urgent"),
              ("opened", "Opened a service's phone, text or website link"))


def topic_label(topic: str) -> str:
    return taxonomy.topics()[topic]["label"]


@dataclass
class Month:
    month: str
    cells: Dict[Tuple, Cell]
    detail: bool
    hidden_by_links: int = 0

    def text(self, *key) -> str:
        cell = self.cells.get(key)
        return NOT_SHOWN if cell is None else cell.text

    def cell(self, *key) -> Optional[Cell]:
        return self.cells.get(key)


def release_month(month: str, counts: Dict[Tuple[str, str], int]) -> Month:
    n = counts.get(("conversations", ""), 0)
    cells: Dict[Tuple, Cell] = {("conversations",): Cell.of(n), ("exits",): Cell.of(counts.get(("exits", ""), 0))}
    if n < MIN_DETAIL:
        return Month(month, cells, detail=False)
    topics, bands = taxonomy.topic_ids(), AGE_BANDS
    cells[("urgent",)] = Cell.of(counts.get(("risk", "urgent"), 0))
    cells[("opened",)] = Cell.of(counts.get(("opened", OPENED_SERVICE), 0))
    for a in AUDIENCES:
        cells[("audience", a)] = Cell.of(counts.get(("audience", a), 0))
    for b in bands:
        cells[("age", b)] = Cell.of(counts.get(("age", b), 0))
    for t in topics:
        cells[("topic", t)] = Cell.of(counts.get(("topic", t), 0))
        for b in bands:
            cells[("topic_age", t, b)] = Cell.of(counts.get(("topic_age", f"{t}|{b}"), 0))
    equalities, at_most = links(topics, bands)
    hid = protect(cells, equalities, at_most, known=known_bounds(True))
    return Month(month, cells, detail=True, hidden_by_links=hid)


def links(topics: Sequence[str] = None, bands: Sequence[str] = AGE_BANDS):
    """The equalities and inequalities between one month's cells (what anyone can know)."""
    topics = taxonomy.topic_ids() if topics is None else topics
    total = ("conversations",)
    equalities = [(total, [("audience", a) for a in AUDIENCES]), (total, [("age", b) for b in bands])]
    equalities += [(("topic", t), [("topic_age", t, b) for b in bands]) for t in topics]
    at_most = [(("urgent",), total), (("opened",), total)] + [(("topic", t), total) for t in topics]
    at_most += [(("topic_age", t, b), ("age", b)) for t in topics for b in bands]
    return equalities, at_most


def known_bounds(detail: bool):
    """What the page's layout itself tells: details are shown only for 20 conversations or more."""
    return {("conversations",): (MIN_DETAIL, UNBOUNDED) if detail else (0, MIN_DETAIL - 1)}


def urgent_share(m: Month) -> str:
    if not m.detail:
        return NOT_SHOWN
    urgent, total = m.cell("urgent"), m.cell("conversations")
    if urgent.state != SHOWN or total.state != SHOWN or not total.shown:
        return "–"
    return f"about {round(100 * urgent.shown / total.shown)}%"


@dataclass
class Table:
    id: str
    title: str
    columns: List[str]  # column headings (months, or age bands)
    rows: List[Tuple[str, List[str]]]  # (row heading, cells as shown)
    note: str = ""


@dataclass
class Report:
    scope_name: str
    months: List[Month]
    summary: List[str] = field(default_factory=list)
    tables: List[Table] = field(default_factory=list)

    @property
    def any_detail(self) -> bool:
        return any(m.detail for m in self.months)


def build(scope_name: str, months: Sequence[str], counts_by_month: Dict[str, Dict[Tuple[str, str], int]]) -> Report:
    released = [release_month(m, counts_by_month.get(m, {})) for m in months]
    report = Report(scope_name, released)
    report.tables = tables(released)
    report.summary = summary(released)
    return report


def month_heading(month: str) -> str:
    return periods.month_label(month)


def tables(months: List[Month]) -> List[Table]:
    columns = [month_heading(m.month) for m in months]
    totals = []
    for key, label in TOTAL_ROWS:
        if key == "urgent_share":
            totals.append((label, [urgent_share(m) for m in months]))
        else:
            totals.append((label, [m.text(key) for m in months]))
    out = [Table("totals", "Conversations each month", columns, totals)]
    out.append(Table("topics", "Topics reached, by month", columns,
                     [(topic_label(t), [m.text("topic", t) for m in months]) for t in taxonomy.topic_ids()],
                     "A conversation can reach more than one topic, so topics add up to more than the conversations."))
    out.append(Table("audience", "Who was asking, by month", columns,
                     [(AUDIENCE_LABELS[a], [m.text("audience", a) for m in months]) for a in AUDIENCES]))
    out.append(Table("age", "Age band of the child or young person, by month", columns,
                     [(AGE_LABELS[b], [m.text("age", b) for m in months]) for b in AGE_BANDS]))
    for m in months:
        if not m.detail:
            continue
        out.append(Table(f"topic-age-{m.month}", f"Topics by age band, {month_heading(m.month)}",
                         [AGE_LABELS[b] for b in AGE_BANDS],
                         [(topic_label(t), [m.text("topic_age", t, b) for b in AGE_BANDS])
                          for t in taxonomy.topic_ids()]))
    return out


# ---- the summary: made from released cells only ----------------------------------------------

def _largest(m: Month, keys: List[Tuple]) -> Optional[Tuple]:
    """The key whose shown value is larger than every other's, when nothing is hidden among them."""
    cells = [(k, m.cells[k]) for k in keys]
    if any(c.state == HIDDEN for _, c in cells):
        return None
    shown = sorted(((c.shown, k) for k, c in cells if c.state == SHOWN), reverse=True)
    if not shown or (len(shown) > 1 and shown[0][0] == shown[1][0]):
        return None
    return shown[0][1]


def _trend(now: Cell, before: Optional[Cell], before_name: str) -> str:
    if before is None or before.state == HIDDEN:
        return ""
    if before.state == SMALL_STATE:
        return f", up from fewer than 5 in {before_name}" if now.shown >= 10 else ""
    if now.shown > before.shown:
        return f", up from about {before.shown} in {before_name}"
    if now.shown < before.shown:
        return f", down from about {before.shown} in {before_name}"
    return f", about the same as in {before_name}"


def summary(months: List[Month]) -> List[str]:
    detailed = [m for m in months if m.detail]
    if not detailed:
        return ["There were not enough conversations in these months to show more than the totals: "
                "with fewer than 20 in a month, only the number of conversations is shown."]
    m = detailed[-1]
    i = months.index(m)
    before = months[i - 1] if i > 0 and months[i - 1].detail else None
    same_year = before is None or before.month[:4] == m.month[:4]
    name = periods.month_label(m.month, with_year=not same_year) if before else periods.month_label(m.month)
    before_name = periods.month_label(before.month, with_year=not same_year) if before else ""
    out = []
    topic_keys = [("topic", t) for t in taxonomy.topic_ids()]
    top = _largest(m, topic_keys)
    if top:
        cell = m.cells[top]
        out.append(f"{topic_label(top[1])} was the most common worry in {name} "
                   f"(about {cell.shown} conversations){_trend(cell, before.cells.get(top) if before else None, before_name)}.")
    bands = [("age", b) for b in AGE_BANDS if b != "unknown"]
    shown_bands = sorted(((m.cells[k].shown, k[1]) for k in bands if m.cells[k].state == SHOWN), reverse=True)
    for _, band in shown_bands[:2]:
        keys = [("topic_age", t, band) for t in taxonomy.topic_ids()]
        top = _largest(m, keys)
        if top is None:
            continue
        cell = m.cells[top]
        out.append(f"{topic_label(top[1])} was the most common worry among {AGE_GROUP_WORDS[band]} in {name}"
                   f"{_trend(cell, before.cells.get(top) if before else None, before_name)}.")
    share = urgent_share(m)
    if share.startswith("about"):
        out.append(f"{share[0].upper()}{share[1:]} of conversations in {name} were urgent: "
                   "the assistant gave the emergency route first.")
    if not out:
        out.append(f"In {name} no single worry stood out clearly enough to name without showing small numbers.")
    return out


def csv_rows(report: Report) -> List[List[str]]:
    """Exactly what the page shows, one row per cell: table, row, column, value."""
    rows = [["scope", "table", "row", "column", "value"]]
    for i, sentence in enumerate(report.summary, 1):
        rows.append([report.scope_name, "Summary", f"Sentence {i}", "", sentence])
    for table in report.tables:
        for heading, values in table.rows:
            for column, value in zip(table.columns, values):
                rows.append([report.scope_name, table.title, heading, column, value])
    return rows
