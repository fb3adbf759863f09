"""POST /api/v1/chat and DELETE /api/v1/sessions/{id}."""
import uuid

from fastapi import APIRouter, Path, Request, Response

from api.schemas import SESSION_ID, ChatRequest, ChatResponse
from bot import directory

router = APIRouter(prefix="/api/v1")


@router.post("/chat", response_model=ChatResponse)
async def chat(body: ChatRequest, request: Request, response: Response) -> ChatResponse:
    session_id = body.session_id or uuid.uuid4().hex
    reply, degraded = await request.app.state.assistant.respond(session_id, body.message, body.audience)
    response.headers["Cache-Control"] = "no-store"
    return ChatResponse(
        session_id=session_id,
        topic=reply.topic,
        urgent=reply.urgent,
        degraded=degraded,
        messages=reply.messages,
        services=directory.cards(reply.services),
    )


@router.delete("/sessions/{session_id}", status_code=204)
async def forget_session(request: Request, session_id: str = Path(..., regex=SESSION_ID)) -> Response:
    request.app.state.assistant.forget(session_id)
    return Response(status_code=204)
