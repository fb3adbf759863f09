"""What the assistant says about privacy is what the code does."""
import json
import logging
import time

from bot.runtime.settings import Settings


def stored_conversations(client) -> str:
    store = client.app.state.assistant.tracker_store
    return json.dumps([store.serialised(sid) for sid in store.conversation_ids()])


def test_privacy_answer_matches_the_code(client, chat, caplog):
    answer = chat("is this anonymous? who can see this")["messages"][0]["text"]
    # "You don't need to give your name": there is no field for one, and extra fields are refused.
    assert "don't need to give your name" in answer
    assert client.post("/api/v1/chat", json={"message": "hi", "name": "Sam"}).status_code == 422
    # "I don't use cookies": no response sets one.
    assert "cookies" in answer
    # "or keep your IP address": not in logs, not in the stored conversation.
    with caplog.at_level(logging.DEBUG):
        reply = chat("my mate keeps getting hate messages from a fake account")
    assert "testclient" not in caplog.text and "testclient" not in stored_conversations(client)
    assert "IP address" in answer
    # "Phone numbers, emails, postcodes and @usernames are blanked out before anything is saved".
    for word in ("Phone numbers", "emails", "postcodes", "@usernames"):
        assert word in answer
    # "The chat is deleted after 30 minutes with no new messages".
    assert "30 minutes" in answer and Settings().session_expiry_minutes == 30
    assert reply["session_id"]


def test_personal_details_never_reach_the_tracker_or_logs(client, chat, caplog):
    with caplog.at_level(logging.DEBUG):
        reply = chat("my email is sam.smith@example.com, my snap is @samsmith12 and i live at EH1 2AB. someone hacked my insta")
    stored = stored_conversations(client)
    for secret in ("sam.smith", "samsmith12", "EH1 2AB"):
        assert secret not in stored and secret not in caplog.text
    assert "[email]" in stored and "[handle]" in stored and "[postcode]" in stored
    assert "hacked my insta" not in caplog.text  # message text is never logged
    assert reply["topic"] == "scams_hacking"


def test_conversation_expires_after_inactivity(client, chat):
    store = client.app.state.assistant.tracker_store
    ttl = store.ttl_seconds
    store.ttl_seconds = 0.5
    try:
        first = chat("people in my class are leaving me out of the group chat")
        chat(payload="/audience_parent", session_id=first["session_id"])
        assert store.holds(first["session_id"])
        time.sleep(0.7)
        store.sweep()
        assert not store.holds(first["session_id"])
        # The conversation starts afresh: the audience is no longer remembered.
        again = chat("someone is posting nasty stuff about me", session_id=first["session_id"])
        assert again["services"][0]["id"] == "childline"
    finally:
        store.ttl_seconds = ttl


def test_delete_forgets_a_conversation_at_once(client, chat):
    reply = chat("someone keeps messaging me")
    store = client.app.state.assistant.tracker_store
    assert store.holds(reply["session_id"])
    assert client.delete(f"/api/v1/sessions/{reply['session_id']}").status_code == 204
    assert not store.holds(reply["session_id"])
