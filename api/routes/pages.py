"""The demo school pages and the embeddable widget script.

The widget is served at two addresses:
- `/widget/<version>/widget.js`: pinned. Its bytes never change, so browsers and CDNs may keep
  it for a year (`immutable`). Schools embed this one, so a new release never changes their
  page without them choosing to move.
- `/widget.js`: the latest version, cached briefly. Handy for trying the widget out.

Releasing a new version: copy the current api/static/widget.js to
api/static/widget/<old version>/widget.js (frozen, byte for byte), then change the widget and
bump WIDGET_VERSION here and VERSION in widget.js together (a test checks they match).
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
