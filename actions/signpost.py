"""Signposting: picks guidance and services by topic intent, audience, age and urgency."""
import re
from typing import Any, Dict, List, Text

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import tracker_state, unfold
from actions.dispatch import Answer, send
from bot.domain import content, replies
from bot.domain.conversation_state import State
from bot.domain.replies import Reply

# "show me all services", "list every helpline": all of them even in a conversation about a worry.
ALL_SERVICES = re.compile(r"\b(all|every|list|whole)\b", re.I)
# intent -> kind of follow-up (the one list is replies.FOLLOW_UPS)
FOLLOW_UP_KINDS = {intent: kind for kind, intent in replies.FOLLOW_UPS.items()}


class ActionSignpost(Answer):
    def name(self) -> Text:
        return "action_signpost"

    def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        intent = tracker_state.intent(tracker)
        # "I have someone else's nude", "my own sexual thoughts": a situation the context cues
        # recognise gets its own answer, unless the topic is one that is always urgent.
        situation = tracker_state.situation(tracker)
        if situation and not tracker_state.safety_urgent(tracker):
            intent = situation
        state = unfold.heard(tracker)
        # Offer "I'm a parent / I'm a teacher" once, only while we don't know who is asking.
        offer = state.writer is None and not tracker.get_slot("audience_offered")
        events = unfold.signpost_turn(dispatcher, tracker, state, intent, offer_audience=offer)
        if offer:
            events.append(SlotSet("audience_offered", True))
        return events


class ActionFollowUp(Answer):
    """The buttons under each answer (and the same typed): what to do now, how to report (with
    the app's report button, "how do i report it on snapchat"), talk to someone now. "Talk to
    someone" before any topic gets the lines anyone can call now."""

    def name(self) -> Text:
        return "action_follow_up"

    def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        state = unfold.heard(tracker)
        kind = FOLLOW_UP_KINDS.get(tracker_state.intent(tracker), "steps")
        last_intent = tracker.get_slot("last_intent")
        if not last_intent:
            if kind != "talk":
                send(dispatcher, unfold.keep_urgent(replies.clarify(), state))
                return unfold.state_events(state)
            reply = replies.talk_to_someone(unfold.audience_of(state), state.urgent, state.age)
        else:
            reply = replies.follow_up(kind, last_intent, unfold.audience_of(state), urgent=state.urgent, age=state.age,
                                      platform=state.app)
        send(dispatcher, reply)
        return unfold.state_events(state)


class ActionShowServices(unfold.Turn):
    """'Show me all services' (the button, or typed with "all"); typed in a conversation about a
    worry ("who can i contact", "where can i get help"), the lines for that worry, with the
    button for all of them."""

    action_name = "action_show_services"

    def reply(self, tracker: Tracker, state: State) -> Reply:
        text = tracker.latest_message.get("text") or ""
        audience = unfold.audience_of(state)
        if state.intent and not text.startswith("/") and not ALL_SERVICES.search(text):
            reply = replies.follow_up("talk", state.intent, audience, urgent=state.urgent, age=state.age)
            reply.messages[-1]["buttons"].append(
                replies.button(content.button_title("all_services"), "/show_services"))
            return reply
        return unfold.keep_urgent(replies.all_services(audience, state.age), state)
