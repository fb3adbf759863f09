"""What test modules and conftest files share (never import a conftest as a module)."""
from bot import ROOT

MODEL = ROOT / "models" / "schoolbot.tar.gz"
METRICS_TOKEN = "metrics-token-for-tests"
# Logs and screenshots of the browser tests.
ARTIFACTS = ROOT / "test-artifacts"


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
