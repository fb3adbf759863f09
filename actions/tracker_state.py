"""Reads what the actions need from a tracker: audience, intent, urgency."""
from typing import Optional, Tuple

from rasa_sdk import Tracker

from bot.taxonomy import AUDIENCES


def audience(tracker: Tracker) -> Tuple[Optional[str], bool]:
    """(audience, chosen): the API may pass one in the message metadata; else the slot."""
    meta = tracker.latest_message.get("metadata") or {}
    for value in (meta.get("audience"), tracker.get_slot("audience")):
        if value in AUDIENCES:
            return value, True
    return None, False


def intent(tracker: Tracker) -> Optional[str]:
    return (tracker.latest_message.get("intent") or {}).get("name")


def safety_urgent(tracker: Tracker) -> bool:
    return bool((tracker.latest_message.get("safety") or {}).get("urgent"))
