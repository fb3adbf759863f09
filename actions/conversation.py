"""Conversation turns that are not a topic: small talk, clarifying, audience statements."""
from typing import Any, Dict, List, Text

from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import tracker_state, unfold
from actions.dispatch import Answer, send
from bot.domain import content, replies, taxonomy
from bot.domain.conversation_state import State
from bot.domain.replies import Reply
from bot.domain.uncertainty import likely_topics

# Small-talk intents whose answer ends with the topic menu.
WITH_MENU = {"greet", "thanks", "capabilities"}


class ActionSmallTalk(unfold.Turn):
    action_name = "action_small_talk"

    def reply(self, tracker: Tracker, state: State) -> Reply:
        intent = tracker_state.intent(tracker)
        reply = replies.small_talk(intent, with_menu=intent in WITH_MENU, audience=state.audience, age=state.age)
        return unfold.keep_urgent(reply, state)


class ActionClarify(unfold.Turn):
    action_name = "action_clarify"

    def reply(self, tracker: Tracker, state: State) -> Reply:
        # Unsure (low confidence): the classifier's best guesses first, so the person taps one
        # instead of reading ten. Out of scope: its guesses are noise, so the whole menu.
        unsure = tracker_state.intent(tracker) == "nlu_fallback"
        likely = likely_topics(tracker.latest_message.get("intent_ranking")) if unsure else None
        return unfold.keep_urgent(replies.clarify(likely), state)


class ActionMenu(unfold.Turn):
    action_name = "action_menu"

    def reply(self, tracker: Tracker, state: State) -> Reply:
        return unfold.keep_urgent(replies.menu(), state)


class ActionMisunderstood(unfold.Turn):
    """'You got it wrong': say sorry; after an urgent reply keep the emergency route visible."""

    action_name = "action_misunderstood"

    def reply(self, tracker: Tracker, state: State) -> Reply:
        return replies.misunderstood(unfold.audience_of(state), state.urgent, state.age)


class ActionSetAudience(Answer):
    """Remembers who is asking; if a topic was already discussed, answers it again for them."""

    def name(self) -> Text:
        return "action_set_audience"

    def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        audience = taxonomy.audience_of_intent(tracker_state.intent(tracker)) or taxonomy.DEFAULT_AUDIENCE
        state = unfold.heard(tracker)
        if audience != "young_person" or state.writer != "friend":
            state = unfold.State(**{**state.as_dict(), "writer": audience})
        concern = unfold.concern_of(tracker) or unfold.message_topic(tracker)
        if concern:
            # "i'm 19 and i feel really low": the detail is kept, and the concern is answered.
            return unfold.signpost_turn(dispatcher, tracker, state, concern) + [SlotSet("audience", audience)]
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
