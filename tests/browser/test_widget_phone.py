"""The widget's side: an exit that leaves nothing (with the back/forward cache ON),
failure replies that always give the numbers, a short first screen, assistive and phone use,
urgent replies that open with big call buttons, Close vs End chat.
"""
import json
import re

import pytest
import yaml
from playwright.sync_api import expect

from api.routes.pages import WIDGET_VERSION
from bot import ROOT
from bot.domain import content
from tests.browser.support import CHROMIUM, CHROMIUM_ARGS, open_visit, static_site
from tests.browser.test_widget import (FRAME, LAUNCHER, REPLY_TIMEOUT, STORE_KEY, WIDGET_JS, chat, in_chat,
                                       message_box, open_chat, open_panel, press, send, stored)

pytestmark = pytest.mark.slow

TELS = {"tel:999", "tel:08001111", "tel:116123"}
SHADOW = "document.querySelector('[data-signpost-widget]').shadowRoot"


# ---- a school site of its own origin, and a browser with the back/forward cache on ------------
@pytest.fixture(scope="module")
def site(live_server, school_port, tmp_path_factory):
    """Pages A and B (and exit page) for this widget and the frozen 1.1.0, on the allowed origin
    http://127.0.0.1:<port>; the same server as http://localhost:<port> is an origin the API
    does not allow."""
    root = tmp_path_factory.mktemp("bfcache-site")
    for version in (WIDGET_VERSION, "1.1.0"):
        for name in ("a", "b"):
            (root / f"{name}-{version}.html").write_text(
                '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Page</title>'
                f'<script src="{live_server}/widget/{version}/widget.js" defer data-exit-url="/left.html" '
                f'data-school-contact="Ms C. Brown"></script></head><body><h1>Page {name}</h1></body></html>',
                encoding="utf-8")
    with static_site(root, school_port) as site:
        yield site


@pytest.fixture(scope="module")
def bfcache_browser(playwright_driver):
    """Playwright starts Chromium with --disable-back-forward-cache; without that switch the
    cache works in headless Chromium (checked below by pageshow's `persisted`)."""
    chromium = playwright_driver.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS,
                                                 ignore_default_args=["--disable-back-forward-cache"])
    yield chromium
    chromium.close()


def all_text(page):
    """Every text node of the page as the browser holds it: the page, shadow roots and the
    frames in its process (the chat's frame here: the test's origins are one site). Through the
    DevTools protocol, because Playwright does not see a frame that came back from the
    back/forward cache."""
    cdp = page.context.new_cdp_session(page)
    try:
        root = cdp.send("DOM.getDocument", {"depth": -1, "pierce": True})["root"]
    finally:
        cdp.detach()
    texts, todo = [], [root]
    while todo:
        node = todo.pop()
        if node.get("nodeType") == 3:
            texts.append(node.get("nodeValue", ""))
        todo.extend(node.get("children", []) + node.get("shadowRoots", []) +
                    ([node["contentDocument"]] if "contentDocument" in node else []))
    return " ".join(texts)


