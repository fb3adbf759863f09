"""Only session ids the server issued continue a conversation."""
import time
from unittest import mock

import pytest

from api.main import create_app
from api.sessions import SessionIds
from bot.runtime.settings import Settings


def test_an_invented_session_id_starts_a_new_session(client, chat):
    reply = chat("someone keeps sending me hate on snap", session_id="aaaaaaaa")
    assert reply["session_id"] != "aaaaaaaa"
    assert client.app.state.session_ids.valid(reply["session_id"])
    assert not client.app.state.assistant.tracker_store.holds("aaaaaaaa")


def test_an_issued_session_id_continues(client, chat):
    first = chat("someone keeps posting horrible stuff about my kid on insta")
    second = chat(payload="/audience_parent", session_id=first["session_id"])
    assert second["session_id"] == first["session_id"] and second["topic"] == "bullying"


def test_a_tampered_session_id_starts_a_new_session(chat):
    first = chat("someone keeps sending me hate on snap")
    sid = first["session_id"]
    forged = sid[:-1] + ("0" if sid[-1] != "0" else "1")
    second = chat(payload="/audience_parent", session_id=forged)
    assert second["session_id"] not in (sid, forged)
    assert second["topic"] is None  # nothing of the first conversation


def test_a_trailing_newline_is_refused(client):
    sid = client.app.state.session_ids.issue()
    response = client.post("/api/v1/chat", json={"message": "hi", "session_id": sid + "\n"})
    assert response.status_code == 422
    assert response.json()["error"]["details"][0]["field"] == "session_id"


def test_deleting_an_unknown_id_is_harmless(client):
    assert client.delete("/api/v1/sessions/aaaaaaaa").status_code == 204


@pytest.mark.fast
def test_replicas_sharing_the_secret_accept_each_others_ids():
    a, b, other = SessionIds("one shared value"), SessionIds("one shared value"), SessionIds("another")
    sid = a.issue()
    assert b.valid(sid) and not other.valid(sid)
    assert len(sid) == 64 and sid != a.issue()
    for bad in (None, "", "aaaaaaaa", sid.upper(), sid + "\n", sid[:-2]):
        assert not a.valid(bad)


@pytest.mark.fast
def test_random_key_per_process_by_default():
    assert not SessionIds().valid(SessionIds().issue())


@pytest.mark.fast
def test_redis_without_a_shared_secret_is_refused():
    with pytest.raises(ValueError, match="SIGNPOST_SESSION_SECRET"):
        create_app(Settings(redis_url="redis://127.0.0.1:6379/0"))
    create_app(Settings(redis_url="redis://127.0.0.1:6379/0", session_secret="x" * 32))


def test_an_expired_session_id_gets_a_new_one(client, chat):
    ids = client.app.state.session_ids
    store = client.app.state.assistant.tracker_store
    old = ids.issue(now=time.time() - 3600)  # issued an hour ago ...
    assert chat("hello", session_id=old)["session_id"] != old  # ... and nothing stored: new session
    first = chat("someone keeps sending me hate on snap")
    sid = first["session_id"]
    ttl = store.ttl_seconds
    store.ttl_seconds = 0.2
    try:
        time.sleep(0.3)
        store.sweep()
    finally:
        store.ttl_seconds = ttl
    with mock.patch("api.sessions.GRACE_SECONDS", 0):
        again = chat(payload="/audience_parent", session_id=sid)
    assert again["session_id"] != sid and again["topic"] is None


def test_a_deleted_session_id_is_not_revived(client, chat):
    sid = chat("someone keeps sending me hate on snap")["session_id"]
    assert client.delete(f"/api/v1/sessions/{sid}").status_code == 204
    with mock.patch("api.sessions.GRACE_SECONDS", 0):
        again = chat("hello", session_id=sid)
    assert again["session_id"] != sid
    assert not client.app.state.assistant.tracker_store.holds(sid)


def test_a_just_issued_id_is_accepted_before_anything_is_stored(client, chat):
    fresh = client.app.state.session_ids.issue()
    assert chat("hello", session_id=fresh)["session_id"] == fresh
