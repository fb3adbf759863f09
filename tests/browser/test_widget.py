"""The embeddable widget in a real browser (Debian's Chromium) against the real server.

From 1.3.0 the chat runs in a frame from the assistant's origin: `chat(page)`
reaches into it; the launcher (Exit this page, the launcher button) is on the page itself.
Screenshots and the axe report are written to test-artifacts/ (git-ignored).
"""
import gzip
import json
import re

import httpx
import pytest
import yaml
from playwright.sync_api import expect

from api.routes.pages import WIDGET_VERSION
from bot import ROOT
from tests.support import ARTIFACTS, METRICS_TOKEN

pytestmark = pytest.mark.slow  # starts a server and a browser; part of the normal run

WIDGET_JS = ROOT / "api" / "static" / "widget.js"
FRAME_JS = ROOT / "api" / "static" / "frame.js"
STORE_KEY = "signpost-chat:v1"
EXIT_URL = "https://www.bbc.com/weather"
LAUNCHER = "Worried about something online?"
REPLY_TIMEOUT = 30_000

FRAME = "[data-signpost-widget] iframe"  # CSS reaches into the launcher's open shadow root
# What has focus on the page: an element of the launcher's shadow root, else the page's own.
ACTIVE_ON_PAGE = """() => {
  const host = document.querySelector('[data-signpost-widget]');
  const inner = host && host.shadowRoot.activeElement;
  if (inner) return inner.id || inner.className;
  return document.activeElement ? document.activeElement.tagName : null;
}"""
ACTIVE_IN_CHAT = """() => { const a = document.activeElement;
  return a && a !== document.body ? (a.id || a.className) : null; }"""


def chat(page):
    """The chat: the frame the launcher puts on the page (served by the assistant's origin)."""
    return page.frame_locator(FRAME)


def in_chat(page, script, arg=None):
    """Runs `script` (a function of `arg`) in the chat's frame."""
    return chat(page).locator("html").evaluate(f"(_, arg) => ({script})(arg)", arg)


def active(page):
    """What has focus: in the launcher, or, when the chat's frame has it, in the chat."""
    on_page = page.evaluate(ACTIVE_ON_PAGE)
    return in_chat(page, ACTIVE_IN_CHAT) if on_page == "sp-frame" else on_page


def chat_frame(page):
    """The chat's frame as a Playwright Frame (to run a script such as axe in it)."""
    return page.locator(FRAME).element_handle().content_frame()


def open_panel(page):
    page.get_by_role("button", name=LAUNCHER).click()
    expect(chat(page).get_by_role("dialog", name="Online safety help")).to_be_visible()


def open_chat(page, url="/"):
    """Opens a page of the demo school (or `url`) and the chat panel on it."""
    page.goto(url)
    open_panel(page)


def message_box(page):
    return chat(page).get_by_role("textbox", name="Type your message")


def reply_to(page, act):
    """Does `act` (types a message, presses a button) and returns the reply that arrives."""
    replies = chat(page).locator(".reply")
    before = replies.count()
    act()
    expect(replies).to_have_count(before + 1, timeout=REPLY_TIMEOUT)
    return replies.nth(before)


def send(page, text):
    """Types a message, presses Enter and returns the reply that arrives."""
    def type_it():
        message_box(page).fill(text)
        message_box(page).press("Enter")
    return reply_to(page, type_it)


def press(page, name, within=None):
    """Presses a button (a topic, "I'm a parent or carer") and returns the reply that arrives."""
    return reply_to(page, lambda: (within or chat(page)).get_by_role("button", name=name).click())


def embed(page, path, attributes):
    """Opens `path`: a plain school page whose widget tag has these data- attributes."""
    page.route(path, lambda route: route.fulfill(
        status=200, content_type="text/html",
        body=f'<!doctype html><html lang="en"><title>t</title><script src="/widget/{WIDGET_VERSION}/widget.js" defer '
             f'{attributes}></script><p>School page</p></html>'))
    page.goto(path)


