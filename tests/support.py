"""What test modules and conftest files share (never import a conftest as a module)."""
from bot import ROOT

MODEL = ROOT / "models" / "schoolbot.tar.gz"
METRICS_TOKEN = "metrics-token-for-tests"
# Logs and screenshots of the browser tests.
ARTIFACTS = ROOT / "test-artifacts"


def sent(dispatcher) -> list:
    """The messages (text and buttons) an action sent: its one reply, as data."""
    from bot.domain.replies import PAYLOAD_KEY

    return [m for sent in dispatcher.messages if sent.get("custom")
            for m in sent["custom"][PAYLOAD_KEY]["messages"]]


def said(tracker) -> list:
    """What the user said in a Rasa tracker, in order."""
    from rasa.shared.core.events import UserUttered

    return [e.text for e in tracker.events if isinstance(e, UserUttered)]


def save_two_sessions(store, sender_id: str) -> None:
    """Saves a conversation of two Rasa sessions ("first session", "second session")."""
    import asyncio

    from rasa.shared.core.events import ActionExecuted, SessionStarted, UserUttered

    tracker = asyncio.run(store.get_or_create_tracker(sender_id, append_action_listen=False))
    for text in ("first session", "second session"):
        tracker.update(ActionExecuted("action_session_start"))
        tracker.update(SessionStarted())
        tracker.update(UserUttered(text))
    asyncio.run(store.save(tracker))


def _list(value):
    return value if isinstance(value, list) else [value]


def check(reply, expect, where):
    """Asserts what one API reply in a conversation table must show: topic, urgent, texts it has
    or lacks, its first text, services it has or lacks, its first service."""
    texts = [m["text"] for m in reply["messages"]]
    joined = "\n".join(texts)
    ids = [s["id"] for s in reply["services"]]
    if "topic" in expect:
        assert reply["topic"] == expect["topic"], (where, reply["topic"], joined)
    if "urgent" in expect:
        assert reply["urgent"] is expect["urgent"], (where, joined)
    for text in _list(expect.get("has", [])):
        assert text in joined, (where, text, joined)
    for text in _list(expect.get("lacks", [])):
        assert text not in joined, (where, text, joined)
    if "first" in expect:
        assert texts[0].startswith(expect["first"]), (where, texts[0])
    for sid in expect.get("services", []):
        assert sid in ids, (where, sid, ids)
    for sid in expect.get("no_services", []):
        assert sid not in ids, (where, sid, ids)
    if "first_service" in expect:
        assert ids and ids[0] == expect["first_service"], (where, ids)