def exit_then_back(browser, base, site, version):
    """Chat on page A, go to page B, chat, "Exit this page", then the browser's Back (to A).
    The served version's chat is in its frame; the frozen 1.1.0's on the page itself."""
    visit = open_visit(browser, base, also=(site,))
    page = visit.page
    framed = version == WIDGET_VERSION
    page.add_init_script("window.__shown = []; addEventListener('pageshow', e => window.__shown.push(e.persisted));"
                         "window.__heard = []; addEventListener('message', e => window.__heard.push(e.data && e.data.type));")

    def ui():
        return chat(page) if framed else page

    def talk(text, count):
        box = ui().get_by_role("textbox", name="Type your message")
        box.fill(text)
        box.press("Enter")
        expect(ui().locator(".reply")).to_have_count(count, timeout=REPLY_TIMEOUT)

    try:
        page.goto(f"{site}/a-{version}.html")
        page.get_by_role("button", name=LAUNCHER).click()
        talk("someone keeps sending me hate on snap", 1)
        page.goto(f"{site}/b-{version}.html")
        page.go_back(wait_until="commit")  # A again: from the cache, the conversation as stored
        expect(page.get_by_role("heading", name="Page a")).to_be_visible()
        restored = page.evaluate("window.__shown")
        if framed:
            expect(page.locator(FRAME)).to_be_visible()  # the frame said it is open ("state")
            assert "hate on snap" in all_text(page)
        else:
            expect(ui().locator(".reply")).to_have_count(1)
        page.goto(f"{site}/b-{version}.html")  # loaded afresh: Playwright sees its frame
        expect(page.get_by_role("heading", name="Page b")).to_be_visible()
        talk("it's on instagram too", 2)
        ui().get_by_role("button", name="Exit this page").click()
        page.wait_for_url(f"{site}/left.html")
        page.go_back(wait_until="commit")
        expect(page.get_by_role("heading", name="Page a")).to_be_visible()
        page.wait_for_timeout(300)
        after = page.evaluate(f"""() => ({{
            shown: window.__shown,
            heard: window.__heard,
            replies: {SHADOW}.querySelectorAll('.reply, .msg.you').length,
            panelOpen: !{SHADOW}.querySelector('{".frame" if framed else ".panel"}').hidden,
            stored: sessionStorage.getItem({STORE_KEY!r}),
        }})""")
        after["text"] = all_text(page)
        if framed:  # what the chat's frame keeps, read afresh
            page.goto(f"{site}/a-{version}.html")
            after["frame_stored"] = stored(page)
        return restored, after
    finally:
        page.context.close()


def test_exit_leaves_nothing_even_in_the_back_forward_cache(bfcache_browser, live_server, site):
    restored, after = exit_then_back(bfcache_browser, live_server, site, WIDGET_VERSION)
    assert restored == [False, True], "the cache is on: page A came back from it (pageshow persisted)"
    assert after["shown"] == [False, True, True], "A was shown from the cache after the exit too"
    assert after["heard"][-1] == "state", "the chat's frame came back from the cache with it, and said so"
    assert "Hi. What's worrying you online?" in after["text"], "the frame's text is read"
    assert after["replies"] == 0 and not after["panelOpen"] and after["stored"] is None, after
    assert after["frame_stored"] is None, after
    assert "hate on snap" not in after["text"] and "instagram" not in after["text"]


def test_the_old_widget_left_the_chat_in_the_back_forward_cache(bfcache_browser, live_server, site):
    """The bug, reproduced with the frozen 1.1.0: proof the test above can fail."""
    _, after = exit_then_back(bfcache_browser, live_server, site, "1.1.0")
    assert after["shown"][-1] is True
    assert after["replies"] > 0 and "hate on snap" in after["text"]


# ---- failures: always 999 and the helplines as tel: links --------------------------------------
def failure(page):
    note = chat(page).locator(".log .fail").last
    expect(note).to_be_visible(timeout=REPLY_TIMEOUT)
    hrefs = set(note.get_by_role("link").evaluate_all("links => links.map(a => a.getAttribute('href'))"))
    assert TELS <= hrefs, hrefs
    return note


def test_the_numbers_written_in_the_widget_are_those_of_the_service_directory():
    source = WIDGET_JS.read_text(encoding="utf-8")
    services = yaml.safe_load((ROOT / "bot" / "services.yml").read_text(encoding="utf-8"))["services"]
    written = re.findall(r'\{ id: "(\w+)", name: "[^"]+", phone: "([^"]+)"', source)
    assert {i for i, _ in written} == {"emergency_999", "childline", "samaritans"}
    for service, phone in written:
        assert services[service]["phone"] == phone, service


def test_api_down_gives_the_numbers(visit):
    page = visit.page
    open_chat(page)
    page.route("**/api/v1/chat", lambda route: route.abort("connectionrefused"))
    message_box(page).fill("i want to kill myself")
    message_box(page).press("Enter")
    note = failure(page)
    expect(note).to_contain_text("Sorry, that didn't work")
    expect(note.get_by_role("link", name=re.compile("Childline 0800 1111"))).to_contain_text("under 19")


def test_a_slow_reply_is_given_up_after_20_seconds_with_the_numbers(visit):
    page = visit.page
    page.clock.install()
    open_chat(page)
    page.route("**/api/v1/chat", lambda route: None)  # never answered
    message_box(page).fill("i want to kill myself")
    message_box(page).press("Enter")
    page.wait_for_timeout(300)
    page.clock.run_for(9_000)
    expect(chat(page).locator(".tools [role=status]")).to_contain_text("If you are in danger now, call 999")
    page.clock.run_for(10_000)
    expect(chat(page).locator(".fail")).to_have_count(0)
    page.clock.run_for(2_000)
    failure(page)


