"""The demo school page at / and the embeddable widget script."""
from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import FileResponse

STATIC = Path(__file__).resolve().parent.parent / "static"
router = APIRouter(include_in_schema=False)


@router.get("/")
async def demo_page():
    return FileResponse(STATIC / "index.html", media_type="text/html")
