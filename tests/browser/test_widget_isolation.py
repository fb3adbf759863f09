"""The conversation is out of reach of the school page's other scripts.

From 1.3.0 the chat runs in a frame served by the assistant's origin; the school's page only
has the launcher. Here the school's page is on its own origin (another port), as in real use,
and a "script of the school's page" (analytics, a plug-in) looks for what the child typed: in
the page's storage, its DOM (the launcher's open shadow root too), the frame's URL, and the
frame itself. With the frozen 1.2.0 it finds the text and the session id (proof the test can
fail); with the served version, nothing. Messages between the frame and the page carry no
text, and the quick exit still leaves the school's page at once.
"""
import json
import time

import pytest
from playwright.sync_api import expect

from api.routes.pages import WIDGET_VERSION
from tests.browser.support import open_visit, static_site
from tests.browser.test_widget import FRAME, LAUNCHER, REPLY_TIMEOUT, STORE_KEY, chat, in_chat, sessions_deleted, stored

pytestmark = pytest.mark.slow

BEFORE = "1.2.0"  # the frozen widget that kept the conversation in the page's sessionStorage
CANARY = "zqxv canary my bestfriend keeps getting messages"
MESSAGE_FIELDS = {"signpost", "type", "open", "focus"}
MESSAGE_TYPES = {"ready", "state", "open", "close", "exit", "exited"}
# Every message event any frame of the tab receives, recorded before the page's own scripts run.
RECORD_MESSAGES = ("window.__messages = []; addEventListener('message', e => "
                   "window.__messages.push({origin: e.origin, data: JSON.stringify(e.data)}));")

# What any script on the school's page can reach, as it would look.
SNOOP = """() => {
  const found = {};
  found.sessionStorage = JSON.stringify(Object.entries(sessionStorage));
  found.localStorage = JSON.stringify(Object.entries(localStorage));
  found.cookie = document.cookie;
  found.name = window.name;
  const host = document.querySelector('[data-signpost-widget]');
  found.dom = document.documentElement.outerHTML + (host && host.shadowRoot ? host.shadowRoot.innerHTML : '');
  found.text = document.body.innerText + (host && host.shadowRoot ? host.shadowRoot.textContent : '');
  const frame = host && host.shadowRoot && host.shadowRoot.querySelector('iframe');
  found.frameUrl = frame ? frame.src : '';
  found.frameDocument = frame ? String(frame.contentDocument) : 'no frame';
  for (const what of ['sessionStorage', 'localStorage', 'document']) {
    try {
      found['frame ' + what] = frame ? JSON.stringify(Object.entries(frame.contentWindow[what])) : 'no frame';
    } catch (e) {
      found['frame ' + what] = 'refused: ' + e.name;
    }
  }
  return found;
}"""


@pytest.fixture(scope="module")
def school(live_server, school_port, tmp_path_factory):
    """Pages of a school site on its own (allowed) origin, for the served widget and 1.2.0."""
    root = tmp_path_factory.mktemp("isolation-site")
    for version in (WIDGET_VERSION, BEFORE):
        (root / f"page-{version}.html").write_text(
            '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>School</title>'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f'<script src="{live_server}/widget/{version}/widget.js" defer data-exit-url="/left.html" '
            'data-school-contact="Ms C. Brown"></script></head><body><h1>School</h1></body></html>',
            encoding="utf-8")
    with static_site(root, school_port) as site:
        yield site


@pytest.fixture
def tab(browser, live_server, school):
    visit = open_visit(browser, live_server, also=(school,))
    visit.page.add_init_script(RECORD_MESSAGES)
    yield visit
    visit.page.context.close()
    assert not visit.page_errors, visit.page_errors


def chat_in(page, version, text):
    """Opens the chat of `version` on the school's page, sends `text`; returns the session id
    the server gave (read from the API's answer, as the browser received it)."""
    ui = chat(page) if version == WIDGET_VERSION else page
    page.get_by_role("button", name=LAUNCHER).click()
    box = ui.get_by_role("textbox", name="Type your message")
    with page.expect_response("**/api/v1/chat") as answer:
        box.fill(text)
        box.press("Enter")
    expect(ui.locator(".reply")).to_have_count(1, timeout=REPLY_TIMEOUT)
    return answer.value.json()["session_id"]


def leaks(found, secrets):
    return sorted({f"{where}: {secret[:12]}" for where, value in found.items() for secret in secrets if secret in value})


