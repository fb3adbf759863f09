"""Reads what the actions need from a tracker: audience, cues, intent, urgency."""
from typing import Dict, Optional, Tuple

from rasa_sdk import Tracker

from bot.taxonomy import AUDIENCES


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


def safety_urgent(tracker: Tracker) -> bool:
    return bool((tracker.latest_message.get("safety") or {}).get("urgent"))


# A message made urgent by one sentence's intent (bot/sentence_risk) gets the steps of the
# safety-net category that means the same.
SENTENCE_DANGER = {"sentence:danger": "immediate_danger", "sentence:self_harm": "suicide_self_harm",
                   "sentence:sextortion": "sextortion", "sentence:abuse_disclosure": "sexual_abuse"}


def danger(tracker: Tracker) -> Optional[str]:
    """The safety net's first category for this message ("meeting", "immediate_danger" ...)."""
    categories = (tracker.latest_message.get("safety") or {}).get("categories") or []
    return SENTENCE_DANGER.get(categories[0], categories[0]) if categories else None


def situation(tracker: Tracker) -> Optional[str]:
    """A situation the context cues recognised ("someone_elses_image" ...), if any."""
    return cues(tracker).get("situation")
