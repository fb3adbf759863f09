"""The demo school pages and the embeddable widget script.

The widget is served at two addresses:
- `/widget/<version>/widget.js`: pinned. Its bytes never change, so browsers and CDNs may keep
  it for a year (`immutable`). Schools embed this one, so a new release never changes their
  page without them choosing to move.
- `/widget.js`: the latest version, cached briefly. Handy for trying the widget out.

From 1.3.0 widget.js is only the launcher: the chat runs in a frame served
from this origin, `/widget/<version>/frame` (frame.html, with frame.js and frame.css beside it),
so the conversation and its session id live in this origin's storage, out of reach of the
school page's scripts. The frame page may be shown only inside the school sites of
SIGNPOST_CORS_ORIGINS (its Content-Security-Policy `frame-ancestors`, api/security.py).

Releasing a new version: copy the current api/static/widget.js to
api/static/widget/<old version>/widget.js (frozen, byte for byte), then change the widget and
bump WIDGET_VERSION here and VERSION in widget.js and frame.js together (a test checks they
match). Only the served version has a frame so far; a frozen launcher of 1.3.0 or later needs
its frame frozen with it (frame.html, frame.js, frame.css under the same folder), served by
`widget_frame_file` below.
"""
import re
from pathlib import Path

from fastapi import APIRouter, HTTPException
from fastapi.responses import FileResponse

STATIC = Path(__file__).resolve().parent.parent / "static"
WIDGET = STATIC / "widget.js"
FROZEN_WIDGETS = STATIC / "widget"
WIDGET_VERSION = "1.3.0"
VERSION_PATTERN = re.compile(r"^\d+\.\d+\.\d+$")
# The chat's frame (served version only): its page, script and stylesheet.
FRAME_PAGE = STATIC / "frame.html"
FRAME_FILES = {"frame.js": "application/javascript; charset=utf-8", "frame.css": "text/css; charset=utf-8"}
FRAME_PATH = re.compile(r"^/widget/\d+\.\d+\.\d+/frame$")  # api/security.py: who may show it

JAVASCRIPT = "application/javascript; charset=utf-8"
PINNED_CACHE = "public, max-age=31536000, immutable"
LATEST_CACHE = "public, max-age=300"
PAGE_CACHE = "no-cache"

router = APIRouter(include_in_schema=False)


def _script(path: Path, cache: str) -> FileResponse:
    return FileResponse(
        path,
        media_type=JAVASCRIPT,
        headers={
            "Cache-Control": cache,
            # A public script: any school page may load it, also with Subresource Integrity
            # (`integrity=` + `crossorigin="anonymous"`), and under Cross-Origin-Embedder-Policy.
            "Access-Control-Allow-Origin": "*",
            "Cross-Origin-Resource-Policy": "cross-origin",
        },
    )


def _page(name: str) -> FileResponse:
    return FileResponse(STATIC / name, media_type="text/html; charset=utf-8", headers={"Cache-Control": PAGE_CACHE})


@router.api_route("/", methods=["GET", "HEAD"])
async def demo_page():
    return _page("index.html")


@router.api_route("/demo/about", methods=["GET", "HEAD"])
async def demo_about_page():
    """A second page of the demo school site: the conversation carries over between pages."""
    return _page("about.html")


@router.api_route("/static/demo.css", methods=["GET", "HEAD"])
async def demo_css():
    return FileResponse(STATIC / "demo.css", media_type="text/css; charset=utf-8", headers={"Cache-Control": LATEST_CACHE})


@router.api_route("/widget.js", methods=["GET", "HEAD"])
async def widget_latest():
    return _script(WIDGET, LATEST_CACHE)


@router.api_route("/widget/{version}/widget.js", methods=["GET", "HEAD"])
async def widget_pinned(version: str):
    if VERSION_PATTERN.match(version):
        if version == WIDGET_VERSION:
            return _script(WIDGET, PINNED_CACHE)
        frozen = FROZEN_WIDGETS / version / "widget.js"
        if frozen.is_file():
            return _script(frozen, PINNED_CACHE)
    raise HTTPException(404, f"Widget version {version!r} does not exist. The current version is {WIDGET_VERSION}.")


def _frame_version(version: str) -> None:
    if version != WIDGET_VERSION:
        raise HTTPException(404, f"Widget version {version!r} has no chat frame. The current version is {WIDGET_VERSION}.")


@router.api_route("/widget/{version}/frame", methods=["GET", "HEAD"])
async def widget_frame(version: str):
    """The chat, for the launcher's <iframe>. Revalidated each time (its page is tiny; its
    frame-ancestors header follows the settings); nothing in it is about the person: the
    conversation is drawn by frame.js from this origin's sessionStorage."""
    _frame_version(version)
    return FileResponse(FRAME_PAGE, media_type="text/html; charset=utf-8", headers={"Cache-Control": PAGE_CACHE})


@router.api_route("/widget/{version}/{name}", methods=["GET", "HEAD"])
async def widget_frame_file(version: str, name: str):
    """frame.js and frame.css of the served version: pinned like the launcher (immutable)."""
    _frame_version(version)
    if name not in FRAME_FILES:
        raise HTTPException(404, f"No widget file {name!r}.")
    return FileResponse(STATIC / name, media_type=FRAME_FILES[name], headers={"Cache-Control": PINNED_CACHE})
