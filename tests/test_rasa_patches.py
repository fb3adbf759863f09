"""api/rasa_patches.py: the action-reply validation patch is installed only on the Rasa version it
was written for, raises as Rasa does, and changes no reply; the keep-alive endpoint changes no
reply either."""
import logging

import pytest
import rasa
from jsonschema import ValidationError
from rasa.core.actions.action import RemoteAction
from rasa.utils.endpoints import EndpointConfig

from api import rasa_patches

MALFORMED = [
    {"events": "not a list"},
    {"events": [{"event": "slot", "name": 5, "value": "x"}]},
    {"events": [{"no_event_name": True}]},
]
MESSAGES = [
    "hello",
    "someone is sharing my nudes around school",
    "my son is being bullied on snapchat",
    "i want to kms",
    "a man online says he loves me and wants to meet, he says its our secret",
    "i saw a video of people being hurt and cant stop thinking about it",
    "what is the weather tomorrow",
    "i'm a teacher, a pupil showed me extremist posts",
]


@pytest.fixture
def stock_validation():
    """Rasa's own validation for one test, then the patch again as the app installed it."""
    rasa_patches.uninstall()
    yield
    assert rasa_patches.install()


def remote_action() -> RemoteAction:
    return RemoteAction("action_signpost", EndpointConfig("http://127.0.0.1:9/webhook"))


@pytest.mark.parametrize("reply", MALFORMED)
def test_a_malformed_action_reply_still_raises_as_rasa_does(reply):
    assert rasa_patches.install()
    with pytest.raises(ValidationError) as patched:
        remote_action()._validate_action_result(reply)
    rasa_patches.uninstall()
    try:
        with pytest.raises(ValidationError) as stock:
            remote_action()._validate_action_result(reply)
    finally:
        rasa_patches.install()
    assert type(patched.value) is type(stock.value)
    assert patched.value.message == stock.value.message
    assert "Failed to validate Action server response" in patched.value.message


def test_a_valid_action_reply_passes():
    assert rasa_patches.install()
    assert remote_action()._validate_action_result({"events": [], "responses": [{"text": "hi"}]}) is True


def test_not_installed_for_another_rasa_version(monkeypatch, caplog):
    rasa_patches.uninstall()
    monkeypatch.setattr(rasa, "__version__", "3.6.20")
    try:
        with caplog.at_level(logging.INFO, logger="api.rasa_patches"):
            assert rasa_patches.install() is False
        assert RemoteAction._validate_action_result is rasa_patches._rasa_validate
        lines = [r for r in caplog.records if r.name == "api.rasa_patches"]
        assert len(lines) == 1 and "3.6.20" in lines[0].getMessage()
    finally:
        monkeypatch.undo()
        assert rasa_patches.install() is True
    assert RemoteAction._validate_action_result is rasa_patches._validate_action_result


def _replies(chat):
    out = []
    for message in MESSAGES:
        reply = chat(message)
        out.append({k: v for k, v in reply.items() if k != "session_id"})
    return out


def test_replies_are_identical_with_and_without_the_patches(client, chat, monkeypatch):
    processor = client.app.state.assistant.agent.processor
    assert isinstance(processor.action_endpoint, rasa_patches.KeepAliveEndpointConfig)
    calls = []
    patched_validate = rasa_patches._validate_action_result
    monkeypatch.setattr(RemoteAction, "_validate_action_result",
                        lambda self, result: calls.append(1) or patched_validate(self, result))
    with_patches = _replies(chat)
    assert calls, "the patched validation ran"
    assert not any(reply["degraded"] for reply in with_patches)

    rasa_patches.uninstall()
    plain = EndpointConfig(url=processor.action_endpoint.url, headers=processor.action_endpoint.headers)
    monkeypatch.setattr(processor, "action_endpoint", plain)
    try:
        without = _replies(chat)
    finally:
        monkeypatch.undo()
        rasa_patches.install()
    assert without == with_patches
