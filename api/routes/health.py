"""Liveness and readiness."""
import httpx
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

router = APIRouter()


@router.get("/healthz")
async def healthz():
    return {"status": "ok"}


async def action_server_up(webhook_url: str) -> bool:
    health = webhook_url.rsplit("/", 1)[0] + "/health"
    try:
        async with httpx.AsyncClient(timeout=2.0) as client:
            return (await client.get(health)).status_code == 200
    except httpx.HTTPError:
        return False


@router.get("/readyz")
async def readyz(request: Request):
    assistant = getattr(request.app.state, "assistant", None)
    model = bool(assistant and assistant.is_ready())
    actions = await action_server_up(request.app.state.settings.action_server_url)
    ready = model and actions
    # Loaded model but no action server: chat still answers, in degraded mode.
    status = "ready" if ready else ("degraded" if model else "not_ready")
    body = {"status": status, "model_loaded": model, "action_server": actions}
    return JSONResponse(body, status_code=200 if ready else 503)
