"""Signposting: picks guidance and services by topic intent, audience, age and urgency."""
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import tracker_state
from actions.dispatch import send
from bot import replies, taxonomy
from bot.taxonomy import DEFAULT_AUDIENCE
from bot.uncertainty import runner_up

FOLLOW_UPS = {"followup_steps": "steps", "followup_report": "report", "followup_talk": "talk"}


class ActionSignpost(Action):
    def name(self) -> Text:
        return "action_signpost"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        intent = tracker_state.intent(tracker)
        # "I have someone else's nude", "my own sexual thoughts": a situation the context cues
        # recognise gets its own answer, unless the topic is one that is always urgent.
        situation = tracker_state.situation(tracker)
        if situation and not taxonomy.is_urgent_intent(intent):
            intent = situation
        audience, known = tracker_state.audience(tracker)
        age = tracker_state.age(tracker)
        # Offer "I'm a parent / I'm a teacher" once, only while we don't know who is asking.
        offer = not known and not tracker.get_slot("audience_offered")
        reply = replies.signpost(
            intent,
            audience or DEFAULT_AUDIENCE,
            urgent=tracker_state.safety_urgent(tracker),
            offer_audience=offer,
            age=age,
            platform=tracker_state.cues(tracker).get("platform"),
            also=tracker.latest_message.get("also"),
            runner_up=runner_up(tracker.latest_message.get("intent_ranking"), replies.topic_of(intent)),
            danger=tracker_state.danger(tracker),
        )
        send(dispatcher, reply)
        events = [SlotSet("last_intent", intent), SlotSet("last_urgent", reply.urgent)]
        if known:
            events.append(SlotSet("audience", audience))
        if offer:
            events.append(SlotSet("audience_offered", True))
        if age is not None:
            events.append(SlotSet("age", age))
        return events


class ActionFollowUp(Action):
    """The buttons under each answer: what to do now, how to report, talk to someone now."""

    def name(self) -> Text:
        return "action_follow_up"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        last_intent = tracker.get_slot("last_intent")
        if not last_intent:
            send(dispatcher, replies.clarify())
            return []
        audience, _ = tracker_state.audience(tracker)
        kind = FOLLOW_UPS.get(tracker_state.intent(tracker), "steps")
        reply = replies.follow_up(
            kind, last_intent, audience or DEFAULT_AUDIENCE,
            urgent=bool(tracker.get_slot("last_urgent")), age=tracker_state.age(tracker),
        )
        send(dispatcher, reply)
        return []


class ActionShowServices(Action):
    def name(self) -> Text:
        return "action_show_services"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        audience, _ = tracker_state.audience(tracker)
        send(dispatcher, replies.all_services(audience or DEFAULT_AUDIENCE, tracker_state.age(tracker)))
        return []