@pytest.mark.parametrize("version", [WIDGET_VERSION, BEFORE])
def test_the_school_pages_scripts_cannot_read_the_conversation(tab, school, version):
    page = tab.page
    page.goto(f"{school}/page-{version}.html")
    session_id = chat_in(page, version, CANARY)
    found = page.evaluate(SNOOP)
    found_later = None
    if version == WIDGET_VERSION:
        page.goto(f"{school}/page-{version}.html")  # another page of the site: the chat is restored
        expect(chat(page).locator(".msg.you")).to_have_count(1)
        found_later = page.evaluate(SNOOP)
    secrets = [CANARY, "canary", session_id]
    if version == BEFORE:  # the bug: the page's sessionStorage held the transcript and the id
        assert "sessionStorage: zqxv canary " in leaks(found, secrets)
        assert any(leak.startswith("sessionStorage: " + session_id[:12]) for leak in leaks(found, secrets))
        return
    assert leaks(found, secrets) == [], found
    assert leaks(found_later, secrets) == [], found_later
    # The frame is another origin: the page cannot look into it.
    assert found["frameDocument"] == "null"
    assert found["frame sessionStorage"].startswith("refused: SecurityError")
    assert found["frame localStorage"].startswith("refused: SecurityError")
    assert found["frame document"].startswith("refused: SecurityError")
    # The chat keeps it in its own storage, which the page's storage is not.
    assert CANARY in stored(page) and found["sessionStorage"] == "[]" and found["localStorage"] == "[]"


def test_messages_between_the_chat_and_the_page_carry_no_text(tab, school, live_server):
    page = tab.page
    page.goto(f"{school}/page-{WIDGET_VERSION}.html")
    chat_in(page, WIDGET_VERSION, CANARY)
    chat(page).get_by_role("button", name="Close chat").click()
    expect(page.get_by_role("button", name=LAUNCHER)).to_be_focused()
    page.get_by_role("button", name=LAUNCHER).click()
    on_page = page.evaluate("() => window.__messages")
    in_frame = in_chat(page, "() => window.__messages")
    assert on_page and in_frame
    assert {m["origin"] for m in on_page} == {live_server}, "the page hears only the chat's origin"
    assert {m["origin"] for m in in_frame} == {school}, "the chat hears only the school page"
    for m in on_page + in_frame:
        data = json.loads(m["data"])
        assert set(data) <= MESSAGE_FIELDS and data["type"] in MESSAGE_TYPES, data
        assert data["signpost"] == WIDGET_VERSION
        assert "canary" not in m["data"]
    assert [json.loads(m["data"])["type"] for m in on_page][:1] == ["ready"]
    assert "close" in [json.loads(m["data"])["type"] for m in on_page]


def test_a_message_not_from_the_chats_frame_is_ignored(tab, school):
    """Another script on the page cannot make the launcher leave (or do anything) by posting
    a message that looks like the chat's: only the frame's window and origin are heard."""
    page = tab.page
    page.goto(f"{school}/page-{WIDGET_VERSION}.html")
    page.wait_for_function("() => window.__messages.length > 0")  # the chat has said "ready"
    page.evaluate(f"() => window.postMessage({{signpost: {WIDGET_VERSION!r}, type: 'exit'}}, '*')")
    page.wait_for_timeout(500)
    assert page.url == f"{school}/page-{WIDGET_VERSION}.html"
    expect(page.get_by_role("button", name=LAUNCHER)).to_be_visible()


@pytest.mark.parametrize("where", ["chat", "page"])
def test_quick_exit_leaves_the_school_page_at_once_and_the_chat_forgets(tab, school, live_server, where):
    """From the chat's own button (the frame tells the page) and from the page's button while
    the chat is closed (the page hides itself at once, the frame forgets, then it leaves)."""
    page = tab.page
    page.goto(f"{school}/page-{WIDGET_VERSION}.html")
    session_id = chat_in(page, WIDGET_VERSION, CANARY)
    deleted_before = sessions_deleted(live_server)
    if where == "chat":
        started = time.monotonic()
        chat(page).get_by_role("button", name="Exit this page").click()
    else:
        chat(page).get_by_role("button", name="Close chat").click()
        started = time.monotonic()
        right_after = page.evaluate("""() => {
            const root = document.querySelector('[data-signpost-widget]').shadowRoot;
            root.querySelector('.bar .exit').click();
            const overlay = root.querySelector('.overlay');
            return [document.documentElement.style.visibility, !overlay.hidden, overlay.getAttribute('role')];
        }""")
        assert right_after == ["hidden", True, "alert"], "the page is hidden in the same moment"
    page.wait_for_url(f"{school}/left.html", timeout=5000)
    took = time.monotonic() - started
    assert took < 2.0, f"the exit took {took:.2f} s"
    assert f"DELETE {live_server}/api/v1/sessions/{session_id}" in tab.requests
    for _ in range(50):  # the keepalive DELETE outlives the frame that sent it
        if sessions_deleted(live_server) > deleted_before:
            break
        page.wait_for_timeout(100)
    assert sessions_deleted(live_server) == deleted_before + 1
    page.goto(f"{school}/page-{WIDGET_VERSION}.html")  # back on the school's site in this tab
    assert stored(page) is None
    page.get_by_role("button", name=LAUNCHER).click()
    expect(chat(page).locator(".reply, .msg.you")).to_have_count(0)


