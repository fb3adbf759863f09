"""Conversation turns that are not a topic: small talk, clarifying, audience statements."""
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import tracker_state
from actions.dispatch import send
from bot import content, replies
from bot.taxonomy import DEFAULT_AUDIENCE
from bot.uncertainty import likely_topics

# Small-talk intents whose answer ends with the topic menu.
WITH_MENU = {"greet", "thanks"}
AUDIENCE_INTENTS = {
    "audience_young_person": "young_person",
    "audience_parent": "parent",
    "audience_professional": "professional",
}


class ActionSmallTalk(Action):
    def name(self) -> Text:
        return "action_small_talk"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        intent = tracker_state.intent(tracker)
        audience, _ = tracker_state.audience(tracker)
        send(dispatcher, replies.small_talk(intent, with_menu=intent in WITH_MENU,
                                            audience=audience, age=tracker_state.age(tracker)))
        return []


class ActionClarify(Action):
    def name(self) -> Text:
        return "action_clarify"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        # Unsure (low confidence): the classifier's best guesses first, so the person taps one
        # instead of reading ten. Out of scope: its guesses are noise, so the whole menu.
        unsure = tracker_state.intent(tracker) == "nlu_fallback"
        likely = likely_topics(tracker.latest_message.get("intent_ranking")) if unsure else None
        send(dispatcher, replies.clarify(likely))
        return []


class ActionMenu(Action):
    def name(self) -> Text:
        return "action_menu"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        send(dispatcher, replies.menu())
        return []


class ActionMisunderstood(Action):
    """'You got it wrong': say sorry; after an urgent reply keep the emergency route visible."""

    def name(self) -> Text:
        return "action_misunderstood"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        audience, _ = tracker_state.audience(tracker)
        after_urgent = bool(tracker.get_slot("last_urgent"))
        send(dispatcher, replies.misunderstood(audience or DEFAULT_AUDIENCE, after_urgent, tracker_state.age(tracker)))
        return []


class ActionSetAudience(Action):
    """Remembers who is asking; if a topic was already discussed, answers it again for them."""

    def name(self) -> Text:
        return "action_set_audience"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        audience = AUDIENCE_INTENTS.get(tracker_state.intent(tracker), "young_person")
        last_intent = tracker.get_slot("last_intent")
        if last_intent:
            urgent = bool(tracker.get_slot("last_urgent"))
            reply = replies.signpost(last_intent, audience, urgent=urgent, age=tracker_state.age(tracker))
            ack = replies.message(content.audience_ack(audience))
            # The emergency route stays first in an urgent reply.
            reply.messages.insert(1 if reply.urgent else 0, ack)
        else:
            reply = replies.audience_set(audience)
        send(dispatcher, reply)
        return [SlotSet("audience", audience)]
