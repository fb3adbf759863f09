"""Sends a bot.replies.Reply through the Rasa dispatcher."""
from rasa_sdk.executor import CollectingDispatcher

from bot.replies import PAYLOAD_KEY, Reply


def send(dispatcher: CollectingDispatcher, reply: Reply) -> None:
    # Plain texts for Rasa's own channels (`rasa run`, test stories); the API ignores them.
    for msg in reply.messages:
        dispatcher.utter_message(text=msg["text"], buttons=msg["buttons"] or None)
    # The whole reply as data (messages, buttons, topic, urgency, cards): the API returns it as it is.
    dispatcher.utter_message(json_message={PAYLOAD_KEY: reply.payload()})
