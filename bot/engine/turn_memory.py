"""What a finished turn keeps: what later turns read, not the whole parse.

While a turn runs, its message carries the whole NLU parse: the actions read it as
`tracker.latest_message` (intent ranking, risk, safety, cues, language ...). Once the turn
is saved, no later turn reads any of that: the next message becomes `latest_message`; Rasa's
rule and memoisation policies read each earlier message's intent name and entities; the
actions read the slots (actions/unfold.py keeps the conversation's state there); the gateway
reads the buttons each bot turn offered (api/assistant.py `offered_payloads`). So when a
conversation is saved (bot/engine/tracker_store.py, bot/engine/redis_tracker_store.py):

- a user message keeps its text, intent (name and confidence), entities, message id and
  metadata, and whether the risk step found it urgent (`risk.urgent`: the insights count it
  when the conversation ends, bot/insights/record.py); token offsets, the intent ranking,
  sentence labels, the rest of the risk step's reading, safety, cues go;
- a bot turn keeps the payloads of the buttons it offered, where they were in its data (the
  gateway reads them from the reply sent as data: api/assistant.py `_offered_by`), the reply's
  `topic` and `urgent` (the insights' counts), and its text; the rest of the reply (message
  texts, service cards), already sent, goes.

Two more things Rasa repeats on every event are shared instead of copied: the metadata dict
that Rasa gives each event (`{"model_id": ..., "assistant_id": ...}`, a new dict per event,
~2 KB a turn), and a slot value set again unchanged (actions/unfold.py sets the state's slots
on every turn) is the previous event's value object.

Events are slimmed in place (the stores keep these same objects), once each. Before: ~28 KB of
worker memory per turn; after: tests/test_turn_memory.py measures it.
"""
from typing import Any, Dict, Iterable, Tuple

from rasa.shared.core.events import BotUttered, Event, SlotSet, UserUttered

_shared_metadata: Dict[Tuple, Dict[str, Any]] = {}

PARSE_KEPT = ("intent", "entities", "text", "message_id", "metadata", "risk")
RISK_KEPT = ("urgent",)
# Scalar values kept wherever they are in a bot turn's data (bot/insights/record.py reads them).
REPLY_KEPT = ("topic", "urgent")
INTENT_KEPT = ("name", "confidence")


def slim_parse(parse_data: Dict[str, Any]) -> Dict[str, Any]:
    kept = {k: parse_data[k] for k in PARSE_KEPT if k in parse_data}
    intent = kept.get("intent")
    if isinstance(intent, dict):
        kept["intent"] = {k: intent[k] for k in INTENT_KEPT if k in intent}
    risk = kept.get("risk")
    if isinstance(risk, dict):
        kept["risk"] = {k: risk[k] for k in RISK_KEPT if k in risk}
    elif "risk" in kept:
        del kept["risk"]
    return kept


def _slim_user(event: UserUttered) -> None:
    parse = event.parse_data or {}
    if set(parse) <= set(PARSE_KEPT) and set(parse.get("intent") or {}) <= set(INTENT_KEPT) \
            and set(parse.get("risk") or {}) <= set(RISK_KEPT):
        return
    event.parse_data = slim_parse(parse)
    if isinstance(event.intent, dict) and set(event.intent) - set(INTENT_KEPT):
        event.intent = dict(event.parse_data.get("intent") or {})


def buttons_only(value: Any) -> Any:
    """`value` with only the payloads of the buttons in it, at the same places: every list named
    "buttons" keeps `{"payload": ...}` of each button; a scalar named in REPLY_KEPT stays beside
    them; dicts and lists that hold none of these go (None)."""
    if isinstance(value, dict):
        kept = {}
        for key, item in value.items():
            if key == "buttons" and isinstance(item, list):
                item = [{"payload": b["payload"]} for b in item if isinstance(b, dict) and isinstance(b.get("payload"), str)]
            elif key in REPLY_KEPT and isinstance(item, (str, bool, int, float)):
                kept[key] = item
                continue
            else:
                item = buttons_only(item)
            if item:
                kept[key] = item
        return kept or None
    if isinstance(value, list):
        return [kept for kept in (buttons_only(item) for item in value) if kept] or None
    return None


def _slim_bot(event: BotUttered) -> None:
    data = event.data or {}
    if getattr(event, "_slim", False):
        return
    event.data = buttons_only(data) or {}
    event._slim = True


def _shared(metadata: Dict[str, Any]) -> Dict[str, Any]:
    """One dict for all events with the same plain metadata (Rasa replaces an event's metadata
    dict rather than change it, so sharing one is safe)."""
    try:
        key = tuple(sorted(metadata.items()))
        hash(key)
    except TypeError:
        return metadata
    if len(_shared_metadata) > 64:
        _shared_metadata.clear()
    return _shared_metadata.setdefault(key, metadata)


def slim(events: Iterable[Event]) -> None:
    """Slims every finished turn's user and bot events, in place; shares repeated metadata and
    slot values."""
    last_value: Dict[str, Any] = {}
    for event in events:
        if isinstance(event, UserUttered):
            _slim_user(event)
        elif isinstance(event, BotUttered):
            _slim_bot(event)
        elif isinstance(event, SlotSet):
            before = last_value.get(event.key)
            if before is not None and before is not event.value and before == event.value:
                event.value = before
            last_value[event.key] = event.value
        if event.metadata and not isinstance(event, UserUttered):
            event.metadata = _shared(event.metadata)