@pytest.mark.parametrize("frame", ["says ready, never exited", "never starts"])
def test_the_page_leaves_even_if_the_chat_never_answers(tab, school, frame):
    """A frame that does not say it has forgotten does not hold the exit back (at most 250 ms)."""
    page = tab.page
    script = f"<script>parent.postMessage({{signpost: '{WIDGET_VERSION}', type: 'ready', open: false}}, '*')</script>"
    body = "<p>quiet</p>" + (script if frame.startswith("says") else "")
    page.route("**/widget/*/frame", lambda route: route.fulfill(status=200, content_type="text/html", body=body))
    page.goto(f"{school}/page-{WIDGET_VERSION}.html")
    if frame.startswith("says"):
        page.wait_for_function("() => window.__messages.some(m => m.data.includes('ready'))")
    started = time.monotonic()
    page.get_by_role("button", name="Exit this page").click()
    page.wait_for_url(f"{school}/left.html", timeout=2000)
    assert time.monotonic() - started < 1.5


def test_when_the_chat_cannot_load_the_page_gives_the_numbers(tab, school):
    """The assistant is down (the frame and /healthz do not answer): the launcher's own panel
    says so with 999, Childline and Samaritans, and offers nothing to type into."""
    page = tab.page
    page.route("**/widget/*/frame", lambda route: route.abort("connectionrefused"))
    page.route("**/healthz", lambda route: route.abort("connectionrefused"))
    page.goto(f"{school}/page-{WIDGET_VERSION}.html")
    page.get_by_role("button", name=LAUNCHER).click()
    panel = page.get_by_role("dialog", name="Online safety help")
    expect(panel).to_be_visible()
    expect(panel.locator(".fail")).to_contain_text("the chat cannot load right now", timeout=REPLY_TIMEOUT)
    hrefs = set(panel.get_by_role("link").evaluate_all("links => links.map(a => a.getAttribute('href'))"))
    assert {"tel:999", "tel:08001111", "tel:116123"} <= hrefs, hrefs
    expect(page.get_by_role("textbox")).to_have_count(0)
    page.keyboard.press("Escape")
    expect(panel).to_be_hidden()
    expect(page.get_by_role("button", name=LAUNCHER)).to_be_focused()


def test_a_1_2_0_conversation_left_in_the_pages_storage_is_removed(tab, school):
    """A school moving from 1.2.0: what 1.2.0 left in the page's sessionStorage is deleted."""
    page = tab.page
    page.goto(f"{school}/page-{BEFORE}.html")
    chat_in(page, BEFORE, CANARY)
    assert CANARY in page.evaluate(f"() => sessionStorage.getItem({STORE_KEY!r})")
    page.goto(f"{school}/page-{WIDGET_VERSION}.html")
    page.wait_for_function("() => window.__messages.length > 0")
    assert page.evaluate("() => sessionStorage.length") == 0


def test_the_chat_fills_a_phone_screen(new_visit, school):
    visit = new_visit(width=360, height=740, has_touch=True, is_mobile=True, reduced_motion="reduce", also=(school,))
    page = visit.page
    page.goto(f"{school}/page-{WIDGET_VERSION}.html")
    page.get_by_role("button", name=LAUNCHER).click()
    expect(chat(page).get_by_role("dialog", name="Online safety help")).to_be_visible()
    box = {k: round(v) for k, v in page.locator(FRAME).bounding_box().items()}
    assert box == {"x": 0, "y": 0, "width": 360, "height": 740}
    panel = {k: round(v) for k, v in chat(page).get_by_role("dialog").bounding_box().items()}
    assert panel == box, "the chat fills its frame"
