"""`make content-report`: one self-contained page with every reply, for sign-off (issue 11)."""
import html
import re
import subprocess
import sys
from itertools import product

import pytest

from bot import ROOT, content, directory, replies, taxonomy
from bot.content_report import build_html, cases
from bot.taxonomy import AUDIENCES

AGES = (None, 11, 14, 16, 17, 18, 19, 20, 25)


@pytest.fixture(scope="module")
def page():
    return build_html()


@pytest.fixture(scope="module")
def boxes(page):
    return page.split('<section class="case')[1:]


def expected(reply):
    """What must appear, in this order, in the reply's box: every message, every card."""
    return [html.escape(m["text"], quote=True) for m in reply.messages] + \
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
    audience x age x urgent, every follow-up, every conversation turn, the degraded replies."""
    intents = taxonomy.topic_intents() + ["danger"] + content.situations()
    for intent, audience, age, urgent in product(intents, AUDIENCES, AGES, (False, True)):
        if audience != "young_person" and age is not None:
            continue
        if taxonomy.is_crisis_intent(intent) and not urgent:
            continue  # with no risk, the topic's general intent answers (taxonomy.calm_intent)
        yield replies.signpost(intent, audience, urgent, age=age)
        for kind in ("steps", "report", "talk"):
            yield replies.follow_up(kind, intent, audience, urgent, age=age)
    for audience, age in product(AUDIENCES, AGES):
        if audience != "young_person" and age is not None:
            continue
        for key in ("greet", "goodbye", "thanks", "bot_challenge", "ask_privacy"):
            yield replies.small_talk(key, with_menu=key in ("greet", "thanks"), audience=audience, age=age)
        yield replies.all_services(audience, age)
        yield replies.audience_set(audience)
        for urgent in (False, True):
            yield replies.misunderstood(audience, urgent, age)
            yield replies.degraded(audience, urgent, age)
    yield replies.clarify()
    yield replies.menu()


def test_every_reply_appears_on_the_page(boxes):
    missing = [r for r in every_reply() if not appears(r, boxes)]
    assert not missing, f"{len(missing)} replies are missing, e.g. {missing[0]}"


def test_the_check_can_fail(boxes):
    reply = replies.signpost("bullying", "young_person", False)
    reply.messages[0]["text"] += " A sentence nobody wrote."
    assert not appears(reply, boxes)


def test_every_case_is_listed_with_who_gets_it(page):
    labels = re.findall(r"<li>[^<]*·[^<]*</li>", page)
    assert len(labels) >= len(cases())
    for band in ("age not given", "under 13", "13 to 15", "16 to 17", "18", "19 and over"):
        assert f"Young person, {band} · urgent · first answer" in page
    for title in ("What to do now", "How to report", "Talk to someone now"):
        assert f"button “{title}”" in page
    for topic in taxonomy.topic_ids():
        assert html.escape(taxonomy.topic_label(topic)) in page


def test_cards_show_their_reference_entry_and_sources(page):
    for service_id in directory.services():
        assert f'id="card-{service_id}"' in page
    assert "From the verified reference: section 1.2 Children&#x27;s helplines and reporting tools, entry childline" in page
    assert "verified on https://learning.nspcc.org.uk/services/childline, checked" in page


def test_reading_grade_is_shown_for_every_reply(page, boxes):
    assert all("Reading grade (Flesch-Kincaid)" in box for box in boxes)


def test_the_page_is_self_contained(page):
    assert page.startswith("<!doctype html>")
    for forbidden in ("<script", "<link", "src=", "@import", "url("):
        assert forbidden not in page, forbidden
    assert all(href.startswith("#") for href in re.findall(r'href="([^"]*)"', page))


def test_make_content_report_needs_no_model_or_action_server(tmp_path):
    makefile = (ROOT / "Makefile").read_text()
    rule = re.search(r"^content-report:(.*)\n\t(.*)$", makefile, re.M)
    assert rule and "model" not in rule.group(1).lower() and "bot.content_report" in rule.group(2)
    out = tmp_path / "report.html"
    code = ("import sys; from bot import content_report as r; r.main([sys.argv[1]]); "
            "assert 'rasa' not in sys.modules and 'tensorflow' not in sys.modules")
    result = subprocess.run([sys.executable, "-c", code, str(out)], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert out.read_text(encoding="utf-8").count('<section class="case') > 100