def test_rate_limited_keeps_the_servers_text_and_links_its_numbers(visit):
    page = visit.page
    text = content.rate_limited()
    open_chat(page)
    page.route("**/api/v1/chat", lambda route: route.fulfill(
        status=429, content_type="application/json",
        body=json.dumps({"error": {"code": "rate_limited", "message": text, "details": []}})))
    message_box(page).fill("hello")
    message_box(page).press("Enter")
    note = failure(page)
    expect(note.locator("p").first).to_have_text(re.sub(r"\s+", " ", text).strip())
    expect(note.locator("p").first.get_by_role("link", name="0800 1111")).to_have_attribute("href", "tel:08001111")


def test_origin_refused_by_the_server_says_not_set_up(visit):
    page = visit.page
    open_chat(page)
    page.route("**/api/v1/chat", lambda route: route.fulfill(
        status=403, content_type="application/json",
        body=json.dumps({"error": {"code": "origin_not_allowed", "message": "This website is not allowed to use the assistant.", "details": []}})))
    message_box(page).fill("hello")
    message_box(page).press("Enter")
    expect(failure(page)).to_contain_text("This chat is not set up for this website yet")
    assert any("SIGNPOST_CORS_ORIGINS" in e for e in visit.console_errors), visit.console_errors


def test_a_school_not_on_the_allowed_origins_sees_not_set_up_not_a_broken_button(browser, live_server, site):
    """1.3.0: the chat's frame may be shown only on the allowed origins (its frame-ancestors), so
    the browser refuses it here; the launcher notices the chat never started and gives its own
    panel: not set up, and the numbers (the console names the setting)."""
    other = site.replace("127.0.0.1", "localhost")  # the same pages, an origin the API does not allow
    visit = open_visit(browser, live_server, also=(other,))
    page = visit.page
    try:
        page.goto(f"{other}/a-{WIDGET_VERSION}.html")
        page.get_by_role("button", name=LAUNCHER).click()
        panel = page.get_by_role("dialog", name="Online safety help")
        expect(panel).to_be_visible()
        note = panel.locator(".fail")
        expect(note).to_contain_text("This chat is not set up for this website yet", timeout=REPLY_TIMEOUT)
        hrefs = set(note.get_by_role("link").evaluate_all("links => links.map(a => a.getAttribute('href'))"))
        assert TELS <= hrefs, hrefs
        expect(page.get_by_role("textbox")).to_have_count(0)  # nothing can be typed on the school's page
        said = [e for e in visit.console_errors if "SIGNPOST_CORS_ORIGINS" in e]
        assert len(said) == 1 and other in said[0], visit.console_errors
        assert page.frames[1].url in ("about:blank", "chrome-error://chromewebdata/") or \
            not page.frames[1].url.startswith(live_server), [f.url for f in page.frames]  # the chat never loaded
        panel.get_by_role("button", name="Close chat").click()
        expect(page.get_by_role("button", name=LAUNCHER)).to_be_focused()
    finally:
        page.context.close()


# ---- the first screen ----------------------------------------------------------------------------
def test_first_screen_invites_and_hides_the_rest_behind_more(new_visit):
    page = new_visit(width=360, height=740, has_touch=True, is_mobile=True).page
    open_chat(page)
    intro = chat(page).locator(".intro")
    expect(intro.locator(".msg").first).to_have_text(re.compile(r"^Hi\."))
    expect(chat(page).get_by_role("group", name="Topics").get_by_role("button").first).to_be_in_viewport()
    privacy = chat(page).locator("#sp-privacy")
    expect(privacy).to_be_in_viewport()
    expect(privacy.get_by_role("link", name="999")).to_have_attribute("href", "tel:999")
    more = chat(page).get_by_role("button", name="More about this chat")
    expect(more).to_have_attribute("aria-expanded", "false")
    expect(chat(page).locator("#sp-about").get_by_text("computer program, not a person")).to_be_hidden()
    more.click()
    expect(more).to_have_attribute("aria-expanded", "true")
    expect(chat(page).locator("#sp-about").get_by_text("computer program, not a person")).to_be_visible()
    assert "Shift" not in chat(page).locator("#sp-about").text_content(), "no keyboard-only hint on a touch screen"


