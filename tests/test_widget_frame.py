"""The widget's chat frame as the server serves it (its page, script and
stylesheet; who may show it). The browser side is tests/browser/test_widget_isolation.py."""
import re

from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from starlette.testclient import TestClient

from api.routes.pages import FRAME_PATH, WIDGET_VERSION
from api.security import GatewayMiddleware
from bot.runtime.settings import Settings
from bot import ROOT

SCHOOL = "https://school.example.org"  # the allowed origin of the shared test client (tests/conftest.py)
STATIC = ROOT / "api" / "static"


def ancestors(csp: str) -> str:
    return re.search(r"frame-ancestors ([^;]*)", csp).group(1).strip()


def test_the_frame_page_may_be_shown_only_on_the_allowed_school_sites(client):
    page = client.get(f"/widget/{WIDGET_VERSION}/frame")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert page.content == (STATIC / "frame.html").read_bytes()
    assert ancestors(page.headers["content-security-policy"]) == f"'self' {SCHOOL}"
    assert "x-frame-options" not in page.headers  # it would refuse every school
    assert "unsafe-inline" not in page.headers["content-security-policy"]
    assert page.headers["cache-control"] == "no-cache"  # revalidated: frame-ancestors follows the settings
    assert page.headers["referrer-policy"] == "no-referrer"
    assert "set-cookie" not in page.headers
    # The page is the same for every school and every person: nothing about them comes in the
    # request (the launcher passes the school's settings in the URL's fragment, never sent).
    assert client.get(f"/widget/{WIDGET_VERSION}/frame?anything=1").content == page.content
    assert '<script src="frame.js" defer></script>' in page.text and '<link rel="stylesheet" href="frame.css">' in page.text
    assert "<style" not in page.text and "style=" not in page.text
    assert not re.search(r"<script(?![^>]*\bsrc=)", page.text), "no inline scripts (strict CSP)"


def test_the_frames_script_and_stylesheet_are_pinned_with_the_version(client):
    for name, kind in (("frame.js", "application/javascript"), ("frame.css", "text/css")):
        got = client.get(f"/widget/{WIDGET_VERSION}/{name}")
        assert got.status_code == 200 and got.headers["content-type"].startswith(kind), name
        assert got.content == (STATIC / name).read_bytes()
        assert "immutable" in got.headers["cache-control"]
    assert f'var VERSION = "{WIDGET_VERSION}";' in (STATIC / "frame.js").read_text(encoding="utf-8")


def test_no_frame_for_other_versions_or_other_files(client):
    for path in ("/widget/1.2.0/frame", "/widget/1.2.0/frame.js", f"/widget/{WIDGET_VERSION}/widget.css",
                 f"/widget/{WIDGET_VERSION}/frame.html", f"/widget/{WIDGET_VERSION}/..%2Fsettings.py"):
        got = client.get(path)
        assert got.status_code == 404, path
        assert got.json()["error"]


def test_other_pages_keep_their_policy(client):
    """Only the frame's route has its own frame-ancestors; other responses keep the global one."""
    for path in ("/", f"/widget/{WIDGET_VERSION}/widget.js", "/api/v1/topics"):
        assert ancestors(client.get(path).headers["content-security-policy"]) == f"'self' {SCHOOL}", path
    assert FRAME_PATH.match(f"/widget/{WIDGET_VERSION}/frame") and not FRAME_PATH.match("/widget/1.3.0/frame.js")


def _gateway(settings: Settings) -> TestClient:
    app = Starlette(routes=[Route("/{path:path}", lambda request: PlainTextResponse("ok"))])
    return TestClient(GatewayMiddleware(app, settings))


def test_with_no_origins_only_the_assistants_own_pages_may_show_the_frame():
    got = _gateway(Settings(cors_origins=[])).get(f"/widget/{WIDGET_VERSION}/frame")
    assert ancestors(got.headers["content-security-policy"]) == "'self'"


def test_the_development_wildcard_lets_any_site_show_the_frame_only():
    gateway = _gateway(Settings(environment="development", cors_origins=["*"]))
    assert ancestors(gateway.get(f"/widget/{WIDGET_VERSION}/frame").headers["content-security-policy"]) == "*"
    assert ancestors(gateway.get("/").headers["content-security-policy"]) == "'self'"
