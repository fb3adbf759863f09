"""The reply crosses the process boundary once, as data, and the API returns it
as it is (no rebuilding from the texts and card ids, no cards made again)."""
import copy

from api.assistant import Assistant
from actions.signpost import ActionSignpost
from bot.domain.directory import CARD_FIELDS
from bot.domain.replies import PAYLOAD_KEY
from tests.test_actions import run, tracker

FIELDS = ("topic", "urgent", "messages", "services")


def sent_by_action(intent="sextortion"):
    """What the action server sends for a turn, in the form Rasa's output channel hands it on."""
    _, payload, _, _ = run(ActionSignpost(), tracker(intent, {"audience": "parent"}, safety_urgent=True))
    return payload, [{"recipient_id": "s", "custom": {PAYLOAD_KEY: payload}}]


def test_the_action_sends_the_whole_reply_as_data():
    payload, _ = sent_by_action()
    assert set(payload) == {"topic", "urgent", "intent", "language", "messages", "services"}
    assert "in danger now, call 999" in payload["messages"][0]["text"]
    assert any(m["buttons"] for m in payload["messages"])
    card = payload["services"][0]
    assert card["id"] == "emergency_999" and card["name"] and card["summary"]


def test_api_reply_is_the_actions_reply_field_for_field(client, monkeypatch):
    payload, output = sent_by_action()
    # Make the structured reply differ from anything the API could rebuild: other texts in the
    # plain utterances, a card the directory does not have, the cards in another order.
    sent = copy.deepcopy(payload)
    sent["messages"][1]["text"] = "only in the structured reply"
    sent["services"] = list(reversed(sent["services"])) + [
        {**dict.fromkeys(CARD_FIELDS), "id": "sentinel", "name": "Sentinel", "summary": "s",
         "url": "https://example.org"}]
    output = [{**m, "custom": {PAYLOAD_KEY: sent}} if m.get("custom") else {**m, "text": "plain " + m["text"]}
              if m.get("text") else m for m in output]
    assistant = client.app.state.assistant

    async def handle(*args):
        return output

    monkeypatch.setattr(assistant, "_handle", handle)
    reply = client.post("/api/v1/chat", json={"message": "my son is being bullied"}).json()
    assert reply["degraded"] is False
    assert {f: reply[f] for f in FIELDS} == {f: sent[f] for f in FIELDS}


def test_a_real_turn_returns_what_the_action_sent(client, monkeypatch):
    seen = []
    real = Assistant._reply_from

    def spy(output):
        seen.append(real(output))
        return seen[-1]

    monkeypatch.setattr(Assistant, "_reply_from", staticmethod(spy))
    reply = client.post("/api/v1/chat", json={"message": "someone keeps posting mean comments about me"}).json()
    assert reply["degraded"] is False and seen[0] is not None
    assert {f: reply[f] for f in FIELDS} == {f: seen[0][f] for f in FIELDS}


def test_degraded_path_sends_the_same_form(client, monkeypatch):
    assistant = client.app.state.assistant

    async def broken(*args):
        raise RuntimeError("action server down")

    monkeypatch.setattr(assistant, "_handle", broken)
    reply = client.post("/api/v1/chat", json={"message": "i want to kill myself"}).json()
    assert reply["degraded"] is True and reply["urgent"] is True
    assert reply["services"][0]["id"] == "emergency_999" and reply["services"][0]["name"]
    assert reply["messages"][0]["text"].startswith("If you are in danger now, call 999")


def test_card_fields_and_audiences_are_defined_once():
    from typing import get_args

    from api.schemas import Audience, ServiceCard
    from bot.domain import directory, taxonomy

    assert tuple(ServiceCard.__fields__) == directory.CARD_FIELDS
    assert get_args(Audience) == taxonomy.AUDIENCES
    # Each audience has the intent its button sends ("I'm a parent or carer" -> /audience_parent).
    assert all(taxonomy.audience_intent(a) in taxonomy.intent_topics() for a in taxonomy.AUDIENCES)
    assert [taxonomy.audience_of_intent(taxonomy.audience_intent(a)) for a in taxonomy.AUDIENCES] == list(taxonomy.AUDIENCES)
    payload, _ = sent_by_action()
    assert all(tuple(card) == directory.CARD_FIELDS for card in payload["services"])



def test_the_action_sends_its_reply_once_only_as_data():
    from rasa_sdk.executor import CollectingDispatcher

    from actions.dispatch import send
    from bot.domain import replies

    dispatcher = CollectingDispatcher()
    reply = replies.signpost("bullying", "young_person", False)
    send(dispatcher, reply)
    assert len(dispatcher.messages) == 1 and set(dispatcher.messages[0]["custom"]) == {PAYLOAD_KEY}
    assert dispatcher.messages[0]["custom"][PAYLOAD_KEY]["messages"] == reply.payload()["messages"]
    assert not dispatcher.messages[0].get("text")