def test_keyboard_hint_stays_for_a_mouse_and_keyboard(visit):
    open_chat(visit.page)
    assert "Shift 3 times" in chat(visit.page).locator("#sp-about").text_content()


def test_reopened_chat_shows_the_latest_message(visit):
    page = visit.page
    open_chat(page)
    press(page, "Bullying or hate online")
    latest = send(page, "what can i do")
    chat(page).get_by_role("button", name="Close chat").click()
    page.goto("/demo/about")  # drawn again on another page, closed
    open_panel(page)
    log_box = chat(page).locator(".log").bounding_box()
    top = chat(page).locator(".reply").last.bounding_box()["y"]
    assert log_box["y"] <= top <= log_box["y"] + 40, (log_box, top)
    expect(latest).to_be_attached()


# ---- assistive and phone -------------------------------------------------------------------------
def test_bullets_are_a_real_list_and_each_message_is_announced_once(visit):
    page = visit.page
    open_chat(page)
    send(page, "some1 keeps sending me hate on snap")
    with page.expect_response("**/api/v1/chat") as answer:  # the steps, on request, are a list
        reply = send(page, "what can i do")
    data = answer.value.json()
    bullets = sum(line.lstrip().startswith("•") for m in data["messages"] for line in m["text"].split("\n"))
    assert bullets > 0
    expect(reply.locator("ul > li")).to_have_count(bullets)
    assert "•" not in reply.text_content()
    announced = chat(page).locator("[aria-live=polite] > p")
    expected = [m["text"].replace("•", "") for m in data["messages"]]
    expect(announced).to_have_count(len(expected) + 1)  # each message once, and how many cards
    assert [re.sub(r"\s+", " ", t).strip() for t in announced.all_text_contents()[:-1]] == \
        [re.sub(r"\s+", " ", t).strip() for t in expected]
    assert chat(page).locator(".log").get_attribute("role") == "region"  # the transcript is not read again
    page.goto("/demo/about")  # redrawn: nothing is announced again
    expect(chat(page).locator("[aria-live=polite] > p")).to_have_count(0)


def test_earlier_buttons_leave_the_tab_order(visit):
    page = visit.page
    open_chat(page)
    press(page, "Bullying or hate online")
    send(page, "what can i do")
    state = in_chat(page, """() => {
        const replies = document.querySelectorAll('.reply');
        const last = replies[replies.length - 1];
        return Array.from(document.querySelectorAll('.choice'), c => [last.contains(c), c.getAttribute('tabindex')]);
    }""")
    old = [t for inside, t in state if not inside]
    new = [t for inside, t in state if inside]
    assert old and all(t == "-1" for t in old), state
    assert new and all(t is None for t in new), state


def test_on_a_touch_screen_focus_moves_to_the_new_reply(new_visit):
    page = new_visit(width=360, height=740, has_touch=True, is_mobile=True).page
    open_chat(page)
    assert page.evaluate("matchMedia('(pointer: coarse)').matches")
    send(page, "some1 keeps sending me hate on snap")
    focused = in_chat(page, "() => { const a = document.activeElement; return a && [a.className, a.parentElement.className]; }")
    assert focused == ["msg bot", "reply"], focused  # not the message box: the keyboard is down


# ---- urgent replies ------------------------------------------------------------------------------
def test_urgent_reply_opens_with_call_buttons_and_offers_no_audience_buttons(visit):
    page = visit.page
    open_chat(page)
    real = send(page, "i want to kill myself")
    calls = real.locator(".calls")
    assert real.evaluate("r => r.firstElementChild.className") == "calls"
    expect(calls.get_by_role("link", name="Call 999")).to_have_attribute("href", "tel:999")
    expect(calls.get_by_role("link", name=re.compile("^Call Childline 0800 1111"))).to_have_attribute("href", "tel:08001111")
    # A reply that offered them anyway: the widget drops the audience buttons of an urgent reply.
    page.route("**/api/v1/chat", lambda route: route.fulfill(status=200, content_type="application/json", body=json.dumps({
        "session_id": "abcdefgh12345678", "topic": "self_harm", "urgent": True, "degraded": False,
        "messages": [{"text": "If you are in danger now, call 999.", "buttons": [
            {"title": "What to do now", "payload": "/ask_what_to_do"},
            {"title": "I'm a parent or carer", "payload": "/audience_parent"},
            {"title": "I'm a teacher or staff", "payload": "/audience_professional"}]}],
        "services": [], })))
    crafted = send(page, "help")
    expect(crafted.get_by_role("button", name="What to do now")).to_have_count(1)
    expect(crafted.get_by_role("button", name=re.compile("parent|teacher"))).to_have_count(0)
    # No helpline among its services: Childline and Samaritans both (the age is not known).
    expect(crafted.locator(".calls a")).to_have_count(3)


