"""When the action server dies mid-conversation the reply is still useful; then it recovers."""
import pytest
from fastapi.testclient import TestClient

from bot.runtime.processes import free_port, start_action_server
from tests.support import MODEL


@pytest.fixture(scope="module")
def fragile():
    """An API with its own action server process, which the test stops and restarts."""
    from api.main import create_app
    from bot.runtime.settings import Settings

    port = free_port()
    state = {"process": start_action_server(port, quiet=True).wait_ready()}
    app = create_app(Settings(model_path=str(MODEL), action_server_url=f"http://127.0.0.1:{port}/webhook",
                              turn_timeout_seconds=5))
    with TestClient(app) as client:
        yield client, state, port
    state["process"].stop()


def post(client, message, session_id=None):
    body = {"message": message, **({"session_id": session_id} if session_id else {})}
    response = client.post("/api/v1/chat", json=body)
    assert response.status_code == 200, response.text
    return response.json()


def test_action_server_down_then_back(fragile):
    client, state, port = fragile
    first = post(client, "someone keeps sending me hate on snap")
    assert first["degraded"] is False and first["topic"] == "bullying"
    session = first["session_id"]

    state["process"].stop()

    urgent = post(client, "i want to kill myself", session)
    assert urgent["degraded"] is True and urgent["urgent"] is True
    assert "999" in urgent["messages"][0]["text"] and "0800 1111" in urgent["messages"][0]["text"]
    assert [s["id"] for s in urgent["services"][:2]] == ["emergency_999", "childline"]

    calm = post(client, "how do i set up parental controls", session)
    assert calm["degraded"] is True and calm["urgent"] is False
    assert calm["messages"] and calm["services"]
    ready = client.get("/readyz")
    assert ready.status_code == 503 and ready.json()["action_server"] is False
    assert ready.json()["status"] == "degraded"

    state["process"] = start_action_server(port, quiet=True).wait_ready()
    again = post(client, "someone hacked my account", session)
    assert again["degraded"] is False and again["topic"] == "scams_hacking"
    assert client.get("/readyz").status_code == 200


def test_slow_turn_gets_the_degraded_reply(fragile):
    client, _, _ = fragile
    assistant = client.app.state.assistant
    settings = assistant.settings
    assistant.settings = settings.copy(update={"turn_timeout_seconds": 0.000001})
    try:
        reply = post(client, "he says he'll share my nudes unless i pay him")
    finally:
        assistant.settings = settings
    assert reply["degraded"] is True and reply["urgent"] is True
    assert "999" in reply["messages"][0]["text"]


def test_a_failing_safety_net_still_puts_999_first(fragile, monkeypatch):
    client, _, _ = fragile
    assistant = client.app.state.assistant

    def broken(text_or_doc):
        raise ValueError("spaCy could not read this")

    # From the text, or from the message's one Doc (bot/nlu/reading.py reads it so).
    monkeypatch.setattr(assistant.net, "check", broken)
    monkeypatch.setattr(assistant.net, "check_doc", broken)
    reply = post(client, "someone keeps sending me hate on snap")
    assert reply["degraded"] is True and reply["urgent"] is True
    assert "999" in reply["messages"][0]["text"]


def test_a_lone_surrogate_gets_an_answer(fragile):
    client, _, _ = fragile
    for raw in (b'{"message": "\\ud800"}', b'{"message": "help \\udfff he is outside my house"}'):
        response = client.post("/api/v1/chat", content=raw, headers={"content-type": "application/json"})
        assert response.status_code == 200, response.text
        assert response.json()["messages"]
