"""/insights and /insights.csv: who may see what, and the CSV is exactly the page.
No model and no server: the page needs neither (the app is made without its lifespan)."""
import csv
import io
import re
from datetime import datetime, timezone
from html.parser import HTMLParser

import pytest
from fastapi.testclient import TestClient

from bot.domain import verified
from bot.insights.record import Summary
from bot.insights.schools import token_hash

pytestmark = pytest.mark.fast
TODAY = datetime(2026, 12, 7, 9, 0, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    from api.main import create_app
    from bot.runtime.settings import Settings

    where = tmp_path_factory.mktemp("insights")
    (where / "schools.yml").write_text(f"""
operator: {{token_sha256: {token_hash("operator-token")}}}
schools:
  - {{id: hillview, name: Hillview Academy, origin: "https://hillview.example.org", token_sha256: {token_hash("hillview-token")}}}
  - {{id: burnside, name: Burnside Primary, origin: "https://burnside.example.org", token_sha256: {token_hash("burnside-token")}}}
""", encoding="utf-8")
    clock = [datetime(2026, 11, 11, tzinfo=timezone.utc)]
    app = create_app(Settings(schools_file=str(where / "schools.yml"), insights_db=str(where / "c.sqlite3"),
                              cors_origins=["https://hillview.example.org", "https://burnside.example.org"]),
                     insights_clock=lambda: clock[0])
    insights = app.state.insights
    for school, n in (("hillview", 41), ("burnside", 86)):
        for i in range(n):
            topic = "image_sharing" if school == "hillview" else "scams_hacking"
            insights.ended(Summary(school=school, topics=frozenset({topic}), audience="young_person",
                                   age="13_15", risk="urgent" if i % 4 == 0 else "none").dumps(), deleted=False)
    clock[0] = TODAY
    return app


@pytest.fixture(scope="module")
def insights_client(app):
    return TestClient(app)


def bearer(token):
    return {"Authorization": f"Bearer {token}"}


class Tables(HTMLParser):
    """The page's tables as (caption, row heading, column heading, cell text); its links; its summary."""

    def __init__(self):
        super().__init__()
        self.cells, self.links, self.summary, self.stack, self.text = [], [], [], [], ""
        self.caption = self.row = None
        self.columns, self.cell_index, self.in_summary = [], 0, False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a":
            self.links.append(attrs.get("href"))
        if tag == "section" and attrs.get("class") == "summary":
            self.in_summary = True
        if tag in ("caption", "th", "td", "li"):
            self.text = ""
        if tag == "tr":
            self.cell_index, self.row = 0, None
        if tag == "thead":
            self.columns = []
        self.stack.append(tag)

    def handle_endtag(self, tag):
        inside = self.stack[-3:]
        if self.stack:
            self.stack.pop()
        text = " ".join(self.text.split())
        if tag == "caption":
            self.caption = text
        elif tag == "th" and "thead" in self.stack:
            self.columns.append(text)
        elif tag == "th":
            self.row = text
        elif tag == "td":
            self.cell_index += 1
            self.cells.append((self.caption, self.row, self.columns[self.cell_index], text))
        elif tag == "li" and self.in_summary:
            self.summary.append(text)
        elif tag == "section":
            self.in_summary = False

    def handle_data(self, data):
        self.text += data


def parsed(html: str) -> Tables:
    page = Tables()
    page.feed(html)
    return page


def test_no_token_gets_the_sign_in_form_and_no_figures(insights_client):
    for response in (insights_client.get("/insights"), insights_client.post("/insights", data={}), insights_client.get("/insights.csv")):
        assert response.status_code == 401
        assert 'name="token"' in response.text and "Conversations" not in response.text
        assert response.headers["cache-control"] == "no-store"


def test_a_wrong_token_is_refused(insights_client):
    for response in (insights_client.get("/insights", headers=bearer("guess")), insights_client.post("/insights", data={"token": "guess"}),
                     insights_client.get("/insights.csv", headers=bearer("hillview-token-")),
                     insights_client.get("/insights", headers=bearer(token_hash("hillview-token")))):
        assert response.status_code == 403 and "not right" in response.text
        assert "Hillview" not in response.text and "Burnside" not in response.text


def test_a_school_sees_only_its_own_counts_and_another_schools_token_is_refused(insights_client):
    hillview = insights_client.get("/insights", headers=bearer("hillview-token"))
    assert hillview.status_code == 200 and "Hillview Academy" in hillview.text and "Burnside" not in hillview.text
    cells = parsed(hillview.text).cells
    assert ("Conversations each month", "Conversations", "November 2026", "40") in cells
    assert ("Topics reached, by month", "Nudes or images shared", "November 2026", "40") in cells
    assert ("Topics reached, by month", "Hacked or scammed", "November 2026", "fewer than 5") in cells
    burnside = parsed(insights_client.post("/insights", data={"token": "burnside-token"}).text).cells
    assert ("Conversations each month", "Conversations", "November 2026", "85") in burnside
    for asked in (insights_client.get("/insights?school=hillview", headers=bearer("burnside-token")),
                  insights_client.post("/insights", data={"token": "burnside-token", "school": "hillview"}),
                  insights_client.post("/insights.csv", data={"token": "burnside-token", "school": "hillview"}),
                  insights_client.post("/insights", data={"token": "burnside-token", "school": "*"})):
        assert asked.status_code == 403 and "another school" in asked.text and "Hillview" not in asked.text


def test_the_operator_sees_all_schools_together_or_any_one(insights_client):
    every = insights_client.get("/insights", headers=bearer("operator-token"))
    assert every.status_code == 200 and "All schools" in every.text
    assert ("Conversations each month", "Conversations", "November 2026", "125") in parsed(every.text).cells
    one = insights_client.post("/insights", data={"token": "operator-token", "school": "burnside"})
    assert ("Conversations each month", "Conversations", "November 2026", "85") in parsed(one.text).cells
    assert insights_client.post("/insights", data={"token": "operator-token", "school": "nowhere"}).status_code == 404


def test_the_csv_is_exactly_what_the_page_shows(insights_client):
    for token, months in (("hillview-token", "6"), ("operator-token", "12"), ("burnside-token", "3")):
        page = parsed(insights_client.post("/insights", data={"token": token, "months": months}).text)
        download = insights_client.post("/insights.csv", data={"token": token, "months": months})
        assert download.status_code == 200 and download.headers["content-type"].startswith("text/csv")
        assert "attachment" in download.headers["content-disposition"]
        rows = list(csv.reader(io.StringIO(download.text)))
        assert rows[0] == ["scope", "table", "row", "column", "value"]
        in_csv = [(table, row, column, value) for _, table, row, column, value in rows[1:] if table != "Summary"]
        assert sorted(in_csv) == sorted(page.cells) and len(in_csv) == len(page.cells)
        assert [value for _, table, _, _, value in rows[1:] if table == "Summary"] == page.summary


def test_the_page_links_only_to_verified_guidance_and_makes_no_outside_request(insights_client):
    html = insights_client.get("/insights", headers=bearer("hillview-token")).text
    known = {f.value for e in verified.entries().values() for f in e.facts if f.field == "url"}
    outside = [link for link in parsed(html).links if link.startswith("http")]
    assert outside and set(outside) <= known
    assert "National Guidance for Child Protection in Scotland" in html and "child protection procedure" in html
    assert "trends, not reports about children" in html and "cannot and will not identify anyone" in html
    assert not re.search(r'<(script|link|img|iframe)[^>]+(src|href)="https?://', html)
    assert "<script" not in html and ' style="' not in html  # nothing a strict CSP blocks
    assert 'method="post"' in html and "hillview-token" not in re.sub(r'<input type="hidden" name="token" value="hillview-token">', "", html)


def test_months_are_released_only_when_complete(insights_client):
    page = parsed(insights_client.get("/insights", headers=bearer("hillview-token")).text)
    columns = {c for _, _, c, _ in page.cells}
    assert "November 2026" in columns and "December 2026" not in columns