def stored(page):
    """The conversation as the chat keeps it: in its frame's sessionStorage (the assistant's origin)."""
    return in_chat(page, f"() => sessionStorage.getItem({STORE_KEY!r})")


def on_page_storage(page):
    """Everything the school's page itself holds in storage (what its scripts could read)."""
    return page.evaluate("() => JSON.stringify([Object.entries(sessionStorage), Object.entries(localStorage)])")


def sessions_deleted(base):
    """How many DELETE /api/v1/sessions/{id} the server has answered with 204 (from /metrics)."""
    metrics = httpx.get(f"{base}/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"}).text
    return sum(
        float(line.rsplit(" ", 1)[1]) for line in metrics.splitlines()
        if line.startswith("signpost_http_requests_total{") and 'method="DELETE"' in line
        and "/api/v1/sessions/" in line and 'status="204"' in line
    )


def reply_parts(reply):
    """The classes of a reply's children, in order: what a reader meets first comes first."""
    return reply.evaluate("r => Array.from(r.children, c => c.className)")


def test_demo_page_chat_shows_reply_and_service_card(visit):
    page = visit.page
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome to Glenview High School")
    open_panel(page)
    assert active(page) == "sp-title", "a click moves focus into the panel, to its heading"

    intro = chat(page).locator(".intro")
    chat(page).get_by_role("button", name="More about this chat").click()  # the first screen is short
    expect(intro).to_contain_text("computer program, not a person")
    expect(intro).to_contain_text("No one watches this chat live")
    expect(intro).to_contain_text("Nothing you type is kept after 30 minutes")
    expect(intro).to_contain_text("If you are in danger now, call 999.")
    expect(chat(page).get_by_text("does not clear your browser history")).to_have_count(1)
    topics = chat(page).get_by_role("group", name="Topics").get_by_role("button")
    expect(topics).to_have_count(11)  # ten topics and "Show me all services"

    reply = send(page, "some1 keeps sending me hate on snap")
    expect(reply.locator(".msg").first).to_contain_text("your fault")
    childline = reply.locator(".card").filter(has=chat(page).get_by_role("heading", name="Childline", exact=True))
    expect(childline).to_have_count(1)
    expect(childline.get_by_role("link", name="Call 0800 1111")).to_have_attribute("href", "tel:08001111")
    expect(childline.get_by_role("link", name=re.compile("Website: childline.org.uk"))).to_have_attribute(
        "href", "https://www.childline.org.uk/")
    expect(childline).to_contain_text("Open: 24 hours a day")

    hrefs = chat(page).locator("a").evaluate_all("links => links.map(a => a.href)")
    assert hrefs and all(re.match(r"^(https:|tel:|sms:)", h) for h in hrefs), hrefs
    assert in_chat(page, "() => localStorage.length") == 0, "nothing may go into localStorage"
    assert STORE_KEY in in_chat(page, "() => Object.keys(sessionStorage)")  # the chat's own storage
    assert not visit.console_errors, visit.console_errors


def test_no_request_leaves_the_server_origin(visit):
    page = visit.page
    open_chat(page)
    press(page, "Hacked or scammed")
    send(page, "i think my insta got hacked")
    page.goto("/demo/about")
    expect(chat(page).locator(".reply")).to_have_count(2)
    assert not visit.offsite, f"requests to other origins: {visit.offsite}"
    assert visit.requests and all(r.split(" ", 1)[1].startswith(visit.base + "/") for r in visit.requests)
    assert any("POST" in r and "/api/v1/chat" in r for r in visit.requests)


def test_text_message_then_sms_link_for_text_services(visit):
    page = visit.page
    open_chat(page)
    reply = send(page, "i feel really low and i dont want to be here anymore")
    shout = reply.locator(".card").filter(has=chat(page).get_by_role("heading", name="Shout", exact=True))
    expect(shout.get_by_role("link", name="Text SHOUT to 85258")).to_have_attribute("href", "sms:85258")


