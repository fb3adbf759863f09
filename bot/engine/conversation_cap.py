"""A size cap on one conversation (issue 21): the whole conversation goes to the action server
every turn, and is stored (Redis: one list per conversation), so one that never ends made
every turn slower (400 turns: a 4.2 MB list, 37 -> 218 ms a turn).

At MAX_USER_TURNS messages, the stores (bot/engine/tracker_store.py, bot/engine/redis_tracker_store.py) save
the conversation compacted: a new session start, the slots (everything the assistant knows
about the conversation: who is writing, about whom, their ages, the topic and how urgent it
is: actions/unfold.py keeps it there), then the last KEEP_USER_TURNS turns as they were (the
dialogue rules read the last few events; the buttons offered there stay accepted, api/routes/
chat.py). The person notices nothing: the next answer is as it would have been. Older messages
are dropped, which also means they are kept no longer than needed.
"""
from typing import List

from rasa.shared.core.constants import ACTION_LISTEN_NAME, ACTION_SESSION_START_NAME
from rasa.shared.core.events import ActionExecuted, Event, SessionStarted, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

MAX_USER_TURNS = 40  # a real conversation here is a few turns; 40 is far beyond any
KEEP_USER_TURNS = 3


def user_turns(tracker: DialogueStateTracker) -> int:
    return sum(isinstance(e, UserUttered) for e in tracker.events)


def capped(tracker: DialogueStateTracker) -> DialogueStateTracker:
    """`tracker` itself while under the cap; otherwise a new tracker holding the compacted
    conversation (same sender, same slots, the last KEEP_USER_TURNS turns)."""
    if len(tracker.events) < MAX_USER_TURNS or user_turns(tracker) < MAX_USER_TURNS:
        return tracker
    return DialogueStateTracker.from_events(tracker.sender_id, compacted_events(tracker),
                                            slots=list(tracker.slots.values()))


def compacted_events(tracker: DialogueStateTracker) -> List[Event]:
    events = list(tracker.events)
    users = [i for i, e in enumerate(events) if isinstance(e, UserUttered)]
    start = users[-KEEP_USER_TURNS]
    # The turn starts at the listen before its message, as Rasa records it.
    if start > 0 and isinstance(events[start - 1], ActionExecuted) and events[start - 1].action_name == ACTION_LISTEN_NAME:
        start -= 1
    head: List[Event] = [ActionExecuted(ACTION_SESSION_START_NAME), SessionStarted()]
    head += [SlotSet(slot.name, slot.value) for slot in tracker.slots.values()
             if slot.value != slot.initial_value and slot.name not in ("session_started_metadata",)]
    # The kept turns set their own slots again where they changed them: replaying them in order
    # ends with the same values as now.
    tail = events[start:]
    if not (tail and isinstance(tail[0], ActionExecuted) and tail[0].action_name == ACTION_LISTEN_NAME):
        head.append(ActionExecuted(ACTION_LISTEN_NAME))
    return head + tail
