"""The insights page in Chromium: signing in with the form, axe reports no
violations, no request leaves the server, the CSV downloads, and screenshots at 360 px and
1280 px (results/insights/). The server is the real one (uvicorn, model loaded), with a counts
file filled for the past autumn term."""
import random
from datetime import date, timedelta

import pytest

from bot import ROOT
from bot.domain import taxonomy
from bot.insights import periods
from bot.insights.record import AGE_BANDS, Summary, increments
from bot.insights.schools import token_hash
from bot.insights.store import SQLiteCounts
from bot.runtime.processes import start_api
from tests.browser.support import open_visit
from tests.support import ARTIFACTS

SHOTS = ROOT / "results" / "insights"
TOKEN = "browser-school-token"


@pytest.fixture(scope="module")
def insights_server(action_server_url, tmp_path_factory):
    where = tmp_path_factory.mktemp("insights-browser")
    (where / "schools.yml").write_text(
        f'schools:\n  - {{id: hillview, name: "Hillview Academy", origin: "https://hillview.example.org", '
        f"token_sha256: {token_hash(TOKEN)}}}\n", encoding="utf-8")
    store = SQLiteCounts(where / "counts.sqlite3")
    rng = random.Random(7)
    last = periods.released_months(date.today(), 4)
    topics = taxonomy.topic_ids()
    for month in last:
        for i, week in enumerate(periods.weeks_of_month(month)):
            for _ in range(rng.randint(6, 16)):
                summary = Summary(school="hillview", topics=frozenset(rng.sample(topics[:5], rng.choice([1, 1, 2]))),
                                  risk=rng.choice(["none", "none", "urgent"]), audience=rng.choice(["young_person", "parent"]),
                                  age=rng.choice(AGE_BANDS[:3]), opened=rng.random() < 0.3)
                store.add("hillview", week, increments(summary, rng.random() < 0.05), today=date.today())
    store.close()
    server = start_api(action_server_url, "insights-browser-server", log_dir=ARTIFACTS,
                       schools_file=str(where / "schools.yml"), insights_db=str(where / "counts.sqlite3"),
                       cors_origins='["https://hillview.example.org"]')
    try:
        server.wait_ready("/healthz", timeout=150)
        yield server.url
    finally:
        server.stop()


def signed_in(browser, base, width, height):
    visit = open_visit(browser, base, width=width, height=height)
    page = visit.page
    page.goto("/insights")
    page.get_by_label("Access token").fill(TOKEN)
    page.get_by_role("button", name="Show insights").click()
    page.wait_for_selector("h1:has-text('Hillview Academy')")
    return visit


@pytest.mark.parametrize("width,height,name", [(360, 740, "360"), (1280, 800, "desktop")])
def test_the_page_in_chromium_is_accessible_and_makes_no_outside_request(browser, insights_server, width, height, name):
    from axe_playwright_python.sync_playwright import Axe

    visit = signed_in(browser, insights_server, width, height)
    page = visit.page
    try:
        assert page.get_by_role("heading", name="In short").is_visible()
        assert page.locator(".summary li").count() >= 1
        assert page.locator("svg.chart").count() >= 20
        # Nothing is wider than the screen but the tables' own scrolling regions.
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"insights-{name}.png"), full_page=True)
        result = Axe().run(page)
        (ARTIFACTS / f"insights-axe-{name}.txt").write_text(result.generate_report(), encoding="utf-8")
        assert result.violations_count == 0, result.generate_report()
        # The chosen period stays signed in (the token travels in the form, never in the address).
        page.select_option("#months", "3")
        page.get_by_role("button", name="Show", exact=True).click()
        page.wait_for_selector("h1:has-text('Hillview Academy')")
        assert "token" not in page.url and TOKEN not in page.url
        # The sign-in page answers 401 (the browser logs that) and there is no favicon: nothing else.
        errors = [e for e in visit.console_errors if "status of 401" not in e and "status of 404" not in e]
        assert not visit.offsite and not errors and not visit.page_errors
    finally:
        page.context.close()


def test_the_csv_button_downloads_what_the_page_shows(browser, insights_server):
    visit = signed_in(browser, insights_server, 1280, 800)
    page = visit.page
    try:
        with page.expect_download() as download:
            page.get_by_role("button", name="Download these figures (CSV)").click()
        import csv

        with open(download.value.path(), encoding="utf-8", newline="") as f:
            rows = list(csv.reader(f))
        assert rows[0] == ["scope", "table", "row", "column", "value"]
        shown = page.locator("table td").all_text_contents()  # also those in closed <details>
        cells = [r[4] for r in rows[1:] if r[1] != "Summary"]
        assert sorted(cells) == sorted(t.strip() for t in shown)
    finally:
        page.context.close()


def test_a_wrong_token_in_the_form_is_refused(browser, insights_server):
    visit = open_visit(browser, insights_server)
    page = visit.page
    try:
        page.goto("/insights")
        page.get_by_label("Access token").fill("not-the-token")
        page.get_by_role("button", name="Show insights").click()
        assert page.get_by_role("alert").inner_text().startswith("That access token is not right")
        assert "Hillview" not in page.content()
    finally:
        page.context.close()
