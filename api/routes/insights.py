"""/insights: a school's safeguarding lead's view of trends, and its CSV.

Behind a token: a school's (its own counts only) or the operator's (all schools together, or
one school). The token is sent as `Authorization: Bearer <token>` (scripts) or typed into the
page's form (POST, so it is never in an address, a history or a log). No cookie is set.

- GET  /insights             with a Bearer token: the page; without one: a form (401)
- POST /insights             form fields token, months (3, 6, 12 or 24), school (operator only)
- GET|POST /insights.csv     exactly what the page shows, one row per cell
- GET  /insights/insights.css

Everything shown comes from bot/insights/report.py (disclosure control first); the charts are
drawn from the same released cells (api/charts.py).
"""
import csv
import io
from functools import lru_cache
from pathlib import Path
from typing import Optional
from urllib.parse import parse_qs

from bot import yaml_files
from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, HTMLResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape

from api.charts import bar_chart, top_of
from bot.domain import directory
from bot.insights import periods, report
from bot.insights.schools import ALL_SCHOOLS, Access

router = APIRouter(include_in_schema=False)
TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
STATIC = Path(__file__).resolve().parent.parent / "static"
GUIDANCE = Path(__file__).resolve().parent.parent.parent / "bot" / "insights" / "guidance.yml"
MONTH_CHOICES = (3, 6, 12, 24)
DEFAULT_MONTHS = 6
HEADERS = {"Cache-Control": "no-store", "X-Robots-Tag": "noindex, nofollow"}


@lru_cache(maxsize=1)
def templates() -> Environment:
    return Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(["html"]),
                       trim_blocks=True, lstrip_blocks=True)


@lru_cache(maxsize=1)
def guidance():
    with open(GUIDANCE, encoding="utf-8") as f:
        raw = yaml_files.safe_load(f)
    links = [directory.get(sid) for sid in raw["child_protection"]]
    return {"links": [{"name": s.name, "url": s.url, "summary": s.summary} for s in links],
            "emergency": directory.get(raw["emergency"]).phone}


def bearer(request: Request) -> Optional[str]:
    given = request.headers.get("authorization", "")
    return given[7:].strip() if given.lower().startswith("bearer ") else None


async def form_of(request: Request) -> dict:
    if request.method != "POST":
        return {k: v for k, v in request.query_params.items()}
    body = (await request.body()).decode("utf-8", "replace")
    return {k: v[0] for k, v in parse_qs(body, keep_blank_values=True).items()}


def months_of(value) -> int:
    try:
        months = int(value)
    except (TypeError, ValueError):
        return DEFAULT_MONTHS
    return months if months in MONTH_CHOICES else DEFAULT_MONTHS


def page(name: str, status: int = 200, **context) -> HTMLResponse:
    html = templates().get_template(name).render(guidance=guidance(), month_choices=MONTH_CHOICES, **context)
    return HTMLResponse(html, status_code=status, headers=HEADERS)


def refused(status: int, problem: str) -> HTMLResponse:
    return page("insights_signin.html", status, problem=problem)


def scope_for(request: Request, access: Access, asked: Optional[str]):
    """The scope a token may see: its school; for the operator, all schools or the one asked."""
    schools = request.app.state.insights.schools
    if access.operator:
        if not asked or asked == ALL_SCHOOLS:
            return ALL_SCHOOLS, None
        if asked not in schools.by_id:
            return None, refused(404, "There is no school with that id.")
        return asked, None
    if asked and asked != access.school.id:
        return None, refused(403, "This access token is for another school. It only shows its own school's figures.")
    return access.school.id, None


async def authorised(request: Request):
    """(access, form, None) or (None, None, the refusal)."""
    form = await form_of(request)
    token = bearer(request) or (form.get("token") if request.method == "POST" else None)
    if not token:
        return None, None, refused(401, "")
    access = request.app.state.insights.schools.access(token)
    if access is None:
        return None, None, refused(403, "That access token is not right. Check it and try again.")
    return access, {**form, "token": token}, None


def build_report(request: Request, access: Access, form: dict):
    scope, refusal = scope_for(request, access, form.get("school"))
    if refusal is not None:
        return None, None, refusal
    insights = request.app.state.insights
    months = insights.months(months_of(form.get("months")))
    return scope, insights.report(scope, months), None


async def requested_report(request: Request):
    """What the page and the CSV both show: (access, form, scope, report, None), or the refusal last."""
    access, form, refusal = await authorised(request)
    if refusal is None:
        scope, found, refusal = build_report(request, access, form)
    if refusal is not None:
        return None, None, None, None, refusal
    return access, form, scope, found, None


@router.api_route("/insights", methods=["GET", "POST"])
async def insights_page(request: Request):
    access, form, scope, found, refusal = await requested_report(request)
    if refusal is not None:
        return refusal
    charts = chart_groups(found)
    schools = request.app.state.insights.schools
    by_age = [t for t in found.tables if t.id.startswith("topic-age-")]
    return page("insights.html", report=found, charts=charts, by_age=by_age, token=form["token"], scope=scope,
                months=months_of(form.get("months")), operator=access.operator,
                schools=sorted(schools.by_id.values(), key=lambda s: s.name) if access.operator else [],
                first=periods.month_label(found.months[0].month), last=periods.month_label(found.months[-1].month),
                next_release=next_release(request))


def next_release(request: Request) -> str:
    today = request.app.state.insights.today()
    month = periods.month_of(today)
    if periods.month_complete_on(month) <= today:
        month = periods.add_months(month, 1)
    return f"{periods.month_label(month)} will appear on {periods.month_complete_on(month).strftime('%-d %B %Y')}"


@router.api_route("/insights.csv", methods=["GET", "POST"])
async def insights_csv(request: Request):
    access, form, scope, found, refusal = await requested_report(request)
    if refusal is not None:
        return refusal
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(report.csv_rows(found))
    name = f"insights-{scope if scope != ALL_SCHOOLS else 'all-schools'}-{found.months[0].month}-to-{found.months[-1].month}.csv"
    return Response(out.getvalue(), media_type="text/csv; charset=utf-8",
                    headers={**HEADERS, "Content-Disposition": f'attachment; filename="{name}"'})


@router.api_route("/insights/insights.css", methods=["GET", "HEAD"])
async def insights_css():
    return FileResponse(STATIC / "insights.css", media_type="text/css; charset=utf-8",
                        headers={"Cache-Control": "public, max-age=300"})


def chart_groups(found: report.Report):
    """The charts of the page: one small chart per row of the month tables, by group."""
    short = [periods.month_short(m.month)[0] for m in found.months]
    groups = []
    for table in found.tables:
        if table.id.startswith("topic-age-"):
            continue
        charts = []
        top = top_of(table.rows if table.id != "totals" else table.rows[:1])
        for i, (heading, values) in enumerate(table.rows):
            if table.id == "totals" and heading.startswith("Share"):
                continue
            charts.append({"heading": heading, "svg": bar_chart(f"c-{table.id}-{i}", f"{heading}, by month",
                                                                table.columns, short, values, top)})
        groups.append({"table": table, "charts": charts})
    return groups
