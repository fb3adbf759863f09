"""Does a reply fit a phone? Measured in Chromium at 360x740, touch, as a new user
meets it: the reply as the widget scrolls it into view when it arrives.

For each case (urgent; a topic reply for each audience; a follow-up; the widget's own failure
reply) the test writes a screenshot to results/screens/ and the numbers to
results/screens/measurements.json (`make screens` runs only this file). The frozen 1.1.0 widget
is measured the same way for comparison ("before"); the limits apply to the served version.

The limits, and why:
- Urgent: the "Call 999" button and the helpline's button are wholly on the first screen of
  the transcript when the reply arrives, also with the phone's keyboard up (the viewport less a
  290 px keyboard, a typical Android keyboard at 360 px wide): nothing to scroll, nothing to
  read first, before one can call.
- Topic replies: the first card's heading is on the first screen (its top at most
  FIRST_CARD_BY of the transcript's height): who can help is seen without scrolling. And the
  whole reply is at most MAX_SCREENS transcript heights (the old widget took 3-5).
"""
import json
from pathlib import Path

import pytest
from playwright.sync_api import expect

from api.routes.pages import WIDGET_VERSION
from bot import ROOT
from tests.browser.test_widget import REPLY_TIMEOUT, chat, in_chat

pytestmark = pytest.mark.slow

SCREENS = ROOT / "results" / "screens"
PHONE = {"width": 360, "height": 740}
KEYBOARD = 290  # px the on-screen keyboard takes at 360 px wide
FIRST_CARD_BY = 0.85  # the first card's top within 85% of the first screen: its heading shows
MAX_SCREENS = 3.0
BEFORE = "1.1.0"  # the frozen widget before the phone layout, measured for comparison only
# The demo school page's tag (api/static/index.html), with an audience when one is given.
SCHOOL = ('data-accent="#00594f" data-school-name="Glenview High School" '
          'data-school-contact="Mrs A. Reid, Depute Head Teacher and our Child Protection Co-ordinator" '
          'data-school-contact-how="Find her in the Guidance Base (Room 14) at break or lunch, or ask any teacher '
          'or the school office to fetch her. You can also speak to your Guidance teacher." '
          'data-school-contact-how-parent="Phone the school office and ask for Mrs Reid, or ask your child\'s Guidance '
          'teacher to pass on a message. If you think your child is in danger now, call 999." '
          'data-school-contact-how-professional="Pass any concern to Mrs Reid the same day, as our child protection '
          'procedures say; if she is not in school, to the Head Teacher, Mr D. Campbell."')

CASES = {
    "urgent": ("young_person", "i want to kill myself", None),
    "topic-young_person": ("young_person", "some1 keeps sending me hate on snap", None),
    "topic-parent": ("parent", "my 12 year old son is being picked on in a whatsapp group", None),
    "topic-professional": ("professional", "a pupil in my class is being bullied in a group chat, what should i do", None),
    "follow-up": ("young_person", "some1 keeps sending me hate on snap", "How to report"),
    "failure": ("young_person", "i want to kill myself", "api-down"),
}

# What a reader sees of the newest reply, in px, as the widget leaves the transcript.
# (The served version's chat is in its frame, run there; the frozen 1.1.0's in the page's shadow root.)
MEASURE = """() => {
  const host = document.querySelector('[data-signpost-widget]');
  const root = host && host.shadowRoot.querySelector('.log') ? host.shadowRoot : document;
  const log = root.querySelector('.log');
  const all = root.querySelectorAll('.log > .reply, .log > .msg.note');
  const reply = all[all.length - 1];
  const top = log.getBoundingClientRect().top;
  const card = reply.querySelector('.card');
  // A "Call 999" button (1.2.0's call buttons, 1.1.0's 999 card), not the word in a sentence.
  const call = reply.querySelector('.calls a[href="tel:999"], .card a[href="tel:999"], .fail .links a[href="tel:999"]');
  const rel = el => el ? Math.round(el.getBoundingClientRect().top - top) : null;
  return {
    screen: log.clientHeight,
    reply: Math.round(reply.getBoundingClientRect().height),
    screens: Math.round(100 * reply.getBoundingClientRect().height / log.clientHeight) / 100,
    reply_top: rel(reply),
    before_card: card ? Math.round(card.getBoundingClientRect().top - reply.getBoundingClientRect().top) : null,
    first_card_top: rel(card),
    call_999_button_bottom: call ? Math.round(call.getBoundingClientRect().bottom - top) : null,
    cards: reply.querySelectorAll('.card').length,
  };
}"""

_results = {}

def case_params():
    # The topic limits hold since the server's phone reply shape (what it is and the
    # one thing to do now, then at most 3 cards, the steps on request) landed.
    yield from CASES


def embed_page(page, version, audience):
    path = f"/screens-{version}-{audience}"
    tag = f'<script src="/widget/{version}/widget.js" defer {SCHOOL} data-audience="{audience}"></script>'
    page.route(path, lambda route: route.fulfill(
        status=200, content_type="text/html",
        body=f'<!doctype html><html lang="en"><head><meta name="viewport" content="width=device-width, initial-scale=1">'
             f'<title>Glenview</title>{tag}</head><body><p>School page</p></body></html>'))
    page.goto(path)