def test_keyboard_only_flow(visit):
    page = visit.page
    page.goto("/")
    # The quick exit is the first thing Tab reaches on the page, the launcher the second.
    page.keyboard.press("Tab")
    assert active(page) == "exit"
    page.keyboard.press("Tab")
    assert active(page) == "launcher"
    outline = page.evaluate("""() => getComputedStyle(
        document.querySelector('[data-signpost-widget]').shadowRoot.activeElement).outlineStyle""")
    assert outline == "solid", "focus must be visible"

    page.keyboard.press("Enter")
    expect(chat(page).get_by_role("dialog", name="Online safety help")).to_be_visible()
    assert active(page) == "sp-input", "opening the chat moves focus to the message box"

    page.keyboard.type("people at school keep posting mean stuff about me")
    page.keyboard.press("Enter")
    expect(chat(page).locator(".reply")).to_have_count(1, timeout=REPLY_TIMEOUT)
    assert active(page) == "sp-input", "focus stays in the message box after sending"
    assert message_box(page).input_value() == ""

    # In the panel, the quick exit is still first: Shift+Tab from the top of the panel order.
    in_chat(page, "() => document.querySelector('.head .exit').focus()")
    page.keyboard.press("Tab")
    assert active(page) == "close"

    # Esc closes the panel and gives focus back to the launcher; Enter reopens it as it was.
    page.keyboard.press("Escape")
    expect(chat(page).get_by_role("dialog")).to_be_hidden()
    assert active(page) == "launcher"
    expect(page.get_by_role("button", name=LAUNCHER)).to_have_attribute("aria-expanded", "false")
    page.keyboard.press("Enter")
    expect(chat(page).locator(".reply")).to_have_count(1)

    # A topic button works from the keyboard too.
    chat(page).get_by_role("button", name="Staying safe online").focus()
    page.keyboard.press("Enter")
    assert active(page) == "sp-input", "after a topic button, typing can carry on"
    expect(chat(page).locator(".reply")).to_have_count(2, timeout=REPLY_TIMEOUT)


def test_transcript_is_a_labelled_region_with_labelled_controls(visit):
    page = visit.page
    open_chat(page)
    # Not itself live (a whole reply was read at once); each message is announced
    # once through its own live region (tests/browser/test_widget_phone.py).
    log = chat(page).get_by_role("region", name="Conversation")
    expect(log).to_be_visible()
    assert log.get_attribute("aria-live") is None
    expect(chat(page).get_by_role("status").first).to_be_attached()
    expect(chat(page).get_by_role("button", name="Close chat")).to_be_visible()
    expect(chat(page).get_by_role("button", name="Send")).to_be_visible()
    expect(chat(page).get_by_role("button", name="Exit this page")).to_have_count(1)  # the chat's own
    expect(page.get_by_role("button", name="Exit this page")).to_have_count(0)  # the launcher's is hidden
    expect(page.locator(FRAME)).to_have_attribute("title", "Online safety help")  # the frame's accessible name
    # New entries are appended, never rewritten: the intro node survives a turn.
    in_chat(page, "() => { window.__intro = document.querySelector('.intro'); }")
    send(page, "hello")
    assert in_chat(page, "() => window.__intro.isConnected")


