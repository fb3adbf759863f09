"""The API v1 contract (see DESIGN.md)."""
import re
from typing import FrozenSet, List, Literal, Optional, get_type_hints

from pydantic import BaseModel, Field, StrictStr, create_model, validator

from bot.domain import directory, taxonomy

Audience = Literal[taxonomy.AUDIENCES]
# The form of a session id (what the widget stores); whether the server issued it is checked by
# its signature (api/sessions.py). "$" also matches before a trailing newline, so the value is
# checked again with fullmatch.
SESSION_ID = r"^[A-Za-z0-9_-]{8,64}$"
_SESSION_ID_FULL = re.compile(r"[A-Za-z0-9_-]{8,64}")
# Control characters (except tab/newline) are stripped before anything else sees the text.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Lone surrogates ("\ud800") are not text: JSON can carry them, UTF-8 and spaCy cannot.
_SURROGATE = re.compile(r"[\ud800-\udfff]")
# Rasa reads text starting with "/" as intent syntax ("/intent{...}"): typed text never may.
_INTENT_PREFIX = re.compile(r"^[\s/]+")
MAX_MESSAGE_CHARS = 1000


def button_payloads() -> FrozenSet[str]:
    """Every payload a button may send: "/<intent>" for the intents of bot/topics.yml (topic
    menu, follow-ups, audience, "You also mentioned ..."), never with entities."""
    return frozenset(f"/{intent}" for intent in taxonomy.intent_topics() if intent != "nlu_fallback")


def always_offered_payloads() -> FrozenSet[str]:
    """What a button press may send in any conversation, even the first turn: the topic menu
    (GET /api/v1/topics, the same as the bot's menu), who is asking, and "I need help now"
    ("/danger": it can only add urgency, so it is never refused)."""
    from bot.domain import replies

    return frozenset([b["payload"] for b in replies.menu_buttons()]
                     + [f"/{taxonomy.audience_intent(a)}" for a in taxonomy.AUDIENCES] + ["/danger"])


def as_text(value: str) -> str:
    """Typed text as plain text: never intent syntax for Rasa's parser."""
    return _INTENT_PREFIX.sub("", value) if value.lstrip().startswith("/") else value


class ChatRequest(BaseModel):
    session_id: Optional[StrictStr] = Field(None, regex=SESSION_ID)
    # Before `message`, so that message's check can see it.
    payload: Optional[StrictStr] = Field(
        None, description="A button's payload, exactly as the server offered it (e.g. `/audience_parent`).",
        enum=sorted(button_payloads()))  # documented in the OpenAPI schema; checked below
    message: Optional[StrictStr] = Field(
        None, description="What the person typed (1-1000 characters). Required unless `payload` is given.")
    audience: Optional[Audience] = None

    @validator("session_id")
    def whole_session_id(cls, value: Optional[str]) -> Optional[str]:
        if value is not None and not _SESSION_ID_FULL.fullmatch(value):
            raise ValueError("session_id must be 8-64 letters, digits, '-' or '_'")
        return value

    @validator("payload")
    def known_payload(cls, value: Optional[str]) -> Optional[str]:
        if value is not None and value not in button_payloads():
            raise ValueError("payload must be one of the button payloads the assistant offers")
        return value

    @validator("message", always=True)
    def clean_message(cls, value: Optional[str], values) -> Optional[str]:
        if value is None:
            if "payload" in values and values["payload"] is None:
                raise ValueError("field required (a message, or a button's payload)")
            return value
        # Replaced (U+FFFD) rather than refused: a broken emoji should not lose the message.
        value = _SURROGATE.sub("\ufffd", value)
        value = _CONTROL.sub("", value).strip()
        if value in button_payloads():
            # Exactly a button's payload, as the frozen 1.0.0 widget sends its buttons (typed
            # text): kept so the route can treat it as that button when it was offered (issue 21).
            return value
        value = as_text(value).strip()
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


def _card_field(name: str):
    """(type, default) of a card field, from bot.domain.directory.Service: optional ones may be null."""
    hint = get_type_hints(directory.Service)[name]
    return (hint, None if hint == Optional[str] else ...)


# The card fields and their types are defined once, in bot/domain/directory.py.
ServiceCard = create_model("ServiceCard", **{f: _card_field(f) for f in directory.CARD_FIELDS})


class ChatResponse(BaseModel):
    session_id: str
    topic: Optional[str]
    urgent: bool
    degraded: bool
    messages: List[Message]
    services: List[ServiceCard]


class AudienceChoice(BaseModel):
    id: Audience
    label: str
    payload: str = Field(..., description="The payload of the button that says who is asking (e.g. `/audience_parent`).")


class TopicsResponse(BaseModel):
    buttons: List[Button]
    audiences: List[AudienceChoice] = Field(
        ..., description="Who may be asking (bot/topics.yml), the default first: the values of `audience`.")


class ServicesResponse(BaseModel):
    topic: Optional[str]
    audience: Audience
    services: List[ServiceCard]
