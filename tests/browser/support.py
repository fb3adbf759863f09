"""What the browser tests share: Debian's Chromium and a tab that refuses off-site requests.
A module, not the conftest, so test modules may import it (never import a conftest)."""
import contextlib
import functools
import threading
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Iterator, List, Sequence

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
# What production serves (api/security.py); added here to any page that lacks it, so these
# tests also prove the widget works without inline scripts or styles.
STRICT_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'self'"
)


@dataclass
class Visit:
    """One browser tab on the test server, with what it requested and reported."""
    page: object
    base: str
    requests: List[str] = field(default_factory=list)
    offsite: List[str] = field(default_factory=list)
    console_errors: List[str] = field(default_factory=list)
    page_errors: List[str] = field(default_factory=list)
    dialogs: List[str] = field(default_factory=list)


def open_visit(browser, base: str, width: int = 1280, height: int = 800, also: Sequence[str] = (), **options) -> Visit:
    context = browser.new_context(
        viewport={"width": width, "height": height}, base_url=base, locale="en-GB",
        service_workers="block", **options,
    )
    page = context.new_page()
    visit = Visit(page=page, base=base)

    def refuse_offsite(route):
        visit.offsite.append(route.request.url)
        route.abort()

    def is_page(url: str) -> bool:  # only pages: API calls (and the exit's keepalive DELETE) go straight through
        if not url.startswith(base + "/"):
            return False
        path = url[len(base):].split("?")[0].split("#")[0]
        return path in ("", "/") or path.startswith("/demo/")

    def ensure_csp(route):
        response = route.fetch()
        headers = dict(response.headers)
        headers.setdefault("content-security-policy", STRICT_CSP)
        route.fulfill(response=response, headers=headers)

    allowed = tuple(origin + "/" for origin in (base, *also))
    context.route(lambda url: not url.startswith(allowed), refuse_offsite)
    context.route(is_page, ensure_csp)
    context.on("request", lambda r: visit.requests.append(f"{r.method} {r.url}"))
    page.on("console", lambda m: m.type == "error" and visit.console_errors.append(m.text))
    page.on("pageerror", lambda e: visit.page_errors.append(str(e)))

    def on_dialog(dialog):
        visit.dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    return visit


LEFT_PAGE = '<!doctype html><html lang="en"><title>Left</title><p>Left</p></html>'


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@contextlib.contextmanager
def static_site(root: Path, port: int) -> Iterator[str]:
    """Serves the files in `root` (a school's pages, on an origin of their own) on 127.0.0.1:`port`,
    with the neutral page quick exit goes to (left.html); yields the site's address."""
    (root / "left.html").write_text(LEFT_PAGE, encoding="utf-8")
    server = ThreadingHTTPServer(("127.0.0.1", port), functools.partial(_QuietHandler, directory=str(root)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.shutdown()
        server.server_close()