# ---- Close, End chat, where Exit is -------------------------------------------------------------
def test_close_keeps_the_chat_end_chat_forgets_it(visit):
    page = visit.page
    open_chat(page)
    send(page, "someone hacked my tiktok")
    head = chat(page).locator(".head").bounding_box()
    exit_box = chat(page).locator(".head .exit").bounding_box()
    close_box = chat(page).get_by_role("button", name="Close chat").bounding_box()
    assert close_box["x"] < head["x"] + 20, "Close (harmless) is where apps put Back"
    assert exit_box["x"] + exit_box["width"] > head["x"] + head["width"] - 20, "Exit is at the top right"

    chat(page).get_by_role("button", name="Close chat").click()
    open_panel(page)
    expect(chat(page).locator(".reply")).to_have_count(1)
    assert stored(page) is not None

    with page.expect_request(lambda r: r.method == "DELETE" and "/api/v1/sessions/" in r.url):
        chat(page).get_by_role("button", name="End chat").click()
    expect(chat(page).locator(".reply, .msg.you")).to_have_count(0)
    expect(chat(page).get_by_text("Chat ended.").first).to_be_visible()
    expect(chat(page).get_by_role("dialog", name="Online safety help")).to_be_visible()
    page.goto("/demo/about")
    assert json.loads(stored(page) or "{}").get("entries", []) == []
    expect(chat(page).get_by_role("dialog", name="Online safety help")).to_be_visible()  # still open
    expect(chat(page).locator(".reply")).to_have_count(0)


# ---- the school card speaks to who is asking ----------------------------------------------------
@pytest.mark.parametrize("audience,heading,how", [
    ("young_person", "Talk to someone at your school", "at break or lunch"),
    ("parent", "Contact the school", "Phone the school office"),
    ("professional", "Contact the school", "the same day"),
])
def test_school_card_by_audience(visit, audience, heading, how):
    page = visit.page
    page.route("/school-card", lambda route: route.fulfill(status=200, content_type="text/html", body=(
        f'<!doctype html><html lang="en"><title>t</title><script src="/widget/{WIDGET_VERSION}/widget.js" defer '
        f'data-audience="{audience}" data-school-contact="Mrs A. Reid" data-school-contact-how="Find her at break or lunch." '
        'data-school-contact-how-parent="Phone the school office." data-school-contact-how-professional="Tell her the same day.">'
        '</script><p>School page</p></html>')))
    page.goto("/school-card")
    open_panel(page)
    card = send(page, "someone is posting mean things about me online").locator(".school")
    expect(card.get_by_role("heading")).to_have_text(heading)
    expect(card).to_contain_text(how)
    if audience != "young_person":
        expect(card).not_to_contain_text("break or lunch")


def test_an_adult_without_their_own_wording_gets_no_pupil_wording(visit):
    page = visit.page
    page.route("/school-card-2", lambda route: route.fulfill(status=200, content_type="text/html", body=(
        f'<!doctype html><html lang="en"><title>t</title><script src="/widget/{WIDGET_VERSION}/widget.js" defer '
        'data-audience="parent" data-school-contact="Mrs A. Reid" data-school-contact-how="Find her at break or lunch.">'
        '</script><p>School page</p></html>')))
    page.goto("/school-card-2")
    open_panel(page)
    card = send(page, "my son is being bullied online").locator(".school")
    expect(card).to_contain_text("You can talk to Mrs A. Reid.")
    expect(card).not_to_contain_text("break or lunch")