def test_quick_exit_hides_page_clears_storage_and_forgets_session(visit):
    page = visit.page
    page.route(EXIT_URL, lambda route: route.fulfill(status=200, content_type="text/html", body="<title>Weather</title>"))
    open_chat(page)
    send(page, "someone is being horrible to me online")
    session_id = json.loads(stored(page))["sessionId"]
    assert session_id
    deleted_before = sessions_deleted(visit.base)

    # Clicked and inspected in the same task: the chat is covered and gone at once, before the
    # browser has even started to leave (the page itself: tests/browser/test_widget_isolation.py).
    right_after = in_chat(page, f"""() => {{
        document.querySelector('.head .exit').click();
        const overlay = document.querySelector('.overlay');
        return {{
            overlay: !overlay.hidden && getComputedStyle(overlay).visibility === 'visible',
            overlayRole: overlay.getAttribute('role'),
            stored: sessionStorage.getItem({STORE_KEY!r}),
            transcript: document.querySelectorAll('.reply, .msg.you').length,
            typed: document.querySelector('input').value,
        }};
    }}""")
    assert right_after == {"overlay": True, "overlayRole": "alert", "stored": None, "transcript": 0, "typed": ""}
    page.wait_for_url(EXIT_URL)
    assert f"DELETE {visit.base}/api/v1/sessions/{session_id}" in visit.requests
    for _ in range(50):  # the keepalive DELETE outlives the page that sent it: the server saw it
        if sessions_deleted(visit.base) > deleted_before:
            break
        page.wait_for_timeout(100)
    assert sessions_deleted(visit.base) == deleted_before + 1
    assert not visit.offsite

    # Back on the school site in the same tab: nothing of the chat is left.
    page.goto("/")
    assert stored(page) is None
    open_panel(page)
    expect(chat(page).locator(".reply")).to_have_count(0)
    expect(chat(page).locator(".msg.you")).to_have_count(0)


def test_exit_from_the_closed_launcher_and_configured_exit_url(visit, live_server):
    page = visit.page
    embed(page, "/exit-test", f'data-exit-url="{live_server}/healthz"')
    page.keyboard.press("Tab")
    assert active(page) == "exit"
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server}/healthz")


def test_embedded_on_a_school_site_of_another_origin(new_visit, school_site, live_server):
    """The real set-up: the school's page on its own origin, the script and the chat's frame on
    ours (the frame's frame-ancestors lets the listed school show it)."""
    visit = new_visit(also=(school_site,))
    page = visit.page
    open_chat(page, f"{school_site}/index.html")
    reply = send(page, "someone hacked my tiktok")
    expect(reply.locator(".school")).to_contain_text("Ms C. Brown")
    assert stored(page) is not None  # kept in the chat's own sessionStorage, in this tab only
    assert "tiktok" not in on_page_storage(page)  # not in the school page's
    deleted_before = sessions_deleted(live_server)
    chat(page).get_by_role("button", name="Exit this page").click()
    page.wait_for_url(f"{school_site}/left.html")
    for _ in range(50):  # the keepalive DELETE still reaches the server
        if sessions_deleted(live_server) > deleted_before:
            break
        page.wait_for_timeout(100)
    assert sessions_deleted(live_server) == deleted_before + 1
    page.goto(f"{school_site}/index.html")
    assert stored(page) is None
    assert not visit.offsite and not visit.page_errors, (visit.offsite, visit.page_errors)


def test_triple_shift_exits_but_typing_capitals_does_not(visit):
    page = visit.page
    page.route(EXIT_URL, lambda route: route.fulfill(status=200, content_type="text/html", body="<title>Weather</title>"))
    open_chat(page)
    send(page, "Hello")
    message_box(page).focus()
    for key in ("Shift+A", "Shift+B", "Shift+C", "Shift+D"):
        page.keyboard.press(key)
    page.wait_for_timeout(200)
    assert page.url.startswith(visit.base), "Shift used for capitals must not trigger the exit"
    assert message_box(page).input_value() == "ABCD"

    page.keyboard.press("Shift")
    expect(chat(page).locator(".root > [role=status]")).to_have_text("Shift, press 2 more times to exit.")
    page.keyboard.press("Shift")
    expect(chat(page).locator(".root > [role=status]")).to_have_text("Shift, press 1 more time to exit.")
    page.keyboard.press("Shift")
    page.wait_for_url(EXIT_URL)
    page.goto("/")
    assert stored(page) is None


