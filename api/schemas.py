"""The API v1 contract (see DESIGN.md)."""
import re
from typing import List, Literal, Optional

from pydantic import BaseModel, Field, StrictStr, validator

Audience = Literal["young_person", "parent", "professional"]
SESSION_ID = r"^[A-Za-z0-9_-]{8,64}$"
# Control characters (except tab/newline) are stripped before anything else sees the text.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
MAX_MESSAGE_CHARS = 1000


class ChatRequest(BaseModel):
    session_id: Optional[StrictStr] = Field(None, regex=SESSION_ID)
    message: StrictStr = Field(..., description="What the person typed (1-1000 characters).")
    audience: Optional[Audience] = None

    @validator("message")
    def clean_message(cls, value: str) -> str:
        value = _CONTROL.sub("", value).strip()
        if not value:
            raise ValueError("message must not be empty")
        if len(value) > MAX_MESSAGE_CHARS:
            raise ValueError(f"message must be at most {MAX_MESSAGE_CHARS} characters")
        return value

    class Config:
        extra = "forbid"


class Button(BaseModel):
    title: str
    payload: str


class Message(BaseModel):
    text: str
    buttons: List[Button] = []


class ServiceCard(BaseModel):
    id: str
    name: str
    summary: str
    phone: Optional[str]
    text: Optional[str]
    url: Optional[str]
    hours: Optional[str]


class ChatResponse(BaseModel):
    session_id: str
    topic: Optional[str]
    urgent: bool
    degraded: bool
    messages: List[Message]
    services: List[ServiceCard]


class ServicesResponse(BaseModel):
    topic: Optional[str]
    audience: Audience
    services: List[ServiceCard]
