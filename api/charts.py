"""Small bar charts as inline SVG, drawn on the server from the released cells only (what the
tables beside them show): no script, no outside request, nothing a strict CSP blocks (SVG
presentation attributes, no style attributes). Each chart is an image with a title and a
description that reads out every value; the table beside it is the full text alternative."""
from typing import List, Sequence

from markupsafe import Markup, escape

WIDTH, HEIGHT = 300, 150
LEFT, RIGHT, TOP, BOTTOM = 8, 8, 22, 28
BAR = "#1d4f91"  # 8.6:1 on white
SMALL = "#5f6b7a"  # 5.3:1
TEXT = "#0b0c0c"


def _number(text: str):
    return int(text) if text.isdigit() else None


def short_value(text: str) -> str:
    if text.isdigit():
        return text
    return "<5" if text == "fewer than 5" else "–"


def bar_chart(chart_id: str, title: str, columns: Sequence[str], short_columns: Sequence[str],
              values: Sequence[str], top: int = 0) -> Markup:
    """One series (one row of a table) by month: a bar per month, its shown value above it.
    "fewer than 5" is a short grey bar marked <5; hidden or not shown is no bar, marked –.
    `top`: the value at the top of the scale (the same for every chart of a group)."""
    numbers = [_number(v) for v in values]
    top = max([n for n in numbers if n is not None] + [10, top])
    inner_w, inner_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = inner_w / max(1, len(values))
    bar_w = min(36.0, step * 0.6)
    parts: List[str] = []
    for i, (text, n) in enumerate(zip(values, numbers)):
        x = LEFT + step * i + (step - bar_w) / 2
        middle = x + bar_w / 2
        if n is not None:
            h = max(1.0, inner_h * n / top)
            parts.append(f'<rect x="{x:.1f}" y="{TOP + inner_h - h:.1f}" width="{bar_w:.1f}" height="{h:.1f}" fill="{BAR}"/>')
            label_y = TOP + inner_h - h - 5
        elif text == "fewer than 5":
            h = max(2.0, inner_h * 2 / top)
            parts.append(f'<rect x="{x:.1f}" y="{TOP + inner_h - h:.1f}" width="{bar_w:.1f}" height="{h:.1f}" '
                         f'fill="#ffffff" stroke="{SMALL}" stroke-width="1.5" stroke-dasharray="3 2"/>')
            label_y = TOP + inner_h - h - 5
        else:
            label_y = TOP + inner_h - 5
        parts.append(f'<text x="{middle:.1f}" y="{label_y:.1f}" text-anchor="middle" font-size="12" '
                     f'fill="{TEXT}">{escape(short_value(text))}</text>')
        parts.append(f'<text x="{middle:.1f}" y="{HEIGHT - 10}" text-anchor="middle" font-size="12" '
                     f'fill="{TEXT}">{escape(short_columns[i])}</text>')
    axis = (f'<line x1="{LEFT}" y1="{TOP + inner_h + 0.5}" x2="{WIDTH - RIGHT}" y2="{TOP + inner_h + 0.5}" '
            f'stroke="{TEXT}" stroke-width="1"/>')
    described = "; ".join(f"{c}: {v}" for c, v in zip(columns, values))
    return Markup(
        f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" role="img" '
        f'aria-labelledby="{chart_id}-t {chart_id}-d" focusable="false">'
        f'<title id="{chart_id}-t">{escape(title)}</title><desc id="{chart_id}-d">{escape(described)}</desc>'
        f'{axis}{"".join(parts)}</svg>')


def top_of(rows) -> int:
    """The largest shown value in rows of (heading, values): a group's common scale."""
    return max([int(v) for _, values in rows for v in values if v.isdigit()] + [10])