def test_conversation_survives_moving_between_pages_in_the_same_tab(visit):
    page = visit.page
    open_chat(page)
    send(page, "my account got hacked and they changed my password")
    first_session = json.loads(stored(page))["sessionId"]

    page.get_by_role("link", name="About us").click()
    page.wait_for_url("**/demo/about")
    expect(page.get_by_role("heading", level=1)).to_have_text("About us")
    expect(chat(page).get_by_role("dialog", name="Online safety help")).to_be_visible()  # still open
    expect(chat(page).locator(".msg.you")).to_have_text(["You said: my account got hacked and they changed my password"])
    expect(chat(page).locator(".reply")).to_have_count(1)
    assert active(page) == "BODY", "restoring the chat must not steal focus"

    with page.expect_request("**/api/v1/chat") as request:
        send(page, "thanks")
    assert request.value.post_data_json["session_id"] == first_session

    page.reload()
    expect(chat(page).locator(".reply")).to_have_count(2)


def test_xss_attempt_is_shown_as_text(visit):
    page = visit.page
    open_chat(page)
    attack = "<img src=x onerror=alert(1)>"
    send(page, attack)
    expect(chat(page).locator(".msg.you").last).to_have_text("You said: " + attack)
    page.wait_for_timeout(300)
    assert visit.dialogs == []
    counts = [in_chat(page, "() => document.querySelectorAll('img').length"), page.evaluate("""() =>
        document.querySelector('[data-signpost-widget]').shadowRoot.querySelectorAll('img').length
        + document.querySelectorAll('img').length""")]
    assert counts == [0, 0]
    page.goto("/demo/about")  # restored from sessionStorage: still text
    expect(chat(page).locator(".msg.you").last).to_have_text("You said: " + attack)
    assert in_chat(page, "() => document.querySelectorAll('img').length") == 0
    assert visit.dialogs == []


def test_urgent_reply_puts_999_first_then_school_contact_then_services(visit):
    page = visit.page
    open_chat(page)
    reply = send(page, "someone is blackmailing me with my nudes")
    first = reply.locator(".msg").first
    expect(first).to_have_class(re.compile(r"\burgent\b"))
    expect(first).to_contain_text("If you are in danger now, call 999")
    parts = reply_parts(reply)
    school = parts.index("card school")
    emergency = parts.index("card emergency")
    services = [i for i, c in enumerate(parts) if c == "card"]
    # Big call buttons first, then the urgent message, the 999 card, the school, the rest.
    assert parts[:2] == ["calls", "msg bot urgent"], parts
    assert 1 < emergency < school < services[0], parts
    expect(reply.locator(".card.emergency").get_by_role("link", name="Call 999")).to_have_attribute("href", "tel:999")
    # The first line's numbers are one tap: 999 and Childline.
    expect(first.get_by_role("link", name="999", exact=True)).to_have_attribute("href", "tel:999")
    expect(first.get_by_role("link", name="0800 1111", exact=True)).to_have_attribute("href", "tel:08001111")
    card = reply.locator(".school")
    expect(card.get_by_role("heading")).to_have_text("Talk to someone at your school")
    expect(card).to_contain_text("Mrs A. Reid")
    expect(card).to_contain_text("Glenview High School")
    expect(card).to_contain_text("Guidance Base (Room 14)")


def test_school_contact_shown_once_and_on_the_first_urgent_reply(visit):
    """The school card came back on every turn; now once, plus the first urgent
    reply (right after the 999 card) if it was shown before one."""
    page = visit.page
    open_chat(page)
    topic = send(page, "someone hacked my tiktok")
    expect(topic.locator(".school")).to_have_count(1)
    again = send(page, "they are still posting as me")
    expect(again.locator(".school")).to_have_count(0)
    urgent = send(page, "i want to kill myself")
    parts = reply_parts(urgent)
    assert parts[:2] == ["calls", "msg bot urgent"], parts
    assert parts.index("card emergency") < parts.index("card school"), parts
    expect(urgent.locator(".msg").first.get_by_role("link", name="999", exact=True)).to_have_attribute("href", "tel:999")
    later = send(page, "you misunderstood, that's not what i meant")  # urgent again: not again
    expect(later.locator(".school")).to_have_count(0)


