"""POST /api/v1/chat and DELETE /api/v1/sessions/{id}."""
import logging

from fastapi import APIRouter, Path, Request, Response
from fastapi.responses import JSONResponse

from api import errors, metrics
from api.schemas import SESSION_ID, ChatRequest, ChatResponse, always_offered_payloads, as_text, button_payloads
from bot.domain import content

router = APIRouter(prefix="/api/v1")
log = logging.getLogger("api.chat")
# What of the action's reply (bot.domain.replies.Reply.payload) the API contract returns.
REPLY_FIELDS = tuple(f for f in ChatResponse.__fields__ if f not in ("session_id", "degraded"))


def rate_limited(limit: str):
    metrics.RATE_LIMITED.labels(limit).inc()
    text = content.rate_limited()
    response = errors.error_response(429, "rate_limited", text)
    response.headers["Retry-After"] = "60"
    return response


async def typed_button(request: Request, session_id, body: ChatRequest) -> ChatRequest:
    """The frozen 1.0.0 widget sends a button as typed text ("/grooming"). Exactly an offered
    payload is treated as that button (logged as such: the payload is from the allow-list, never
    free text); anything else is plain text, as typed text always is."""
    if await offered(request, session_id, body.message):
        log.info("typed button treated as a button: %s (widget 1.0.0)", body.message)
        return body.copy(update={"payload": body.message, "message": None})
    return body.copy(update={"message": as_text(body.message).strip() or body.message})


def deleted(request: Request, session_id: str) -> bool:
    try:
        return request.app.state.assistant.was_deleted(session_id)
    except Exception:  # the store is unreachable: refuse the id rather than revive a deleted one
        return True


async def stored(request: Request, session_id: str) -> bool:
    try:
        return await request.app.state.assistant.has_conversation(session_id)
    except Exception:  # the store is unreachable: keep the id; the turn will say what it can
        return True


async def offered(request: Request, session_id, payload: str) -> bool:
    try:
        return payload in await request.app.state.assistant.offered_payloads(session_id)
    except Exception:  # the store is unreachable: only what is always offered
        return payload in always_offered_payloads()


@router.post("/chat", response_model=ChatResponse, responses={429: {"description": "Too many messages"}})
async def chat(body: ChatRequest, request: Request):
    address = request.client.host if request.client else None
    # Only ids this service issued continue a conversation, and only while it is stored (or
    # just issued): an invented, expired or deleted one starts a new conversation with a new id.
    session_ids = request.app.state.session_ids
    issued = body.session_id if session_ids.valid(body.session_id) else None
    if issued and not session_ids.new_enough(issued) and not await stored(request, issued):
        issued = None
    if issued and session_ids.new_enough(issued) and deleted(request, issued):
        issued = None  # deleted on request: never accepted again, not even just after issue
    limit = request.app.state.rate_limits.exceeded(issued, address)
    if limit:
        return rate_limited(limit)
    if body.payload is None and body.message in button_payloads():
        body = await typed_button(request, issued, body)
    if body.payload is not None and not await offered(request, issued, body.payload):
        # A button the assistant did not offer in this conversation: "/safe_now" must not clear
        # an urgent conversation's urgency unless it was offered (issue 21). Nothing is stored.
        return errors.error_response(
            422, "payload_not_offered",
            "That button was not offered in this conversation. Please type your message or choose a topic.",
            [{"field": "payload", "problem": "not offered in this conversation"}])
    session_id = issued or request.app.state.session_ids.issue()
    reply, degraded = await request.app.state.assistant.respond(
        session_id, body.message, body.audience, payload=body.payload)
    metrics.record_reply(reply["topic"], reply["urgent"], degraded, reply["language"])
    # The reply as the action finished it (messages, buttons, cards): nothing is made again here,
    # not even by pydantic (ChatResponse documents the shape; tests/test_api.py holds replies to it).
    body = {"session_id": session_id, "degraded": degraded, **{k: reply[k] for k in REPLY_FIELDS}}
    return JSONResponse(body)


@router.delete("/sessions/{session_id}", status_code=204)
async def forget_session(request: Request, session_id: str = Path(..., regex=SESSION_ID)) -> Response:
    if not request.app.state.session_ids.valid(session_id):
        return Response(status_code=204)  # never issued, so nothing is stored under it
    try:
        request.app.state.assistant.forget(session_id)
    except Exception:  # e.g. Redis unreachable: say so, as JSON
        return errors.error_response(503, "store_unavailable", "The conversation could not be deleted right now. Please try again.")
    return Response(status_code=204)
