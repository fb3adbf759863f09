"""Sends a bot.domain.replies.Reply through the Rasa dispatcher; the base of every action."""
from abc import ABCMeta, abstractmethod
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import FollowupAction
from rasa_sdk.executor import CollectingDispatcher

from bot.domain.replies import PAYLOAD_KEY, Reply


def send(dispatcher: CollectingDispatcher, reply: Reply) -> None:
    """The reply crosses to the API once, as data (messages, buttons, topic, urgency, cards), and
    the API returns it as it is. Stored once in the conversation, too: its buttons are what a
    later button press is checked against (api/assistant.py, offered_payloads)."""
    dispatcher.utter_message(json_message={PAYLOAD_KEY: reply.payload()})


def changes_only(events: List[Dict], tracker: Tracker) -> List[Dict]:
    """`events` without the SlotSets that set a slot to the value it already has (in order, so a
    slot set twice ends with its last value)."""
    slots = dict(tracker.slots)
    kept = []
    for event in events:
        if event.get("event") == "slot":
            if event["name"] in slots and slots[event["name"]] == event["value"]:
                continue
            slots[event["name"]] = event["value"]
        kept.append(event)
    return kept


class Answer(Action, metaclass=ABCMeta):
    """An action that answers one message; the conversation then waits for the next.

    Every rule and story in data/ has exactly one action after each message
    (tests/test_rasa_data.py checks it). The action says so itself, FollowupAction("action_listen"),
    which spares Rasa a second run of its policies only to predict that listen. Slots the turn
    leaves as they were are not sent back: each would be one more event stored, sent to this
    server and replayed on every later turn of the conversation.
    """

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        return changes_only(self.answer(dispatcher, tracker, domain), tracker) + [FollowupAction("action_listen")]

    @abstractmethod  # abstract, so rasa_sdk does not register this class as an action
    def answer(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[Dict]:
        """Sends the reply; returns the events (slots) of this turn."""