def test_school_contact_only_on_topic_replies(visit):
    page = visit.page
    open_chat(page)
    greeting = send(page, "hiya")
    expect(greeting.locator(".school")).to_have_count(0)
    topic = send(page, "how do i set up parental controls on an ipad")
    expect(topic.locator(".school")).to_have_count(1)


def test_choosing_parent_changes_audience_for_later_turns(visit):
    page = visit.page
    open_chat(page)
    first = press(page, "Bullying or hate online")
    with page.expect_request("**/api/v1/chat") as request:
        press(page, "I'm a parent or carer", within=first)
    # The button's payload goes in its own field; typed text is never read as intent syntax.
    assert request.value.post_data_json["payload"] == "/audience_parent"
    assert "message" not in request.value.post_data_json
    with page.expect_request("**/api/v1/chat") as request:
        send(page, "my son is being picked on in a whatsapp group")
    assert request.value.post_data_json["audience"] == "parent"


def test_axe_reports_no_violations_with_the_widget_open(visit):
    from axe_playwright_python.sync_playwright import Axe

    page = visit.page
    page.goto("/")
    options = {
        "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]},
        "rules": {"target-size": {"enabled": True}},
        "resultTypes": ["violations"],
    }
    axe = Axe()
    closed = axe.run(page, options=options)
    open_panel(page)
    send(page, "someone is blackmailing me with my nudes")  # urgent: emergency, school card, services
    opened = axe.run(page, options=options)
    in_frame = axe.run(chat_frame(page), options=options)  # the chat itself, in its frame
    runs = (("closed", closed), ("open", opened), ("chat frame", in_frame))
    report = "\n\n".join(f"{name}: {r.violations_count} violations\n{r.generate_report()}" for name, r in runs)
    (ARTIFACTS / "axe-report.txt").write_text(report, encoding="utf-8")
    # axe sees inside the launcher's open shadow root, and was run in the chat's frame.
    assert page.evaluate("() => !!document.querySelector('[data-signpost-widget]').shadowRoot")
    assert in_chat(page, "() => !!window.axe")
    for name, result in runs:
        assert result.violations_count == 0, f"{name}: {result.generate_report()}"


@pytest.mark.parametrize("width,height", [(360, 740), (1280, 800)])
def test_screenshots(new_visit, width, height):
    visit = new_visit(width=width, height=height, reduced_motion="reduce")  # no half-finished animation
    page = visit.page
    page.goto("/")
    page.screenshot(path=str(ARTIFACTS / f"widget-closed-{width}.png"))
    open_panel(page)
    press(page, "Bullying or hate online")
    page.screenshot(path=str(ARTIFACTS / f"widget-open-{width}.png"))
    assert (ARTIFACTS / f"widget-open-{width}.png").stat().st_size > 10_000


def test_fits_a_320px_screen(new_visit):
    page = new_visit(width=320, height=640).page
    page.goto("/")
    bar = page.locator(".bar").bounding_box()
    assert bar["x"] >= 0 and bar["x"] + bar["width"] <= 320
    open_panel(page)
    press(page, "Feeling low or unsafe")
    panel = chat(page).get_by_role("dialog").bounding_box()
    assert panel["x"] >= 0 and panel["x"] + panel["width"] <= 320
    for name in ("Exit this page", "Close chat", "Send"):
        box = chat(page).get_by_role("button", name=name).bounding_box()  # on the page: the frame is within it
        assert box["x"] >= 0 and box["x"] + box["width"] <= 320, name
        assert box["height"] >= 24 and box["width"] >= 24, name
    overflow = in_chat(page, """() => {
        const log = document.querySelector('.log');
        return log.scrollWidth - log.clientWidth;
    }""")
    assert overflow <= 0, "no sideways scrolling in the conversation"
    page.screenshot(path=str(ARTIFACTS / "widget-open-320.png"))


