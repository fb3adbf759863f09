"""Conversation turns that are not a topic: small talk, clarifying, audience statements."""
from typing import Any, Dict, List, Text

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import tracker_state, unfold
from actions.dispatch import Answer, send
from bot import content, replies
from bot.uncertainty import likely_topics

# Small-talk intents whose answer ends with the topic menu.
WITH_MENU = {"greet", "thanks", "capabilities"}
AUDIENCE_INTENTS = {
    "audience_young_person": "young_person",
    "audience_parent": "parent",
    "audience_professional": "professional",
}


class ActionSmallTalk(Answer):
    def name(self) -> Text:
        return "action_small_talk"

    def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        intent = tracker_state.intent(tracker)
        state = unfold.heard(tracker)
        reply = replies.small_talk(intent, with_menu=intent in WITH_MENU, audience=state.audience, age=state.age)
        send(dispatcher, unfold.keep_urgent(reply, state))
        return unfold.state_events(state)


class ActionClarify(Answer):
    def name(self) -> Text:
        return "action_clarify"

    def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        # Unsure (low confidence): the classifier's best guesses first, so the person taps one
        # instead of reading ten. Out of scope: its guesses are noise, so the whole menu.
        unsure = tracker_state.intent(tracker) == "nlu_fallback"
        likely = likely_topics(tracker.latest_message.get("intent_ranking")) if unsure else None
        state = unfold.heard(tracker)
        send(dispatcher, unfold.keep_urgent(replies.clarify(likely), state))
        return unfold.state_events(state)


class ActionMenu(Answer):
    def name(self) -> Text:
        return "action_menu"

    def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        state = unfold.heard(tracker)
        send(dispatcher, unfold.keep_urgent(replies.menu(), state))
        return unfold.state_events(state)


class ActionMisunderstood(Answer):
    """'You got it wrong': say sorry; after an urgent reply keep the emergency route visible."""

    def name(self) -> Text:
        return "action_misunderstood"

    def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        state = unfold.heard(tracker)
        send(dispatcher, replies.misunderstood(unfold.audience_of(state), state.urgent, state.age))
        return unfold.state_events(state)


class ActionSetAudience(Answer):
    """Remembers who is asking; if a topic was already discussed, answers it again for them."""

    def name(self) -> Text:
        return "action_set_audience"

    def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        audience = AUDIENCE_INTENTS.get(tracker_state.intent(tracker), "young_person")
        state = unfold.heard(tracker)
        if audience != "young_person" or state.writer != "friend":
            state = unfold.State(**{**state.as_dict(), "writer": audience})
        last_intent = tracker.get_slot("last_intent")
        if last_intent:
            reply = replies.signpost(last_intent, audience, urgent=state.urgent, age=state.age, writer=state.writer)
            ack = replies.message(content.audience_ack(audience))
            # The emergency route stays first in an urgent reply.
            reply.messages.insert(1 if reply.urgent else 0, ack)
        else:
            reply = unfold.keep_urgent(replies.audience_set(audience), state)
        send(dispatcher, reply)
        return unfold.state_events(state) + [SlotSet("audience", audience)]
