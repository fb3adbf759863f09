"""Reads what the actions need from a tracker: audience, cues, intent, urgency."""
from typing import Dict, Optional, Tuple

from rasa_sdk import Tracker

from bot.nlu.risk.assess import Risk
from bot.domain.taxonomy import AUDIENCES


def cues(tracker: Tracker) -> Dict:
    return tracker.latest_message.get("cues") or {}


def audience(tracker: Tracker) -> Tuple[Optional[str], bool]:
    """(audience, known). Order: the API request, then what the person said before
    (slot), then what this message implies ("my son" -> parent)."""
    meta = tracker.latest_message.get("metadata") or {}
    for value in (meta.get("audience"), tracker.get_slot("audience"), cues(tracker).get("audience")):
        if value in AUDIENCES:
            return value, True
    return None, False


def age(tracker: Tracker) -> Optional[int]:
    value = cues(tracker).get("age") or tracker.get_slot("age")
    return int(value) if value is not None else None


def intent(tracker: Tracker) -> Optional[str]:
    return (tracker.latest_message.get("intent") or {}).get("name")


def pressed_danger(tracker: Tracker) -> bool:
    """The "No, I need help now" button (or any /danger payload): no text to judge, and the
    person has said they are not safe."""
    return intent(tracker) == "danger" and "risk" not in tracker.latest_message


def safety_urgent(tracker: Tracker) -> bool:
    """Whether the risk step found this message urgent (its verdict is `safety.urgent`)."""
    return bool((tracker.latest_message.get("safety") or {}).get("urgent")) or pressed_danger(tracker)


def risk(tracker: Tracker) -> Risk:
    """The risk step's judgement of this message (bot/nlu/risk/assess.py)."""
    return Risk.from_dict(tracker.latest_message.get("risk"))


def danger(tracker: Tracker) -> Optional[str]:
    """The danger whose urgent steps fit this message ("meeting", "overdose_injury" ...)."""
    categories = (tracker.latest_message.get("safety") or {}).get("categories") or []
    if categories:
        return categories[0]
    return "immediate_danger" if pressed_danger(tracker) else None


def situation(tracker: Tracker) -> Optional[str]:
    """A situation the context cues recognised ("someone_elses_image" ...), if any."""
    return cues(tracker).get("situation")