def test_reduced_motion_is_honoured(new_visit):
    animations = {}
    for motion in ("reduce", "no-preference"):
        page = new_visit(reduced_motion=motion).page
        open_chat(page)
        animations[motion] = page.evaluate("""() => getComputedStyle(
            document.querySelector('[data-signpost-widget]').shadowRoot.querySelector('.frame')).animationName""")
    assert animations == {"reduce": "none", "no-preference": "sp-in"}


def test_data_attributes_configure_the_widget(new_visit, live_server):
    page = new_visit().page
    embed(page, "/config-test", 'data-accent="#ffdd00" data-position="left" data-audience="parent" '
                                'data-school-contact="Mr B. Singh" data-school-contact-phone="0800 1111" '
                                'data-school-contact-url="javascript:alert(1)"')
    colours = page.evaluate("""() => {
        const b = document.querySelector('[data-signpost-widget]').shadowRoot.querySelector('.launcher');
        const s = getComputedStyle(b); return [s.backgroundColor, s.color];
    }""")
    assert colours == ["rgb(255, 221, 0)", "rgb(0, 0, 0)"]  # black on yellow, not white
    assert page.locator(".bar").bounding_box()["x"] < 100  # data-position="left"
    open_panel(page)
    assert page.locator(FRAME).bounding_box()["x"] < 100
    send_colours = in_chat(page, "() => { const s = getComputedStyle(document.querySelector('.send')); return [s.backgroundColor, s.color]; }")
    assert send_colours == ["rgb(255, 221, 0)", "rgb(0, 0, 0)"]  # the accent reaches the chat
    with page.expect_request("**/api/v1/chat") as request:
        reply = send(page, "my daughter is being bullied online")
    assert request.value.post_data_json["audience"] == "parent"
    card = reply.locator(".school")
    expect(card).to_contain_text("You can talk to Mr B. Singh.")
    expect(card.get_by_role("link")).to_have_count(1)  # the tel: link; the javascript: URL is dropped
    expect(card.get_by_role("link")).to_have_attribute("href", "tel:08001111")


def test_an_audience_the_api_does_not_list_is_never_sent(visit):
    page = visit.page
    embed(page, "/audience-test", 'data-audience="pupil"')
    open_panel(page)
    with page.expect_request("**/api/v1/chat") as request:
        reply = send(page, "people in my class keep leaving me out of the group chat")
    assert "audience" not in request.value.post_data_json  # the server would refuse it (422)
    expect(reply.locator(".card").first).to_be_visible()


@pytest.mark.parametrize("path", [WIDGET_JS, FRAME_JS], ids=["widget.js", "frame.js"])
def test_widget_is_small_plain_and_safe(path):
    source = path.read_bytes()
    gzipped = len(gzip.compress(source, compresslevel=9))
    print(f"{path.name}: {len(source)} bytes, {gzipped} bytes gzipped")
    assert gzipped < 30 * 1024
    text = source.decode("utf-8")
    assert "innerHTML" not in text and "outerHTML" not in text and "insertAdjacentHTML" not in text
    assert "document.write" not in text and "eval(" not in text
    assert f'var VERSION = "{WIDGET_VERSION}";' in text
    # The launcher keeps nothing in storage (it only removes an earlier version's leftovers);
    # the chat keeps its conversation in its own origin's sessionStorage, never localStorage.
    code = re.sub(r"//[^\n]*|/\*.*?\*/", "", text, flags=re.S)
    assert "localStorage" not in code and "setItem" not in code if path == WIDGET_JS else "localStorage" not in code
    assert ("fetch(API + \"/api/v1/chat\"" in text) == (path == FRAME_JS)  # only the chat talks to the API


