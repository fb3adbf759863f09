"""The frozen 1.0.0 widget sends its buttons as typed text ("/grooming").
Exactly an offered payload is treated as that button, and logged as such; anything else typed
with a "/" stays plain text (never intent syntax)."""
import logging

import pytest

from api.schemas import always_offered_payloads


def typed(client, message, session_id=None):
    body = {"message": message, **({"session_id": session_id} if session_id else {})}
    response = client.post("/api/v1/chat", json=body)
    assert response.status_code == 200, response.text
    return response.json()


@pytest.mark.parametrize("payload,topic", [("/grooming", "grooming"), ("/exploitation", "exploitation"),
                                           ("/bullying", "bullying")])
def test_a_typed_topic_button_is_that_button(client, payload, topic, caplog):
    assert payload in always_offered_payloads()
    with caplog.at_level(logging.INFO, logger="api.chat"):
        reply = typed(client, payload)
    assert reply["topic"] == topic and not reply["degraded"]
    assert any("typed button treated as a button" in r.getMessage() and payload in r.getMessage()
               for r in caplog.records)


def test_it_is_stored_as_the_button_press(client):
    reply = typed(client, "  /grooming ")
    events = [e for e in client.app.state.assistant.tracker_store.saved_events(reply["session_id"])
              if e.type_name == "user"]
    assert events[-1].intent["name"] == "grooming" and events[-1].intent.get("confidence") == 1.0


def test_a_typed_follow_up_is_a_button_only_once_offered(client, chat):
    first = chat("someone keeps sending me hate on snap")
    offered = [b["payload"] for m in first["messages"] for b in m["buttons"] if b["payload"] not in always_offered_payloads()]
    assert offered
    reply = typed(client, offered[0], first["session_id"])
    assert reply["session_id"] == first["session_id"]
    # Not offered in a new conversation: plain text, read by the classifier like any message.
    fresh = typed(client, "/safe_now")
    assert fresh["urgent"] is False


def test_anything_but_an_exact_payload_stays_text(client):
    for message in ("/grooming please", "/greet{\"x\": 1}", "//grooming", "/nlu_fallback", "/safe_now"):
        reply = typed(client, message)
        events = client.app.state.assistant.tracker_store.saved_events(reply["session_id"])
        (said,) = [e for e in events if e.type_name == "user"]
        assert not said.text.startswith("/"), said.text
