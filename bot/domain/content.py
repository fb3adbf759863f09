"""Reply texts, read from bot/content/ (their one source).

- conversation.yml: greetings, privacy answer and the fixed lines around signposting
- emergency.yml: the emergency route, first in every urgent reply
- all_services.yml: "show me all services" and the degraded-mode lists
- <topic>.yml: per audience: intro, steps, ordered service ids for the topic's own intent, and
  the same under its own key for a finer intent of the topic (`sextortion:` in image_sharing.yml)
- danger.yml: the same for someone in danger now, with no clearer topic yet
- situations/<name>.yml: the same for a situation the context cues recognise within a topic
  ("I have someone else's nude", "I'm worried about my own sexual thoughts")
- urgent_steps.yml: steps that fit the danger the safety net found, first in an urgent reply

A young person aged 18 or over gets the `young_adult` block where a file has one, so texts
follow the same age rules as the service cards (no Childline or Report Remove for adults).
"""
from dataclasses import dataclass
from functools import lru_cache
from typing import List, Optional, Tuple

from bot import yaml_files

from bot import BOT_DIR
from bot.domain import directory, taxonomy
from bot.domain.taxonomy import ADULT_AGE, AUDIENCES, DEFAULT_AUDIENCE

CONTENT_DIR = BOT_DIR / "content"
SITUATIONS_DIR = CONTENT_DIR / "situations"
# The blocks a content file may have: one per audience, and `young_adult` after the young person's.
BLOCKS = AUDIENCES[:1] + ("young_adult",) + AUDIENCES[1:]
FIXED_FILES = {"conversation", "emergency", "all_services", "danger", "urgent_steps", "questions", "friend"}


@dataclass(frozen=True)
class Guidance:
    intro: str
    steps: List[str]
    services: List[str]
    what_next: Optional[str] = None
    report: Optional[str] = None


@lru_cache(maxsize=None)
def _file(name: str) -> dict:
    path = CONTENT_DIR / f"{name}.yml"
    if not path.exists() and (SITUATIONS_DIR / f"{name}.yml").exists():
        path = SITUATIONS_DIR / f"{name}.yml"
    with open(path, encoding="utf-8") as f:
        return yaml_files.safe_load(f)


def audience_or_default(audience) -> str:
    return audience if audience in AUDIENCES else DEFAULT_AUDIENCE


def is_young_adult(audience: str, age: Optional[int]) -> bool:
    return audience_or_default(audience) == "young_person" and age is not None and age >= ADULT_AGE


def block(data: dict, audience: str, age: Optional[int] = None):
    """The block for this audience; the `young_adult` one for a young person aged 18+."""
    if is_young_adult(audience, age) and "young_adult" in data:
        return data["young_adult"]
    return data[audience_or_default(audience)]


def intent_texts(intent: str) -> dict:
    """The audience blocks of an intent: its topic's file (the intent's own key in it when the
    intent is finer than its topic), or the intent's own file for danger (no topic)."""
    topic = taxonomy.topic_for(intent)
    if topic is None:
        return _file(intent)
    data = _file(topic)
    return data if intent == topic else data[intent]


def guidance(intent: str, audience: str, age: Optional[int] = None) -> Guidance:
    block_ = block(intent_texts(intent), audience, age)
    return _guidance(block_)


def _guidance(block: dict) -> Guidance:
    return Guidance(
        block["intro"], list(block["steps"]), list(block["services"]),
        block.get("what_next"), block.get("report"),
    )


def conversation(key: str) -> str:
    return _file("conversation")[key]


def audience_ack(audience: str) -> str:
    return _file("conversation")["audience_ack"][audience_or_default(audience)]


def button_title(key: str) -> str:
    return _file("conversation")["buttons"][key]


def small_talk(key: str, audience: str, age: Optional[int] = None) -> Tuple[str, List[str]]:
    """(text, service ids). A text may differ by audience: {young_person, parent, ...}."""
    value = _file("conversation")[key]
    if not isinstance(value, dict):
        return value, []
    chosen = block(value, audience, age)
    if isinstance(chosen, dict):
        return chosen["text"], list(chosen.get("services") or [])
    return chosen, []


def situations() -> List[str]:
    return sorted(p.stem for p in SITUATIONS_DIR.glob("*.yml"))


def situation_topic(name: Optional[str]) -> Optional[str]:
    return _file(name).get("topic") if name in situations() else None


def urgent_steps(danger: Optional[str], intent: str, audience: str, age: Optional[int] = None) -> List[str]:
    """Steps that fit the danger the safety net found (bot/content/urgent_steps.yml). None when
    the topic's own steps are already about that danger (self-harm steps for a suicide risk)."""
    entry = _file("urgent_steps").get(danger or "")
    if not entry or intent in (entry.get("skip_for_intents") or []):
        return []
    return list(block(entry, audience, age))


def question(kind: str, intent: Optional[str], audience: str, age: Optional[int] = None) -> str:
    """The answer to a question inside the current topic (bot/content/questions.yml): the
    audience's block (young_adult for a young person aged 18+, adult for a parent or staff),
    then the intent's or situation's answers, then (for a topic intent only) the topic's, then
    `any`. A situation never falls back to its topic's answers: "will i get in trouble" after
    forwarding someone else's nude is not the answer for the one whose picture was shared."""
    data = _file("questions")
    if is_young_adult(audience, age):
        answers = data["young_adult"]
    elif audience_or_default(audience) != "young_person":
        answers = data["adult"]
    else:
        answers = data["young_person"]
    keys = (intent, "any") if intent in situations() else (intent, situation_topic(intent), "any")
    for key in keys:
        block_ = answers.get(key or "") or {}
        if kind in block_:
            return block_[kind]
    return answers["any"]["tell_parents" if answers is data["young_person"] else "report"]


def friend(intent: Optional[str], topic: Optional[str]) -> Tuple[str, List[str]]:
    """(intro, steps) for a young person helping a friend."""
    data = _file("friend")
    steps = data["steps"].get(intent or "") or data["steps"].get(topic or "") or data["steps"]["any"]
    return data["intro"], list(steps)


def emergency(audience: str, age: Optional[int] = None) -> str:
    key = audience_or_default(audience)
    if key == "young_person" and not directory.get("childline").suits_age(age):
        key = "adult"
    return _file("emergency")[key].format(
        childline_phone=directory.get("childline").phone,
        samaritans_phone=directory.get("samaritans").phone,
    )


def talk_now_services(age: Optional[int] = None) -> List[str]:
    """The line to talk to now for someone of this age: Childline under 19, else Samaritans and
    Breathing Space (bot/services.yml age ranges)."""
    if directory.get("childline").suits_age(age):
        return ["childline"]
    return ["samaritans", "breathing_space"]


def rate_limited() -> str:
    """The 429 text: the API does not know the age yet, so it names the line for each age."""
    return _file("conversation")["rate_limited"].format(
        childline_phone=directory.get("childline").phone,
        samaritans_phone=directory.get("samaritans").phone,
    )


def all_services(audience: str, age: Optional[int] = None) -> List[str]:
    return list(block(_file("all_services"), audience, age))


def crisis_services(audience: str, age: Optional[int] = None) -> List[str]:
    return list(block(_file("all_services")["crisis"], audience, age))


def guidance_intents() -> List[str]:
    """Intents that have guidance in a topic's file: the topic's own and those under their own key."""
    found = []
    for path in CONTENT_DIR.glob("*.yml"):
        if path.stem not in FIXED_FILES:
            found += [path.stem] + [key for key in _file(path.stem) if key not in BLOCKS]
    return sorted(found)