def ui(page, version):
    """Where the chat is: the served version's in its frame, the frozen 1.1.0's on the page."""
    return chat(page) if version == WIDGET_VERSION else page


def measure(page, version):
    return in_chat(page, MEASURE) if version == WIDGET_VERSION else page.evaluate(MEASURE)


def latest(page, version=WIDGET_VERSION):
    return ui(page, version).locator(".log > .reply, .log > .msg.note").last


def run_case(new_visit, name, version, height=PHONE["height"]):
    audience, text, then = CASES[name]
    visit = new_visit(width=PHONE["width"], height=height, has_touch=True, is_mobile=True, reduced_motion="reduce")
    page = visit.page
    embed_page(page, version, audience)
    page.get_by_role("button", name="Worried about something online?").click()
    if then == "api-down":
        page.route("**/api/v1/chat", lambda route: route.abort("connectionrefused"))
    chat_ui = ui(page, version)
    count = chat_ui.locator(".log > .reply, .log > .msg.note").count()
    box = chat_ui.get_by_role("textbox", name="Type your message")
    box.fill(text)
    box.press("Enter")
    expect(chat_ui.locator(".log > .reply, .log > .msg.note")).to_have_count(count + 1, timeout=REPLY_TIMEOUT)
    if then and then != "api-down":
        chat_ui.locator(".reply").last.get_by_role("button", name=then).click()
        expect(chat_ui.locator(".log > .reply")).to_have_count(2, timeout=REPLY_TIMEOUT)
    page.wait_for_timeout(100)
    return page, measure(page, version)


def record(name, version, height, numbers):
    _results.setdefault(f"{name} @360x{height}", {})[version] = numbers
    SCREENS.mkdir(parents=True, exist_ok=True)
    (SCREENS / "measurements.json").write_text(json.dumps(_results, indent=2, sort_keys=True), encoding="utf-8")


@pytest.mark.parametrize("name", list(CASES))
def test_reply_on_a_phone_before(new_visit, name):
    """The frozen 1.1.0, measured and photographed for comparison: no limits."""
    page, m = run_case(new_visit, name, BEFORE)
    page.screenshot(path=str(SCREENS / f"{name}-360-before-{BEFORE}.png"))
    record(name, BEFORE, PHONE["height"], m)


@pytest.mark.parametrize("name", case_params())
def test_reply_on_a_phone(new_visit, name):
    version = WIDGET_VERSION
    page, m = run_case(new_visit, name, version)
    page.screenshot(path=str(SCREENS / f"{name}-360.png"))
    record(name, version, PHONE["height"], m)
    if name in ("urgent", "failure"):
        assert m["call_999_button_bottom"] is not None and 0 <= m["call_999_button_bottom"] <= m["screen"], m
    if name.startswith("topic"):
        assert m["first_card_top"] is not None and m["first_card_top"] <= FIRST_CARD_BY * m["screen"], m
        assert m["screens"] <= MAX_SCREENS, m


def test_urgent_call_buttons_on_the_first_screen_with_the_keyboard_up(new_visit):
    height = PHONE["height"] - KEYBOARD
    page, m = run_case(new_visit, "urgent", WIDGET_VERSION, height=height)
    page.screenshot(path=str(SCREENS / "urgent-360-keyboard-up.png"))
    record("urgent", WIDGET_VERSION, height, m)
    top = chat(page).locator(".log").bounding_box()["y"]
    for name in ("Call 999", "Call Childline 0800 1111"):
        box = latest(page).get_by_role("link", name=name).first.bounding_box()
        assert box["y"] >= top and box["y"] + box["height"] <= top + m["screen"], (name, box, m)
        assert box["height"] >= 44, "a big target"
    # Nothing comes before them in the reply.
    first = latest(page).evaluate("r => r.firstElementChild.className")
    assert first == "calls"


@pytest.mark.parametrize("name", ["urgent", "topic-young_person", "failure"])
def test_desktop_screenshots(new_visit, name):
    """For review at 1280x800 (no limits: the panel is a fixed 680 px high there)."""
    audience, text, then = CASES[name]
    visit = new_visit(width=1280, height=800, reduced_motion="reduce")
    page = visit.page
    embed_page(page, WIDGET_VERSION, audience)
    page.get_by_role("button", name="Worried about something online?").click()
    if then == "api-down":
        page.route("**/api/v1/chat", lambda route: route.abort("connectionrefused"))
    box = chat(page).get_by_role("textbox", name="Type your message")
    box.fill(text)
    box.press("Enter")
    expect(chat(page).locator(".log > .reply, .log > .msg.note")).to_have_count(1, timeout=REPLY_TIMEOUT)
    page.wait_for_timeout(100)
    page.screenshot(path=str(SCREENS / f"{name}-1280.png"))


def test_first_screen_screenshots(new_visit):
    for width, height in ((360, 740), (1280, 800)):
        page = new_visit(width=width, height=height, has_touch=width < 500, is_mobile=width < 500,
                         reduced_motion="reduce").page
        embed_page(page, WIDGET_VERSION, "young_person")
        page.get_by_role("button", name="Worried about something online?").click()
        expect(chat(page).get_by_role("group", name="Topics").get_by_role("button").first).to_be_visible()
        page.screenshot(path=str(SCREENS / f"first-screen-{width}.png"))
