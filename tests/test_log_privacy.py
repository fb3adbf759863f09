"""User text never reaches a log, on any path.

A canary string goes through every path a message can take: normal, starting with "/" (Rasa's
intent syntax, with entities), a button payload, a body that is not JSON, the degraded path and
an unexpected exception. It must not appear in any log record, in anything printed to stdout or
stderr, or in any warning; and injected entities must not reach the conversation store.
"""
import json
import logging
import warnings

import pytest
from fastapi.testclient import TestClient

CANARY = "zebracanary42"
EMAIL = f"{CANARY}@example.com"


@pytest.fixture
def watched(caplog, capfd):
    """Everything logged, printed or warned while the test runs."""
    with caplog.at_level(logging.DEBUG), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield
    printed = "".join(capfd.readouterr())
    logged = "\n".join(f"{r.getMessage()} {r.__dict__}" for r in caplog.records) + caplog.text
    warned = "\n".join(str(w.message) for w in caught)
    for name, text in (("a log record", logged), ("stdout/stderr", printed), ("a warning", warned)):
        assert CANARY not in text, f"user text reached {name}"


def user_events(client, session_id: str) -> list:
    stored = client.app.state.assistant.tracker_store.serialised(session_id)
    return [e for e in json.loads(stored)["events"] if e["event"] == "user"]


@pytest.mark.parametrize("message", [
    f"someone hacked my insta, my email is {EMAIL} {CANARY}",
    f'/greet{{"email": "{EMAIL}"}} {CANARY}',
    f'/greet{{"name": "{CANARY}"}}',
    f"/{CANARY}",
    f"/bullying@0.99 {CANARY}",
    f"  //ask_privacy {CANARY}",
])
def test_typed_text_is_text_and_never_logged(client, watched, message):
    response = client.post("/api/v1/chat", json={"message": message})
    assert response.status_code == 200, response.text
    (event,) = user_events(client, response.json()["session_id"])
    # Stored as redacted text, never as intent syntax, with nothing injected.
    assert not event["text"].startswith("/") and EMAIL not in event["text"]
    assert CANARY not in json.dumps(event["parse_data"]["entities"])
    assert event["parse_data"]["intent"]["confidence"] < 1.0 or event["parse_data"]["intent"]["name"] != "greet"


def test_a_button_payload_is_the_intent(client, chat):
    # A topic-menu button: offered in every conversation (only offered payloads).
    pressed = chat(payload="/bullying")
    (event,) = user_events(client, pressed["session_id"])
    assert event["parse_data"]["intent"]["name"] == "bullying"
    assert pressed["topic"] == "bullying"


def test_unknown_payloads_are_refused(client, watched):
    for payload in (f"/{CANARY}", f'/greet{{"email": "{EMAIL}"}}', "/nlu_fallback", "greet", "/greet@0.1"):
        response = client.post("/api/v1/chat", json={"payload": payload})
        assert response.status_code == 422, response.text
        assert response.json()["error"]["details"][0]["field"] == "payload"
        assert CANARY not in response.text


def test_every_offered_button_payload_is_accepted(client, chat):
    from api.schemas import button_payloads

    first = chat("what's the capital of france")
    second = chat("someone keeps sending me hate on snap")
    offered = {b["payload"] for r in (first, second) for m in r["messages"] for b in m["buttons"]}
    assert offered and offered <= button_payloads()


def test_bad_json_is_never_logged(client, watched):
    response = client.post("/api/v1/chat", content=f'{{"message": "{CANARY}'.encode(),
                           headers={"content-type": "application/json"})
    assert response.status_code == 400


def test_degraded_path_never_logs_text(client, watched, monkeypatch):
    assistant = client.app.state.assistant

    async def broken(message):
        raise RuntimeError(f"model failed on {message.text} {CANARY}")

    monkeypatch.setattr(assistant.agent, "handle_message", broken)
    response = client.post("/api/v1/chat", json={"message": f"i want to kill myself {CANARY}"})
    assert response.status_code == 200 and response.json()["degraded"] is True


def test_unexpected_exception_never_logs_text(client, watched, monkeypatch):
    assistant = client.app.state.assistant

    async def broken(*args, **kwargs):
        raise ValueError(f"bug while answering {args} {CANARY}")

    monkeypatch.setattr(assistant, "respond", broken)
    # No lifespan: this client shares the app (and its loaded Agent) with the session's client.
    raw = TestClient(client.app, raise_server_exceptions=False)
    response = raw.post("/api/v1/chat", json={"message": f"hello {CANARY}"})
    assert response.status_code == 500
    assert response.json()["error"]["code"] == "internal_error"
    assert CANARY not in response.text
