"""Signposting: picks guidance and services by topic intent, audience and urgency."""
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import tracker_state
from actions.dispatch import send
from bot import replies
from bot.taxonomy import DEFAULT_AUDIENCE


class ActionSignpost(Action):
    def name(self) -> Text:
        return "action_signpost"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        intent = tracker_state.intent(tracker)
        audience, chosen = tracker_state.audience(tracker)
        reply = replies.signpost(
            intent,
            audience or DEFAULT_AUDIENCE,
            urgent=tracker_state.safety_urgent(tracker),
            audience_chosen=chosen,
        )
        send(dispatcher, reply)
        events = [SlotSet("last_intent", intent), SlotSet("last_urgent", reply.urgent)]
        if chosen:
            events.append(SlotSet("audience", audience))
        return events


class ActionShowServices(Action):
    def name(self) -> Text:
        return "action_show_services"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        audience, _ = tracker_state.audience(tracker)
        send(dispatcher, replies.all_services(audience or DEFAULT_AUDIENCE))
        return []
