"""`make content-report`: the self-contained review page a safeguarding lead signs (issues 11, 19)."""
import re
import subprocess
import sys
from itertools import product
from pathlib import Path

import pytest
from markupsafe import escape

from bot import ROOT
from bot.domain import content, directory, replies, taxonomy
from tooling.content_review import sources as content_sources
from tooling.content_review.cases import cases, question_kinds
from tooling.content_review.report import build_html
from bot.domain.taxonomy import AUDIENCES

AGES = (None, 11, 14, 16, 17, 18, 19, 20, 25)


@pytest.fixture(scope="module")
def page():
    return build_html()


@pytest.fixture(scope="module")
def boxes(page):
    return page.split('<section class="box')[1:]


def expected(reply):
    """What must appear, in this order, in the reply's box: every message, every card."""
    return [str(escape(m["text"])) for m in reply.messages] + \
           [f'data-service="{s}"' for s in reply.services]


def appears(reply, boxes):
    want = expected(reply)
    for box in boxes:
        at = 0
        for part in want:
            at = box.find(part, at)
            if at < 0:
                break
            at += len(part)
        else:
            return True
    return False


def every_reply():
    """Built here independently of the report: every topic, situation and the danger intent x
    audience x age x urgent, with each danger's extra steps, every follow-up, every question a
    topic has its own answer for (at 18+ too), a friend's replies (urgent, 18+), every
    conversation turn, the degraded replies, not English and the API's rate limit."""
    intents = taxonomy.topic_intents() + ["danger"] + content.situations()
    dangers = list(content._file("urgent_steps"))
    for intent, audience, age, urgent in product(intents, AUDIENCES, AGES, (False, True)):
        if audience != "young_person" and age is not None:
            continue
        if taxonomy.is_crisis_intent(intent) and not urgent:
            continue  # with no risk, the topic's general intent answers (taxonomy.calm_intent)
        yield replies.signpost(intent, audience, urgent, age=age)
        if urgent:
            for danger in dangers:
                yield replies.signpost(intent, audience, True, age=age, danger=danger)
        if audience == "young_person":
            yield replies.signpost(intent, audience, urgent, age=age, writer="friend")
        for kind in ("steps", "report", "talk"):
            yield replies.follow_up(kind, intent, audience, urgent, age=age)
        for kind in question_kinds(intent):
            yield replies.answer_question(kind, intent, audience, urgent, age)
    for audience, age in product(AUDIENCES, AGES):
        if audience != "young_person" and age is not None:
            continue
        for key in ("greet", "goodbye", "thanks", "bot_challenge", "ask_privacy"):
            yield replies.small_talk(key, with_menu=key in ("greet", "thanks"), audience=audience, age=age)
        yield replies.all_services(audience, age)
        yield replies.audience_set(audience)
        yield replies.safe_now(audience, age)
        for urgent in (False, True):
            yield replies.misunderstood(audience, urgent, age)
            yield replies.degraded(audience, urgent, age)
            yield replies.hesitation(audience, urgent, age)
    yield replies.clarify()
    yield replies.menu()
    yield replies.not_english()
    yield replies.not_english(age=19)
    yield replies.Reply(messages=[replies.message(content.rate_limited())])


def test_every_reply_appears_on_the_page(boxes):
    missing = [r for r in every_reply() if not appears(r, boxes)]
    assert not missing, f"{len(missing)} replies are missing, e.g. {missing[0]}"


def test_the_check_can_fail(boxes):
    reply = replies.signpost("bullying", "young_person", False)
    reply.messages[0]["text"] += " A sentence nobody wrote."
    assert not appears(reply, boxes)


def test_every_case_is_listed_with_its_id_and_who_gets_it(page):
    for case in cases():
        assert f"<code>{case.id}</code>" in page, case.id
    for band in ("age not given", "under 13", "13 to 15", "16 to 17", "18", "19 and over"):
        assert f"Young person, {band} · urgent · first answer" in page
    for title in ("What to do now", "How to report", "Talk to someone now"):
        assert f"button “{title}”" in page
    for topic in taxonomy.topic_ids():
        assert str(escape(taxonomy.topic_label(topic))) in page


def test_no_meaningless_question_pairs(page):
    assert "bullying/young_person.13-15/not-urgent/question.block" in page
    assert not re.search(r"<code>bullying/[^<]*question\.pay</code>", page)
    assert not re.search(r"<code>general_safety/[^<]*question\.trouble</code>", page)


