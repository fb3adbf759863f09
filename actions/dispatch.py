"""Sends a bot.replies.Reply through the Rasa dispatcher."""
from rasa_sdk.executor import CollectingDispatcher

from bot.replies import PAYLOAD_KEY, Reply


def send(dispatcher: CollectingDispatcher, reply: Reply) -> None:
    for msg in reply.messages:
        dispatcher.utter_message(text=msg["text"], buttons=msg["buttons"] or None)
    # Structured part (topic, urgency, service cards) for the API; chat channels ignore it.
    dispatcher.utter_message(json_message={PAYLOAD_KEY: reply.payload()})
