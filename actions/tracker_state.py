"""Reads what the actions need from a tracker: cues, intent, urgency, risk, danger, situation."""
from typing import Dict, Optional

from rasa_sdk import Tracker

from bot.domain.uncertainty import GUESSED_TOPIC
from bot.nlu.risk.assess import Risk


def cues(tracker: Tracker) -> Dict:
    return tracker.latest_message.get("cues") or {}


def intent(tracker: Tracker) -> Optional[str]:
    return (tracker.latest_message.get("intent") or {}).get("name")


def pressed_danger(tracker: Tracker) -> bool:
    """The "No, I need help now" button (or any /danger payload): no text to judge, and the
    person has said they are not safe."""
    return intent(tracker) == "danger" and "risk" not in tracker.latest_message


def guessed_topic(tracker: Tracker) -> bool:
    """This urgent message's topic is the classifier's guess: nothing else named it (no signed rule
    knows it, no safety-net words), and its own confidence in it is low ("i think my son is with him
    now": urgent by the model, self-harm at 0.07). The conversation's topic knows better."""
    latest = tracker.latest_message
    chosen = latest.get("intent") or {}
    if chosen.get("overridden_by") != "risk":
        return False
    judged = risk(tracker)
    if judged.topic or any(e.startswith("net:") for e in judged.evidence):
        return False
    own = next((r.get("confidence") or 0.0 for r in latest.get("intent_ranking") or []
                if r.get("name") == chosen.get("name")), 0.0)
    return own < GUESSED_TOPIC


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
