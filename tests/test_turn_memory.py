"""What a live conversation costs the worker per turn (the goal: at most 5 KB; it was ~28 KB).

Measured here after the change: ~12.2 KB (tracemalloc). The goal is not met yet: what is left
is Rasa's own per-event objects (each event's dict of attributes, timestamps, a metadata dict
per event, the slot events of every turn), the values decoded from the action server's JSON
(slot values) and spaCy's string store growing with new words. The test
holds the bound reached (MAX_BYTES_PER_TURN) so that it cannot grow back unnoticed.

Through the real agent and action server (the `chat` fixture): conversations of the bench's
short mix, then, measured with tracemalloc after the warm-up, the memory still held when they
are done (the conversations are kept for the 30-minute expiry), over the turns sent. Also the
size of what is stored, as Rasa's JSON, and that a finished turn keeps only what later turns read
(bot/engine/turn_memory.py).
"""
import gc
import logging
import json
import tracemalloc

import pytest

from bot.engine.turn_memory import INTENT_KEPT, PARSE_KEPT, buttons_only
from tooling.bench.mixes import CONVERSATIONS

GOAL_BYTES_PER_TURN = 5 * 1024  # the goal, not met yet (docs/performance.md, Memory)
MAX_BYTES_PER_TURN = 14 * 1024  # reached: ~12.2 KB; before: ~28 KB


def converse(chat, conversation):
    session, turns = None, 0
    for text in conversation:
        if text.startswith("/") and not text.startswith("/audience"):
            continue
        body = {"payload": text} if text.startswith("/") else {"message": text}
        reply = chat(**body, **({"session_id": session} if session else {}))
        session, turns = reply["session_id"], turns + 1
    return session, turns


def test_a_turn_costs_the_worker_at_most_14_kb(client, chat):
    for conversation in CONVERSATIONS[:3]:  # warm-up: caches, first-use allocations
        converse(chat, conversation)
    gc.collect()
    # pytest keeps every log record of a test; a served worker writes them out and keeps none.
    logging.disable(logging.CRITICAL)
    tracemalloc.start()
    try:
        turns = 0
        for conversation in CONVERSATIONS * 2:
            turns += converse(chat, conversation)[1]
        gc.collect()
        held, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
        logging.disable(logging.NOTSET)
    per_turn = held / turns
    print(f"worker memory held per turn: {per_turn:.0f} bytes over {turns} turns")
    assert per_turn <= MAX_BYTES_PER_TURN, f"{per_turn:.0f} bytes per turn"


def test_a_finished_turn_keeps_what_later_turns_read(client, chat):
    session, turns = converse(chat, ["My 12 year old son is being picked on in a WhatsApp group. What should I do?",
                                      "what can i do", "thanks"])
    store = client.app.state.assistant.tracker_store
    stored = json.loads(store.serialised(session))["events"]
    users = [e for e in stored if e["event"] == "user"]
    assert len(users) == turns
    for event in users:
        assert set(event["parse_data"]) <= set(PARSE_KEPT)
        assert set(event["parse_data"]["intent"]) <= set(INTENT_KEPT)
        assert set(event["parse_data"].get("risk") or {}) <= {"urgent"}
    assert users[0]["parse_data"]["intent"]["name"] == "bullying"
    bots = [e.get("data") or {} for e in stored if e["event"] == "bot"]
    assert all((buttons_only(data) or {}) == data for data in bots)  # the buttons' payloads only
    assert any("payload" in json.dumps(data) for data in bots)
    per_turn = len(json.dumps(stored)) / turns
    print(f"stored JSON per turn: {per_turn:.0f} bytes")
    assert per_turn <= 3584  # ~3.0 KB; before: ~6.4 KB (and its reply texts twice)


@pytest.mark.fast
def test_buttons_only_keeps_each_button_payload_where_it_was():
    reply = {"custom": {"reply": {"topic": "bullying", "messages": [
        {"text": "a long answer", "buttons": [{"title": "Report it", "payload": "/followup_report"}]},
        {"text": "no buttons here", "buttons": []}], "services": [{"id": "childline", "phone": "0800 1111"}]}}}
    assert buttons_only(reply) == {"custom": {"reply": {"topic": "bullying", "messages": [
        {"buttons": [{"payload": "/followup_report"}]}]}}}
    assert buttons_only({"custom": {"reply": {"messages": [{"text": "x"}]}}}) is None


def test_what_the_insights_read_is_kept(client, chat):
    """bot/insights/record.py summarises a conversation from its stored events when it ends: the
    urgent flag of each message's risk, each reply's topic and urgency."""
    from bot.insights.record import summarise_events

    session, _ = converse(chat, ["someone keeps sending me hate on snap", "i want to kill myself"])
    tracker, _events = client.app.state.assistant.tracker_store.store[session]
    summary = summarise_events(tracker.events)
    assert "bullying" in summary.topics and summary.risk == "urgent"
    users = [e for e in tracker.events if e.type_name == "user"]
    assert users[-1].parse_data["risk"] == {"urgent": True}
