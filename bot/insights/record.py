"""What is kept about one conversation: the summary (while it lasts) and the counts it adds.

`summarise(tracker)` reads a conversation's events and keeps only: the school id (put in the
first message's metadata by the gateway, never the origin itself), the topics its replies
reached, the highest risk level, the audience, the age band and whether a service card was
opened. No text, no session id, no time, no platform, no exact age. The Redis store keeps this
summary beside a live conversation (bot/engine/redis_tracker_store.py); it is gone when the
conversation has ended and been counted.

`increments(summary, week, deleted)` turns an ended conversation into the counters it adds to
(measure, value): one for the conversation, one per topic, one each for the risk level, audience
and age band, one per topic and age band, one if a card was opened. A conversation the person
deleted ("End chat", "Exit this page") adds one thing only: ("exits", "").
"""
import json
from dataclasses import dataclass
from typing import FrozenSet, Iterable, List, Optional, Tuple

from bot.domain import taxonomy
from bot.domain.conversation_state import State
from bot.domain.replies import PAYLOAD_KEY

RISKS = ("none", "concern", "urgent")
AUDIENCES = tuple(taxonomy.AUDIENCES) + ("unknown",)
AGE_BANDS = ("under_13", "13_15", "16_18", "19_plus", "unknown")
# What a widget may say was opened (POST /api/v1/sessions/{id}/opened): a service card's link.
OPENED_SERVICE = "service"
# The event the gateway adds to a conversation when a card was opened: Rasa's AgentUttered, which
# no policy reads, with no text and this data only.
OPENED_DATA = {"opened": OPENED_SERVICE}
# Metadata key of the first message: the school's id (from the request's allowed origin).
SCHOOL_KEY = "school"

Counter = Tuple[str, str]  # (measure, value)


def age_band(age: Optional[float]) -> str:
    if age is None:
        return "unknown"
    age = int(age)
    if age < 13:
        return "under_13"
    if age <= 15:
        return "13_15"
    if age <= 18:
        return "16_18"
    return "19_plus"


@dataclass(frozen=True)
class Summary:
    school: str = ""  # "" when the conversation did not start on a listed school's site
    topics: FrozenSet[str] = frozenset()
    risk: str = "none"
    audience: str = "unknown"
    age: str = "unknown"
    opened: bool = False

    def dumps(self) -> str:
        return json.dumps({"s": self.school, "t": sorted(self.topics), "r": self.risk, "a": self.audience,
                           "g": self.age, "o": self.opened}, separators=(",", ":"))

    @classmethod
    def loads(cls, text: str) -> "Summary":
        raw = json.loads(text)
        topics = frozenset(t for t in raw.get("t", ()) if t in taxonomy.topic_ids())
        return cls(
            school=str(raw.get("s") or ""), topics=topics,
            risk=raw.get("r") if raw.get("r") in RISKS else "none",
            audience=raw.get("a") if raw.get("a") in AUDIENCES else "unknown",
            age=raw.get("g") if raw.get("g") in AGE_BANDS else "unknown",
            opened=bool(raw.get("o")),
        )


def _worse(a: str, b: str) -> str:
    return a if RISKS.index(a) >= RISKS.index(b) else b


SLOTS = ("audience", "writer", "age", "subject_age")


def summarise_events(events: Iterable) -> Summary:
    """The summary of a conversation from its events (Rasa Event objects). Slots are read from
    their SlotSet events (a tracker rebuilt by a store may not know the domain's slots)."""
    school, topics, risk, opened, slots = None, set(), "none", False, {}
    for event in events:
        kind = getattr(event, "type_name", "")
        if kind == "user":
            if school is None and isinstance(event.metadata, dict) and SCHOOL_KEY in event.metadata:
                school = str(event.metadata.get(SCHOOL_KEY) or "")
            found = (event.parse_data or {}).get("risk") or {}
            if isinstance(found, dict) and found.get("urgent"):
                risk = "urgent"
        elif kind == "bot":
            reply = ((event.data or {}).get("custom") or {}).get(PAYLOAD_KEY)
            if isinstance(reply, dict):
                if reply.get("topic") in taxonomy.topics():
                    topics.add(reply["topic"])
                if reply.get("urgent") is True:
                    risk = "urgent"
        elif kind == "slot":
            if event.key == "risk" and event.value in RISKS:
                risk = _worse(risk, event.value)
            elif event.key in SLOTS:
                slots[event.key] = event.value
        elif kind == "agent" and event.data == OPENED_DATA:
            opened = True
    audience = slots.get("audience")
    writer = slots.get("writer")
    state = State(writer=writer if writer in ("young_person", "parent", "professional", "friend") else None,
                  subject_age=_int(slots.get("subject_age")), writer_age=_int(slots.get("age")))
    return Summary(school=school or "", topics=frozenset(topics), risk=risk,
                   audience=audience if audience in AUDIENCES else "unknown",
                   age=age_band(state.age), opened=opened)


def _int(value) -> Optional[int]:
    try:
        return None if value is None else int(value)
    except (TypeError, ValueError):
        return None


def summarise(tracker) -> Optional[str]:
    """The Ending hook's summarise (bot/engine/ending.py): a Rasa tracker → the summary text."""
    return summarise_events(tracker.events).dumps()


def increments(summary: Summary, deleted: bool) -> List[Counter]:
    if deleted:
        return [("exits", "")]
    counters: List[Counter] = [("conversations", ""), ("risk", summary.risk), ("audience", summary.audience),
                               ("age", summary.age)]
    for topic in sorted(summary.topics):
        counters += [("topic", topic), ("topic_age", f"{topic}|{summary.age}")]
    if summary.opened:
        counters.append(("opened", OPENED_SERVICE))
    return counters
