"""The conversation so far (issue 10): who is writing, who it is about, how old, who the other
person is, the app, the current topic and how bad it is; and how a new turn changes it.

Pure functions over plain values, so they are tested without Rasa; actions/unfold.py keeps
the state in slots across turns.
"""
from dataclasses import asdict, dataclass, replace
from typing import Dict, Optional, Tuple

from bot.domain import taxonomy

WRITERS = taxonomy.AUDIENCES + ("friend",)
RISKS = ("none", "concern", "urgent")
ADULT_AGE = 18
# Who the other person is, when they are older: an adult or a stranger met online.
OLDER = {"adult", "stranger"}
# A new fact → the safety-net category whose urgent steps fit it (bot/content/urgent_steps.yml).
ESCALATION_DANGER = {"meeting": "meeting", "threat": "violence_threat", "violence": "physical_abuse",
                     "image_request": "strip_request", "money_demand": "sextortion"}
# Situations about the writer's own actions or thoughts (bot/content/situations/): "my mates"
# in "i forwarded her nudes to my mates" does not make the writer a friend helping a friend.
OWN_SITUATIONS = {"someone_elses_image", "own_sexual_thoughts"}
# Topics where a planned meeting is a danger (not a meeting with a friend from class).
MEETING_TOPICS = {"grooming", "exploitation"}


@dataclass(frozen=True)
class State:
    writer: Optional[str] = None  # young_person, parent, professional, friend (helping a friend)
    subject: Optional[str] = None  # self, child, pupil, friend, sibling
    subject_age: Optional[int] = None
    writer_age: Optional[int] = None  # a young person's own age ("i'm 13")
    other_person: Optional[str] = None  # stranger, adult, peer, partner, family, teacher
    app: Optional[str] = None
    intent: Optional[str] = None  # the current topic's intent (slot last_intent)
    risk: str = "none"

    @property
    def audience(self) -> Optional[str]:
        """Whose texts to use: a friend helping a friend is a young person."""
        return "young_person" if self.writer == "friend" else self.writer

    @property
    def age(self) -> Optional[int]:
        """The age that chooses texts and services: a young person's own; otherwise (a parent,
        a teacher, a friend) the age of the one it is about."""
        if self.writer in (None, "young_person") and self.writer_age is not None:
            return self.writer_age
        return self.subject_age if self.subject_age is not None else self.writer_age

    @property
    def urgent(self) -> bool:
        return self.risk == "urgent"

    @property
    def about_a_child(self) -> bool:
        age = self.age
        return age is None or age < ADULT_AGE

    def as_dict(self) -> Dict:
        return asdict(self)


def heard(state: State, cues: Dict, audience: Optional[str] = None) -> State:
    """The state after reading one message's context cues (and the request's audience)."""
    changes = {}
    stated = audience or cues.get("audience")
    subject = cues.get("subject")
    if cues.get("situation") in OWN_SITUATIONS:
        subject = None  # "i forwarded her nudes to my mates": the mates are not who it is about
    if subject:
        changes["subject"] = subject
        if subject in ("friend", "sibling") and state.writer in (None, "young_person") and stated in (None, "young_person"):
            changes["writer"] = "friend"
    if stated in taxonomy.ADULT_AUDIENCES or (stated == "young_person" and state.writer != "friend"):
        changes["writer"] = stated
    if cues.get("age") is not None:
        age = int(cues["age"])
        if cues.get("audience") == "parent" or stated == "parent":  # "my 12 year old"
            changes["subject_age"] = age
            changes.setdefault("subject", "child")
        else:
            changes["writer_age"] = age
            if age < ADULT_AGE and "writer" not in changes and state.writer is None:
                changes["writer"] = "young_person"
    subject_age = cues.get("subject_age")
    if subject_age is not None:
        subject_age = int(subject_age)
        now = changes.get("subject", state.subject)
        if subject_age >= ADULT_AGE and now in (None, "self") and changes.get("writer", state.writer) in (None, "young_person"):
            changes["other_person"] = "adult"  # "he's 19", said by a young person of themself
        else:
            changes["subject_age"] = subject_age
    if cues.get("person"):
        changes["other_person"] = cues["person"]
    if cues.get("platform"):
        changes["app"] = cues["platform"]
    if "subject" not in changes and state.subject is None and changes.get("writer", state.writer) == "young_person":
        changes["subject"] = "self"
    return replace(state, **changes)


def escalated(state: State, intent: Optional[str], escalation: Optional[str],
              risk_urgent: bool = False) -> Tuple[Optional[str], bool, Optional[str]]:
    """(intent to answer, urgent because of the conversation, danger category).

    Read with the conversation so far, a new fact makes it urgent and keeps the topic:
    - an adult or stranger asking a child for images is grooming, whatever words are used;
    - a demand for money after images were shared is sextortion;
    - a planned meeting, with an adult or stranger or in a grooming or exploitation chat;
    - a threat or violence, when the risk step found the message urgent (`risk_urgent`): "my
      mum will kill me if I'm late" is a threat's words and a figure of speech (issue 18).
    """
    previous = state.intent
    previous_topic = taxonomy.topic_for(previous) or None
    topic = taxonomy.topic_for(intent)
    if escalation == "image_request" and state.about_a_child and (
            state.other_person in OLDER or previous_topic == "grooming"):
        return ("abuse_disclosure" if intent == "abuse_disclosure" else "grooming"), True, "strip_request"
    if escalation == "money_demand" and "image_sharing" in (previous_topic, topic):
        return "sextortion", True, "sextortion"
    urgent = False
    if escalation == "meeting":
        urgent = state.other_person in OLDER or previous_topic in MEETING_TOPICS or topic in MEETING_TOPICS
    elif escalation in ("threat", "violence"):
        urgent = risk_urgent
    if not urgent:
        return intent, False, None
    answered = keep_topic(previous, intent)
    if taxonomy.topic_for(answered) is None and escalation == "meeting" and state.about_a_child:
        answered = "grooming"  # a child meeting an adult or stranger from online
    return answered, True, ESCALATION_DANGER[escalation]


def keep_topic(previous: Optional[str], intent: Optional[str]) -> Optional[str]:
    """A new danger keeps the conversation's topic: "he pushed me" in a chat about a controlling
    boyfriend is still about him. The classifier's intent wins only when it is a finer crisis
    intent of the same topic (sextortion within image sharing)."""
    if not previous or taxonomy.topic_for(previous) is None:
        return intent
    if taxonomy.topic_for(intent) == taxonomy.topic_for(previous) and taxonomy.is_crisis_intent(intent):
        return intent
    return previous


def risk_after(urgent: bool, intent: Optional[str], before: str) -> str:
    """Once urgent, a conversation stays urgent until the person says they are safe."""
    if urgent or before == "urgent":
        return "urgent"
    return "concern" if taxonomy.topic_for(intent) else before