def test_widget_topic_buttons_and_audiences_come_from_the_api(live_server, visit):
    source = WIDGET_JS.read_text(encoding="utf-8") + FRAME_JS.read_text(encoding="utf-8")
    taxonomy = yaml.safe_load((ROOT / "bot" / "topics.yml").read_text(encoding="utf-8"))
    for topic, spec in taxonomy["topics"].items():
        assert spec["label"] not in source, f"topic label in widget.js: {spec['label']!r}"
    served = httpx.get(f"{live_server}/api/v1/topics")
    assert served.status_code == 200
    buttons = served.json()["buttons"]
    assert [(b["title"], b["payload"]) for b in buttons[:-1]] == [
        (spec["label"], f"/{topic}") for topic, spec in taxonomy["topics"].items()]
    audiences = served.json()["audiences"]
    assert [a["id"] for a in audiences] == list(taxonomy["audiences"])
    assert "audience_" not in source, "an audience button's payload in widget.js"
    for audience in audiences:
        assert not re.search(rf"[\"']{audience['id']}[\"']|{audience['payload']}", source), f"audience in widget.js: {audience}"
    page = visit.page
    open_chat(page)
    topics = chat(page).get_by_role("group", name="Topics").get_by_role("button")
    expect(topics).to_have_text([b["title"] for b in buttons])
    assert any("GET" in r and "/api/v1/topics" in r for r in visit.requests)


def test_widget_urls_pinned_version_and_content_types(live_server):
    source = WIDGET_JS.read_bytes()
    assert f'var VERSION = "{WIDGET_VERSION}";'.encode() in source
    pinned = httpx.get(f"{live_server}/widget/{WIDGET_VERSION}/widget.js")
    assert pinned.status_code == 200 and pinned.content == source
    assert pinned.headers["content-type"].startswith("application/javascript")
    assert "immutable" in pinned.headers["cache-control"] and "max-age=31536000" in pinned.headers["cache-control"]
    latest = httpx.get(f"{live_server}/widget.js")
    assert latest.status_code == 200 and latest.content == source
    assert "immutable" not in latest.headers["cache-control"]
    missing = httpx.get(f"{live_server}/widget/0.0.1/widget.js")
    assert missing.status_code == 404 and WIDGET_VERSION in missing.json()["error"]["message"]
    css = httpx.get(f"{live_server}/static/demo.css")
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
    for path in ("/", "/demo/about"):
        page = httpx.get(live_server + path)
        assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
        assert f'<script src="/widget/{WIDGET_VERSION}/widget.js" defer' in page.text
        assert "<style" not in page.text and "style=" not in page.text
        assert not re.search(r"<script(?![^>]*\bsrc=)", page.text), "no inline scripts (strict CSP)"


def test_an_opened_service_link_is_told_to_the_server_once_with_no_body(visit):
    """For a school's insights: a card's link opened counts once per conversation, and the
    request carries nothing but the session id in its path (no body, no which or when)."""
    page = visit.page
    page.goto("/")
    open_panel(page)
    send(page, "some1 keeps sending me hate on snap")
    opened = []
    page.on("request", lambda r: opened.append(r) if r.url.endswith("/opened") else None)
    click_without_leaving = """() => { const links = document.querySelectorAll('.reply .card a');
        for (const a of [links[0], links[1]]) {
            a.addEventListener('click', e => e.preventDefault()); a.click(); } }"""
    with page.expect_request(lambda r: r.url.endswith("/opened")) as first:
        in_chat(page, click_without_leaving)
    request = first.value
    assert request.method == "POST" and not request.post_data
    assert re.search(r"/api/v1/sessions/[^/]+/opened$", request.url)
    in_chat(page, click_without_leaving)  # more links opened in the same conversation
    page.wait_for_timeout(500)
    assert len(opened) == 1, [r.url for r in opened]
