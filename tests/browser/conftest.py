"""Browser fixtures: the real server (uvicorn in a subprocess, real model and action server)
and Debian's Chromium driven by Playwright. Never a downloaded browser: `make browser-deps`
installs Chromium with apt. No request leaves the machine: anything not addressed to the
test server is answered locally or refused, and recorded so tests can assert on it.
"""

import pytest

from bot.runtime.processes import free_port, start_api
from api.routes.pages import WIDGET_VERSION
from tests.browser.support import CHROMIUM, CHROMIUM_ARGS, Visit, open_visit, static_site
from tests.support import ARTIFACTS, METRICS_TOKEN, MODEL


@pytest.fixture(scope="module")
def school_port():
    """The port of a stand-in school website: another origin, allowed by the server's CORS list."""
    return free_port()


@pytest.fixture(scope="module")
def live_server(action_server_url, school_port):
    """The API as `make run` serves it, on a free loopback port."""
    if not MODEL.exists():
        pytest.exit(f"no trained model at {MODEL}: run `make test` (it trains first)", returncode=2)
    # As api/serve.py runs it (no access log, no proxy headers, timeouts).
    server = start_api(action_server_url, "browser-test-server", log_dir=ARTIFACTS,
                       cors_origins=f'["http://127.0.0.1:{school_port}"]', metrics_token=METRICS_TOKEN)
    try:
        server.wait_ready("/readyz", timeout=120)
        yield server.url
    finally:
        server.stop()


@pytest.fixture(scope="module")
def school_site(live_server, school_port, tmp_path_factory):
    """A static school page on its own origin that embeds the widget from the server's origin."""
    root = tmp_path_factory.mktemp("school-site")
    site = f"http://127.0.0.1:{school_port}"
    (root / "index.html").write_text(
        '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Other School</title>'
        f'<script src="{live_server}/widget/{WIDGET_VERSION}/widget.js" defer '
        f'data-exit-url="{site}/left.html" data-school-contact="Ms C. Brown"></script></head>'
        '<body><main><h1>Other School</h1></main></body></html>', encoding="utf-8")
    with static_site(root, school_port) as site:
        yield site


@pytest.fixture(scope="module")
def playwright_driver():
    """One Playwright per module (two at once cannot run): every browser of a module is launched from it."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run `make browser-deps` (apt-get install chromium)", pytrace=False)
    from playwright.sync_api import sync_playwright

    # Module scope: Playwright's own event loop is gone before any asyncio test runs.
    with sync_playwright() as playwright:
        yield playwright


@pytest.fixture(scope="module")
def browser(playwright_driver):
    chromium = playwright_driver.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    yield chromium
    chromium.close()


@pytest.fixture
def visit(browser, live_server):
    """A fresh tab (its own sessionStorage) at desktop size."""
    v = open_visit(browser, live_server)
    yield v
    v.page.context.close()
    assert not v.page_errors, f"JavaScript errors: {v.page_errors}"


@pytest.fixture
def new_visit(browser, live_server):
    """A factory for tabs of other sizes or settings; each is closed after the test."""
    visits = []

    def make(**kwargs) -> Visit:
        v = open_visit(browser, live_server, **kwargs)
        visits.append(v)
        return v

    yield make
    for v in visits:
        v.page.context.close()
