"""What a live conversation costs the worker per turn (the goal: at most 5 KB; it was ~28 KB).

Measured here: ~1.1-1.6 KB (tracemalloc); ~11.4 KB before idle conversations were kept
compressed (bot/engine/tracker_store.py), ~28 KB before a finished turn kept only what later
turns read (bot/engine/turn_memory.py). What is left: the compressed conversation (~0.5 KB a
turn), the per-session rate-limit counters and session ids, and small caches of the NLU
components. The test holds the bound reached (MAX_BYTES_PER_TURN) so that it cannot grow back
unnoticed.

Through the real agent and action server (the `chat` fixture): conversations of the bench's
short mix. tracemalloc starts before a warm-up that fills what has a fixed size (the store's
LIVE_CONVERSATIONS trackers, first-use allocations), so that the memory still held after the
measured conversations (kept for the 30-minute expiry) over the turns sent is what each
further turn costs. Also the size of what is stored, as Rasa's JSON, and that a finished turn
keeps only what later turns read (bot/engine/turn_memory.py).
"""
import gc
import logging
import json
import tracemalloc

import pytest

from bot.engine.tracker_store import LIVE_CONVERSATIONS, packed
from bot.engine.turn_memory import INTENT_KEPT, PARSE_KEPT, buttons_only
from tooling.bench.mixes import CONVERSATIONS

GOAL_BYTES_PER_TURN = 5 * 1024  # the goal (docs/performance.md, Memory)
# Reached: ~1.1-1.6 KB; before: ~11.4 KB, and ~28 KB before that. The margin is for caches of a
# fixed size whose content varies with the messages last read (the risk facts' reader keeps some).
MAX_BYTES_PER_TURN = 2.5 * 1024


def converse(chat, conversation):
    session, turns = None, 0
    for text in conversation:
        if text.startswith("/") and not text.startswith("/audience"):
            continue
        body = {"payload": text} if text.startswith("/") else {"message": text}
        reply = chat(**body, **({"session_id": session} if session else {}))
        session, turns = reply["session_id"], turns + 1
    return session, turns


def test_a_turn_costs_the_worker_at_most_2_5_kb(client, chat):
    for conversation in CONVERSATIONS[:3]:  # first-use allocations, not traced
        converse(chat, conversation)
    gc.collect()
    # pytest keeps every log record of a test; a served worker writes them out and keeps none.
    logging.disable(logging.CRITICAL)
    tracemalloc.start()
    try:
        # Traced, so that what the measured turns push out of the fixed-size caches counts as freed.
        warm_up = CONVERSATIONS * (1 + LIVE_CONVERSATIONS // len(CONVERSATIONS))
        assert len(warm_up) >= LIVE_CONVERSATIONS
        for conversation in warm_up:
            converse(chat, conversation)
        gc.collect()
        before, _ = tracemalloc.get_traced_memory()
        turns = 0
        for conversation in CONVERSATIONS * 4:
            turns += converse(chat, conversation)[1]
        gc.collect()
        held, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
        logging.disable(logging.NOTSET)
    per_turn = (held - before) / turns
    print(f"worker memory held per turn: {per_turn:.0f} bytes over {turns} turns")
    assert per_turn <= MAX_BYTES_PER_TURN, f"{per_turn:.0f} bytes per turn"
    assert MAX_BYTES_PER_TURN <= GOAL_BYTES_PER_TURN


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
    # An idle conversation is kept packed (compressed): what the worker holds for it.
    kept = len(packed(store.saved_events(session))) / turns
    print(f"kept compressed per turn: {kept:.0f} bytes")
    assert kept <= 1024


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
    events = client.app.state.assistant.tracker_store.saved_events(session)
    summary = summarise_events(events)
    assert "bullying" in summary.topics and summary.risk == "urgent"
    users = [e for e in events if e.type_name == "user"]
    assert users[-1].parse_data["risk"] == {"urgent": True}