def test_each_text_shows_the_file_and_key_it_comes_from(boxes):
    box = next(b for b in boxes if "<code>grooming/parent/not-urgent/answer</code>" in b)
    assert "<code>bot/content/grooming.yml</code> parent.intro" in box
    assert "<code>bot/content/grooming.yml</code> parent.steps, step 1" in box  # the one thing to do now
    box = next(b for b in boxes if "<code>grooming/parent/not-urgent/button.steps</code>" in b)
    assert "<code>bot/content/grooming.yml</code> parent.steps, step 4" in box  # the rest, on request
    assert "<code>bot/content/conversation.yml</code> steps_heading" in box
    box = next(b for b in boxes if "<code>bullying/young_person.18/not-urgent/question.block</code>" in b)
    assert "<code>bot/content/questions.yml</code> young_adult.any.block" in box


def test_every_text_in_the_content_files_is_on_the_page(boxes):
    """Found from the files, not from the code: a text no reply shows is a gap in the page."""
    credited = {m for box in boxes for m in re.findall(r'<li><code>([^<]+)</code> ([^<]+)</li>', box)}
    missing = [s.where for s in content_sources.all_sources()
               if (s.file, s.key) not in credited
               and not s.key.startswith("buttons.")  # shown as buttons
               and s.key != "title"]  # a situation's title is its section's heading
    assert not missing, missing


def test_search_and_filters_are_on_the_page(page):
    for facet in ("intent", "audience", "age", "urgent", "kind", "status"):
        assert f'<select data-facet="{facet}">' in page
    assert 'id="q" type="search"' in page
    assert 'data-audience="parent" data-age="" data-urgent="yes" data-kind="question.trouble"' in page


def test_the_page_opens_with_sign_off_and_what_changed(page):
    first_reply = page.index('<section class="topic">')
    assert page.index('id="signoff"') < page.index('id="changed"') < first_reply
    assert "Nobody has signed these replies yet." in page or "Signed by" in page[:first_reply]
    assert "make content-sign NAME=" in page[:first_reply]


def test_the_page_is_made_from_a_template_not_html_in_python():
    source = (ROOT / "tooling" / "content_review" / "report.py").read_text()
    assert not re.search(r"<(section|div|p|li|ul|h\d|html)\b", source)
    assert (ROOT / "tooling" / "content_review" / "templates" / "content_report.html").exists()


def test_cards_show_their_reference_entry_and_sources(page):
    for service_id in directory.services():
        assert f'id="card-{service_id}"' in page
    assert "From the verified reference: section 1.2 Children&#39;s helplines and reporting tools, entry childline" in page
    assert "verified on https://learning.nspcc.org.uk/services/childline, checked" in page


def test_reading_grade_is_shown_for_every_reply(page, boxes):
    assert all("Reading grade (Flesch-Kincaid)" in box for box in boxes)


def test_the_page_is_self_contained(page):
    assert page.startswith("<!doctype html>")
    # One inline script (search and filters); nothing loaded from anywhere.
    assert page.count("<script") == 1 and "<script>" in page
    for forbidden in ("<link", "src=", "@import", "url(", "fetch(", "XMLHttpRequest", "<iframe", "<img"):
        assert forbidden not in page, forbidden
    assert all(href.startswith("#") for href in re.findall(r'href="([^"]*)"', page))


def test_make_content_report_needs_no_model_or_action_server(tmp_path):
    makefile = (ROOT / "Makefile").read_text()
    rule = re.search(r"^content-report:(.*)\n\t(.*)$", makefile, re.M)
    assert rule and "model" not in rule.group(1).lower() and "tooling.content_review.report" in rule.group(2)
    out = tmp_path / "report.html"
    code = ("import sys; from tooling.content_review import report as r; r.main([sys.argv[1]]); "
            "assert 'rasa' not in sys.modules and 'tensorflow' not in sys.modules")
    result = subprocess.run([sys.executable, "-c", code, str(out)], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert out.read_text(encoding="utf-8").count('<section class="box') > 100


@pytest.mark.skipif(not Path("/usr/bin/chromium").exists(), reason="make browser-deps installs Chromium")
def test_filters_work_in_a_browser_on_a_phone_with_no_requests(tmp_path):
    from playwright.sync_api import sync_playwright

    out = tmp_path / "report.html"
    out.write_text(build_html(), encoding="utf-8")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 360, "height": 740})
        requests = []
        page.on("request", lambda r: requests.append(r.url))
        page.goto(out.as_uri())
        assert page.evaluate("document.documentElement.scrollWidth") <= 360  # no sideways scrolling
        total = page.locator("section.box:not([hidden])").count()
        page.click("details.filters summary")  # closed on a phone, so it does not cover the page
        page.select_option('select[data-facet="audience"]', "parent")
        page.select_option('select[data-facet="kind"]', "question.trouble")
        page.fill("#q", "grooming/")
        page.wait_for_timeout(500)
        shown = page.locator("section.box:not([hidden]) li.case:not(.off) code").all_inner_texts()
        browser.close()
    assert total > 1000
    assert shown and all(i.startswith("grooming/parent/") and i.endswith("question.trouble") for i in shown), shown
    assert all(r.startswith("file:") for r in requests), requests
