"""Disclosure control, as official statistics do it, before any count leaves the server.

Primary rule: a count under 5 (0 included) is shown as "fewer than 5"; any other is rounded to
the nearest 5 (half up: 7 → 5, 8 → 10). So a shown 5 means 5 to 7 (under 5 would say so), a
shown 10 means 8 to 12.

Secondary suppression: released tables are linked by totals (the age bands of a month add up to
its conversations; a topic's age bands add up to the topic). Someone who knows the links can
work out bounds for a hidden cell from the shown ones: with a month of 28 conversations shown as
30 (28-32) and two bands shown as 10 and 10 (8-12 each), a third band "fewer than 5" must be at
least 28 - 24 = 4. `protect` works out, for every cell, the bounds such a person can reach from
everything released (interval propagation over every link, repeated until nothing changes) and,
while any count under 5 could be shown to be 1 or more, hides one more cell of the link that
gives it away ("hidden": no bounds given, not even "fewer than 5"): the smallest shown part
first, then a "fewer than 5" part, then the total. A hidden cell with no upper bound leaves
every other cell of its link free down to 0. tests/test_insights_disclosure.py attacks every
released table (and the CSV) with an exact integer solver rather than this propagation.
"""
from dataclasses import dataclass
from typing import Dict, Hashable, List, Optional, Sequence, Tuple

SMALL = 5  # counts under this are not shown
BASE = 5  # others are rounded to a multiple of this
UNBOUNDED = 10 ** 9

SHOWN, SMALL_STATE, HIDDEN = "shown", "small", "hidden"
FEWER_THAN_5 = "fewer than 5"
HIDDEN_TEXT = "hidden"


def rounded(n: int) -> int:
    return BASE * ((2 * n + BASE) // (2 * BASE))  # nearest multiple of 5, halves up


@dataclass
class Cell:
    true: int  # never leaves the server
    state: str = SHOWN
    shown: Optional[int] = None

    @classmethod
    def of(cls, n: int) -> "Cell":
        if n < SMALL:
            return cls(n, SMALL_STATE, None)
        return cls(n, SHOWN, rounded(n))

    @property
    def text(self) -> str:
        if self.state == SHOWN:
            return str(self.shown)
        return FEWER_THAN_5 if self.state == SMALL_STATE else HIDDEN_TEXT

    def hide(self) -> None:
        self.state, self.shown = HIDDEN, None


def interval_of_text(text: str) -> Tuple[int, int]:
    """What a shown value tells anyone: the range its true count lies in."""
    if text == FEWER_THAN_5:
        return 0, SMALL - 1
    if text == HIDDEN_TEXT:
        return 0, UNBOUNDED
    value = int(text)
    return max(SMALL, value - BASE // 2), value + BASE // 2


Key = Hashable
Equality = Tuple[Key, Sequence[Key]]  # total, parts: total = sum(parts)
AtMost = Tuple[Key, Key]  # (a, b): a <= b


def propagate(bounds: Dict[Key, List[int]], equalities: Sequence[Equality], at_most: Sequence[AtMost],
              rounds: int = 100) -> Dict[Key, List[int]]:
    """Tightens [low, high] of every cell from the links until nothing changes (in place)."""
    for _ in range(rounds):
        changed = False
        for total, parts in equalities:
            t = bounds[total]
            lows, highs = [bounds[p][0] for p in parts], [bounds[p][1] for p in parts]
            sum_low, sum_high = sum(lows), min(sum(highs), UNBOUNDED)
            if sum_low > t[0]:
                t[0], changed = sum_low, True
            if sum_high < t[1]:
                t[1], changed = sum_high, True
            for i, p in enumerate(parts):
                b = bounds[p]
                low = t[0] - (sum(highs) - highs[i])
                high = t[1] - (sum_low - lows[i])
                if low > b[0]:
                    b[0], changed = low, True
                if high < b[1]:
                    b[1], changed = high, True
        for a, b in at_most:
            if bounds[b][1] < bounds[a][1]:
                bounds[a][1], changed = bounds[b][1], True
            if bounds[a][0] > bounds[b][0]:
                bounds[b][0], changed = bounds[a][0], True
        if not changed:
            break
    return bounds


def bounds_of(cells: Dict[Key, Cell], equalities, at_most, known=None) -> Dict[Key, List[int]]:
    """What anyone can work out: each cell's shown range, narrowed by what else is known (e.g. a
    month with details shown has at least 20 conversations) and by the links."""
    bounds = {k: list(interval_of_text(c.text)) for k, c in cells.items()}
    for k, (low, high) in (known or {}).items():
        bounds[k] = [max(bounds[k][0], low), min(bounds[k][1], high)]
    return propagate(bounds, equalities, at_most)


def exposed(cells: Dict[Key, Cell], bounds) -> List[Key]:
    """Counts under 5 whose bounds show they are 1 or more."""
    return [k for k, c in cells.items() if c.true < SMALL and bounds[k][0] > 0]


def protect(cells: Dict[Key, Cell], equalities: Sequence[Equality], at_most: Sequence[AtMost] = (),
            known: Optional[Dict[Key, Tuple[int, int]]] = None) -> int:
    """Secondary suppression (in place): hides cells until no count under 5 can be bounded away
    from 0 by the links. Returns how many cells it hid."""
    hid = 0
    for _ in range(len(cells) + 1):
        bounds = bounds_of(cells, equalities, at_most, known)
        bad = exposed(cells, bounds)
        if not bad:
            return hid
        key = bad[0]
        links = [(t, ps) for t, ps in equalities if key == t or key in ps]
        # The link that gives it away: the one whose other cells bound it highest.
        def implied(link):
            total, parts = link
            if key == total:
                return sum(bounds[p][0] for p in parts)
            return bounds[total][0] - sum(bounds[p][1] for p in parts if p != key)
        total, parts = max(links, key=implied) if links else (None, ())
        choice = _candidate(cells, key, total, parts)
        if choice is None:  # only inequalities bound it (never with these tables): hide it and its bound
            choice = next((b for a, b in at_most if a == key and cells[b].state != HIDDEN), None)
            if choice is None:
                raise RuntimeError(f"cannot protect {key!r}")
        cells[choice].hide()
        hid += 1
    raise RuntimeError("secondary suppression did not settle")


def _candidate(cells: Dict[Key, Cell], key: Key, total: Optional[Key], parts: Sequence[Key]) -> Optional[Key]:
    others = [p for p in parts if p != key and cells[p].state != HIDDEN]
    shown = sorted((p for p in others if cells[p].state == SHOWN), key=lambda p: (cells[p].shown, str(p)))
    if shown:
        return shown[0]
    small = [p for p in others if cells[p].state == SMALL_STATE]
    if small:
        return small[0]
    if total is not None and total != key and cells[total].state != HIDDEN:
        return total
    return None
